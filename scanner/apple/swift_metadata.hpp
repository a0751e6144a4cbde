// Swift type and module names from a Mach-O image: the __swift5_types descriptor list (kept by
// stripping), mangled symbol names, and the runtime names of Swift classes ("_TtC4Demo5Hello").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/apple/macho_view.hpp"

namespace sdkscope::apple {

struct SwiftNames {
  std::vector<std::string> types;    ///< "Module.Type" or "Module.Outer.Inner", in list order
  std::vector<std::string> modules;  ///< the module of each type
  std::size_t unresolved = 0;        ///< records whose descriptor or names could not be read
  bool limited = false;
};

/// Walks __swift5_types (and __swift5_types2, __swift4_types) of a linked image: each record
/// leads to a type context descriptor, whose parent chain ends at its module. Bounded: at most
/// max_entries types, parent chains of at most 16 levels; unreadable records count as unresolved.
void read_swift_types(const MachoView& view, std::size_t max_entries, SwiftNames& out);

/// The module of a mangled Swift symbol ("_$s4Demo5HelloC..." -> "Demo"; also the Swift 4
/// prefixes "$S" and "_T0"), nullopt for other symbols and for standard-library substitutions.
std::optional<std::string_view> swift_symbol_module(std::string_view symbol);
/// "Demo.Hello" for the symbols of a nominal type's descriptor, metadata or metadata accessor
/// ("_$s4Demo5HelloCMn", "...CN", "...CMa"; C/V/O = class/struct/enum), nullopt otherwise.
std::optional<std::string> swift_type_from_symbol(std::string_view symbol);
/// "Demo.Hello" for the ObjC runtime name "_TtC4Demo5Hello" of a Swift class (nested kinds
/// "_TtCC4Demo5Outer5Inner" -> "Demo.Outer.Inner"), nullopt otherwise.
std::optional<std::string> swift_type_from_objc_name(std::string_view name);

}  // namespace sdkscope::apple
