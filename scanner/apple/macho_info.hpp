// What sdkscope reads from a Mach-O image (thin, fat/universal, or a static library archive of
// Mach-O objects, itself possibly fat): load commands, metadata and strings through our own
// bounds-checked readers, the symbol table through LIEF 0.9 (see scanner/apple/macho.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

struct MachoInfo {
  std::string kind;                 ///< "execute", "dylib", "bundle", "object", "archive" (.a), ...
  std::vector<std::string> archs;   ///< one per slice: "arm64", "armv7", "x86_64", "i386", "arm64e" ...
  std::string install_name;         ///< LC_ID_DYLIB, "" when none
  std::vector<std::string> linked_dylibs;  ///< every load-dylib kind (weak, reexport, lazy, upward), in order, unique
  std::vector<std::string> rpaths;
  std::vector<std::string> objc_classes;   ///< from __objc_classlist class data (and _OBJC_CLASS_$_ symbols), sorted, unique
  std::vector<std::string> swift_types;    ///< "Module.Type" from __swift5_types descriptors / mangled names / "_TtC" class names, sorted, unique; C types ("__C") left out
  std::vector<std::string> swift_modules;  ///< module names of the Swift types, sorted, unique
  std::vector<std::string> imported_symbols;  ///< undefined symbols (e.g. "_ptrace", "_OBJC_CLASS_$_ASIdentifierManager"), sorted, unique
  std::vector<std::string> exported_symbols;  ///< defined external symbols, private externs left out; sorted, unique
  std::vector<std::string> strings;  ///< C strings from __cstring, __cfstring targets, __objc_methname excluded; unique, in first-seen order
  bool encrypted = false;            ///< any slice has LC_ENCRYPTION_INFO(_64) with cryptid != 0
  std::vector<std::string> encrypted_archs;
  std::string entitlements;          ///< the entitlements plist (XML text) from the code signature, "" when none
  std::string min_os;                ///< LC_BUILD_VERSION / LC_VERSION_MIN_* minimum OS, e.g. "14.0"; across slices: a device platform over a simulator one, then the lowest
  std::string platform;              ///< "ios", "iossimulator", "macos", "watchos", "tvos", "maccatalyst", ""
  std::size_t archive_members = 0;   ///< objects read from a static archive (summed over the slices of a fat archive)
  std::vector<std::string> objc_categories;  ///< "Class(Category)" from __objc_catlist and category symbols; "?(Category)" when the class is bound at load time and unnamed; sorted, unique
  std::vector<std::string> selectors;  ///< ObjC selector names from __objc_methname (required-reason APIs such as systemUptime); unique, first-seen order
  std::vector<std::string> linker_options;   ///< LC_LINKER_OPTION of objects, e.g. "-framework AdSupport", "-lz"; in order, unique
};

struct MachoLimits {
  std::size_t max_slices = 16;           ///< real universal binaries hold <= 5 architectures
  std::size_t max_archive_members = 20'000;
  std::size_t max_load_commands = 10'000;
  std::size_t max_strings = 500'000;
  std::size_t max_classes = 500'000;
  std::size_t min_string_length = 4;
  std::size_t max_symbols = 500'000;     ///< per image; bounds memory on huge symbol tables
};

struct MachoParseResult {
  MachoInfo info;
  bool ok = false;  ///< false when nothing could be read
};

/// True when bytes start with a Mach-O (either byte order), fat, or "!<arch>\n" magic. A fat
/// magic counts only with 1..30 architectures: Java class files share 0xcafebabe.
bool looks_like_macho(Bytes data);

/// Parses a Mach-O file of any of the above kinds. Slices are merged without double counting.
/// Never throws: LIEF exceptions and malformed structures become diagnostics under `where`
/// (slices as "where[arm64]", archive members as "where(member.o)"): warnings "macho.not_macho",
/// "macho.parse_error", "macho.bad_fat", "macho.bad_load_command", "macho.encrypted",
/// "macho.limit", "ar.bad_member"; infos "macho.symbols_direct" (LIEF could not read the symbol
/// table, read directly), "macho.objc_unresolved", "macho.swift_unresolved" (metadata entries
/// whose names could not be read), "ar.bad_member" (non-object members skipped).
/// An App Store-encrypted slice is reported in diagnostics, saying which parts could be read
/// (load commands, symbols) and which could not (ObjC metadata, strings in encrypted segments).
/// Runs in-process: LIEF 0.9 behind it survived every input of the mutation sweep
/// (tests/apple/macho_mutation_test.cpp), so no child process is needed.
MachoParseResult parse_macho(Bytes data, Diagnostics& diags, const std::string& where, const MachoLimits& limits = {});

}  // namespace sdkscope::apple
