// What sdkscope reads from Java .class files (in JARs and AARs): the class defined, the types it
// references, and its string constants, from the constant pool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::java {

/// What parse_class_file extracts from one class file. All text is valid UTF-8 (modified UTF-8
/// decoded; malformed bytes become U+FFFD).
struct ClassFile {
  std::string name;        ///< dotted, "com.a.B$C"
  std::string super_name;  ///< dotted, "" for java.lang.Object's own file and module-info
  std::vector<std::string> interfaces;
  /// CONSTANT_Class entries (dotted, arrays unwrapped, primitive arrays dropped), sorted, unique;
  /// includes the class itself.
  std::vector<std::string> referenced_classes;
  /// CONSTANT_String values (modified UTF-8 decoded), in pool order, unique.
  std::vector<std::string> strings;
  /// "com.a.B.method" from Methodref/InterfaceMethodref, in pool order, unique (overloads appear
  /// once). An array owner keeps its descriptor, as in dex::DexFile ("[I.clone").
  std::vector<std::string> method_refs;
  std::uint16_t major_version = 0;
  std::uint16_t minor_version = 0;
  /// The class's access_flags (ACC_INTERFACE 0x0200, ACC_ABSTRACT 0x0400, ACC_ANNOTATION 0x2000,
  /// ACC_ENUM 0x4000, ACC_MODULE 0x8000, ...); 0 when not read.
  std::uint16_t access_flags = 0;
};

/// Bounds on the work done for one class file, each with its reason. Hitting one gives "class.limit".
struct ClassFileLimits {
  std::uint32_t max_constant_pool = 65'535;  ///< the format's own bound (u2 count)
  /// Bytes of names and strings built for one class. A real class yields well under a megabyte;
  /// this stops a small hostile pool whose many entries join the same long names from growing
  /// into gigabytes. What was built before the limit stays.
  std::uint64_t max_output_bytes = 16ull << 20;
};

struct ClassParseResult {
  ClassFile cls;
  /// True when the class's own name was read: magic, version, the whole constant pool and a valid
  /// this_class. The other fields may still be partial (see the diagnostics).
  bool ok = false;
};

/// Parses one .class file. Never throws. Problems go to `diags` under `where`, each code capped at
/// a few entries plus one "N more" line: "class.bad_magic" (not a class file, or a version outside
/// 45..69: older is refused, newer is read with a warning), "class.truncated" (the bytes end inside
/// a structure), "class.bad_constant" (an unknown tag, or an index out of range or of the wrong
/// kind in what it follows: Class, String, Methodref, InterfaceMethodref, NameAndType and the
/// class header), "class.limit" (a ClassFileLimits bound was hit). Whatever was sound is returned: when the
/// pool is cut short or has an unknown tag, the strings, classes and method refs of the entries
/// before that point are still filled in, though `ok` is false. Reads nothing past the interfaces.
ClassParseResult parse_class_file(Bytes data, Diagnostics& diags, const std::string& where,
                                  const ClassFileLimits& limits = {});

/// A CONSTANT_Class name (internal form, already decoded) in Java's dotted form: "com/a/B$C" ->
/// "com.a.B$C", "[[Lcom/a/B;" -> "com.a.B". Arrays of primitives, malformed array descriptors and
/// "" give "" (not a class).
std::string class_name_to_java(std::string_view internal_name);

}  // namespace sdkscope::java
