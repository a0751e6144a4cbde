// Objective-C class and category names from a Mach-O image's runtime metadata (which survives
// stripping) and from its symbol names (which is all an unlinked object file has).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/apple/macho_view.hpp"

namespace sdkscope::apple {

struct ObjcNames {
  std::vector<std::string> classes;     ///< in list order, may repeat across lists
  std::vector<std::string> categories;  ///< "Class(Category)"; "?(Category)" when the class is not resolvable
  std::size_t unresolved = 0;           ///< list entries whose name could not be read
  bool limited = false;                 ///< stopped at max_entries
};

/// Walks __objc_classlist and __objc_catlist(2) of a linked image (objects are skipped: their
/// list slots are relocations, see objc_metadata.cpp). Entries whose pointers do not lead to a
/// readable, plausible name count as unresolved; nothing is read from the encrypted range.
void read_objc_metadata(const MachoView& view, std::size_t max_entries, ObjcNames& out);

/// "X" for the symbols "_OBJC_CLASS_$_X" and "_OBJC_METACLASS_$_X", nullopt otherwise.
std::optional<std::string_view> objc_class_from_symbol(std::string_view symbol);
/// "X(Y)" for the category symbol "__OBJC_$_CATEGORY_X_$_Y" clang emits, nullopt otherwise.
std::optional<std::string> objc_category_from_symbol(std::string_view symbol);
/// A plausible runtime name: 1..1024 bytes, no controls, spaces or quotes.
bool plausible_objc_name(std::string_view name);

}  // namespace sdkscope::apple
