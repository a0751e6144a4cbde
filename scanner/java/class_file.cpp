// The Java class file reader: the constant pool and the class header after it (name, superclass,
// interfaces), through bounds-checked reads, returning partial results.
//
// The format, as far as this file reads it. Spec: The Java Virtual Machine Specification, chapter 4
// "The class File Format" (https://docs.oracle.com/javase/specs/jvms/se21/html/jvms-4.html), 4.1
// for the layout and 4.4 for the constant pool. Every number is big-endian.
//
//   u4 magic 0xCAFEBABE, u2 minor_version, u2 major_version (45 = JDK 1.0.2 ... 52 = Java 8 ...
//   69 = Java 25), u2 constant_pool_count, the pool, u2 access_flags, u2 this_class,
//   u2 super_class, u2 interfaces_count, u2 interfaces[]; then fields, methods and attributes,
//   which we never read.
//
// The pool is indexed from 1 to constant_pool_count - 1. Each entry is a u1 tag and a body whose
// size the tag fixes, except Utf8, which carries its own u2 length:
//   1 Utf8 (u2 length, bytes)    3 Integer, 4 Float (u4)        5 Long, 6 Double (u8, two slots)
//   7 Class (u2 name -> Utf8)    8 String (u2 -> Utf8)          9 Fieldref, 10 Methodref,
//   11 InterfaceMethodref (u2 class -> Class, u2 -> NameAndType) 12 NameAndType (u2 name, u2 type)
//   15 MethodHandle (u1 kind, u2 ref)   16 MethodType (u2)      17 Dynamic, 18 InvokeDynamic (u2, u2)
//   19 Module, 20 Package (u2 -> Utf8)
// Long and Double take two indices: the entry after one is numbered n + 2, and index n + 1 is
// unusable (the spec's own "in retrospect, a poor choice"). Because entries are variable-sized
// and there is no offset table, the pool can only be walked front to back, and this_class lies
// after it: an unknown tag or a cut inside the pool loses the class's name. The entries walked up
// to that point are still read for strings, classes and method refs.
//
// Text is "modified UTF-8" (4.4.7): U+0000 is written C0 80, and a supplementary character is a
// surrogate pair of two 3-byte sequences; the DEX reader's decoder (util/mutf8.hpp) turns both
// into standard UTF-8. Class names are in internal form ("com/a/B$C"); array classes are
// descriptors ("[Lcom/a/B;", "[[I"), which we unwrap to the element class or drop for primitives.
//
// Hostile input. The slot table is sized by what the bytes can hold (every entry is at least
// three bytes), never by the claimed count alone; every index is checked against the pool and
// the tag it must have; a Utf8 entry shared by many Class or String entries is decoded once; and
// the bytes of names and strings built per file are capped (ClassFileLimits::max_output_bytes),
// because joining owner and method names lets a small pool describe gigabytes of output.
// Diagnostics are capped per code, so a corrupt pool costs a few lines of report.
#include "scanner/java/class_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <limits>
#include <new>
#include <numeric>
#include <utility>

#include "scanner/model/capped_reporter.hpp"
#include "scanner/util/mutf8.hpp"

namespace sdkscope::java {
namespace {

constexpr std::array<std::uint8_t, 4> kMagic = {0xCA, 0xFE, 0xBA, 0xBE};
constexpr std::size_t kPoolStart = 10;  // after magic, minor_version, major_version, constant_pool_count
// JDK 1.0.2 wrote 45. The lower bound also keeps out universal Mach-O binaries, which share the
// magic and follow it with a small architecture count where a class file has its version.
constexpr std::uint16_t kMinMajor = 45;
// Java 25. A newer file is read with a warning: the pool has not changed shape since Java 11
// (Dynamic), and an SDK built for a new JDK should not vanish from a scan.
constexpr std::uint16_t kMaxMajor = 69;
// The smallest entry (tag + u2: Class, String, MethodType, Module, Package) is 3 bytes, and a
// Long/Double fills two slots with 9; so n bytes hold at most n / 3 slots.
constexpr std::size_t kMinEntrySize = 3;
// Pool offsets are kept in 32 bits. A pool cannot reach 4 GiB (65534 entries of at most 65538
// bytes) and a class file never does; a larger view is read up to this size.
constexpr std::size_t kMaxViewBytes = std::numeric_limits<std::uint32_t>::max();
// Bytes of a bad name quoted in a diagnostic: enough to recognise it, never a 64 KB message.
constexpr std::size_t kMaxQuotedName = 200;

enum class Tag : std::uint8_t {
  none = 0,  // index 0, the second slot of a Long/Double, or not read
  utf8 = 1,
  integer = 3,
  float_ = 4,
  long_ = 5,
  double_ = 6,
  class_ = 7,
  string = 8,
  fieldref = 9,
  methodref = 10,
  interface_methodref = 11,
  name_and_type = 12,
  method_handle = 15,
  method_type = 16,
  dynamic = 17,
  invoke_dynamic = 18,
  module = 19,
  package = 20,
};

std::string_view tag_name(Tag t) {
  switch (t) {
    case Tag::none: return "unusable";
    case Tag::utf8: return "Utf8";
    case Tag::integer: return "Integer";
    case Tag::float_: return "Float";
    case Tag::long_: return "Long";
    case Tag::double_: return "Double";
    case Tag::class_: return "Class";
    case Tag::string: return "String";
    case Tag::fieldref: return "Fieldref";
    case Tag::methodref: return "Methodref";
    case Tag::interface_methodref: return "InterfaceMethodref";
    case Tag::name_and_type: return "NameAndType";
    case Tag::method_handle: return "MethodHandle";
    case Tag::method_type: return "MethodType";
    case Tag::dynamic: return "Dynamic";
    case Tag::invoke_dynamic: return "InvokeDynamic";
    case Tag::module: return "Module";
    case Tag::package: return "Package";
  }
  return "unknown";
}

// Size of the entry with this tag, tag byte included; 0 for an unknown tag. Utf8 returns its
// fixed part (3); its length follows.
std::size_t entry_size(std::uint8_t tag) {
  switch (static_cast<Tag>(tag)) {
    case Tag::utf8:
    case Tag::class_:
    case Tag::string:
    case Tag::method_type:
    case Tag::module:
    case Tag::package: return 3;
    case Tag::method_handle: return 4;
    case Tag::integer:
    case Tag::float_:
    case Tag::fieldref:
    case Tag::methodref:
    case Tag::interface_methodref:
    case Tag::name_and_type:
    case Tag::dynamic:
    case Tag::invoke_dynamic: return 5;
    case Tag::long_:
    case Tag::double_: return 9;
    case Tag::none: break;
  }
  return 0;
}

// --- diagnostics --------------------------------------------------------------------------------

enum class Code : std::size_t { bad_magic, truncated, bad_constant, limit, count_ };
constexpr std::array<std::string_view, static_cast<std::size_t>(Code::count_)> kCodeNames = {
    "class.bad_magic", "class.truncated", "class.bad_constant", "class.limit"};

using Reporter = CappedReporter<Code, kCodeNames>;

// --- text ---------------------------------------------------------------------------------------

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Appends modified UTF-8 as UTF-8. Names are nearly always ASCII, which copies straight through
// without a temporary string.
void append_decoded(std::string& out, std::string_view mutf8) {
  if (is_ascii(mutf8)) {
    out.append(mutf8);
  } else {
    out += mutf8_to_utf8(mutf8);
  }
}

// A decoded CONSTANT_Class name to dotted form, in place; false when it names no class.
bool class_name_in_place(std::string& s) {
  if (s.empty()) return false;
  if (s.front() == '[') {
    const std::size_t dims = s.find_first_not_of('[');
    // "[Lx;" at least: the element must be a class type with a non-empty name.
    if (dims == std::string::npos || s[dims] != 'L' || s.back() != ';' || s.size() < dims + 3) return false;
    s.pop_back();
    s.erase(0, dims + 1);
  }
  std::replace(s.begin(), s.end(), '/', '.');
  return true;
}

// Removes later duplicates, keeping the first of each value where it was. Sorting indices keeps
// this O(n log n) with one scratch allocation per call, not one per string.
void stable_unique(std::vector<std::string>& v) {
  if (v.size() < 2) return;
  std::vector<std::uint32_t> order(v.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const int c = v[a].compare(v[b]);
    return c != 0 ? c < 0 : a < b;
  });
  const auto same = [&](std::uint32_t a, std::uint32_t b) { return v[a] == v[b]; };
  if (std::adjacent_find(order.begin(), order.end(), same) == order.end()) return;  // the usual case
  std::vector<bool> drop(v.size(), false);
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (same(order[k], order[k - 1])) drop[order[k]] = true;
  }
  std::size_t out = 0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (drop[k]) continue;
    if (out != k) v[out] = std::move(v[k]);
    ++out;
  }
  v.resize(out);
}

// --- the parser ---------------------------------------------------------------------------------

// One pool slot: where its entry starts and what it is. `seen_*` mark a Utf8 entry already
// turned into a class name or a string, so entries sharing it cost nothing more.
struct Slot {
  std::uint32_t off = 0;
  Tag tag = Tag::none;
  bool seen_as_class = false;
  bool seen_as_string = false;
};

// Who points at an entry, for messages: "constant #12" or "this_class".
struct Referrer {
  std::string_view what;
  std::uint32_t index = 0;  // 0: `what` alone
};

std::string describe(const Referrer& r) {
  return r.index ? fmt::format("{} #{}", r.what, r.index) : std::string(r.what);
}

class Parser {
 public:
  Parser(Bytes data, Diagnostics& diags, const std::string& where, const ClassFileLimits& limits)
      : r_(data.first(std::min(data.size(), kMaxViewBytes))), limits_(limits), report_(diags, where) {}

  ClassParseResult run() {
    ClassParseResult result;
    try {
      result.ok = read(result.cls);
    } catch (const OutOfBounds& e) {
      // Every read is checked before it is made; this only keeps a missed check from losing
      // what was already read.
      report_.report(Code::truncated, Severity::error, "{}", e.what());
    }
    report_.finish();
    return result;
  }

 private:
  bool read(ClassFile& cls) {
    if (!read_version(cls)) return false;
    const bool pool_complete = walk_pool();
    const bool named = pool_complete && read_class_header(cls);
    read_constants(cls);
    return named;
  }

  bool read_version(ClassFile& cls) {
    const Bytes data = r_.data();
    const std::size_t prefix = std::min(data.size(), kMagic.size());
    if (!std::equal(kMagic.begin(), kMagic.begin() + static_cast<std::ptrdiff_t>(prefix), data.begin())) {
      report_.report(Code::bad_magic, Severity::error, "not a class file (no 0xCAFEBABE magic)");
      return false;
    }
    if (!r_.has(0, kPoolStart)) {
      report_.report(Code::truncated, Severity::error, "{} bytes: too short for a class file header",
                     data.size());
      return false;
    }
    cls.minor_version = r_.u16be(4);
    cls.major_version = r_.u16be(6);
    if (cls.major_version < kMinMajor) {
      report_.report(Code::bad_magic, Severity::error,
                     "class file version {}.{} is older than {}.0 (JDK 1.0.2): not a class file",
                     cls.major_version, cls.minor_version, kMinMajor);
      return false;
    }
    if (cls.major_version > kMaxMajor) {
      report_.report(Code::bad_magic, Severity::warning,
                     "class file version {}.{} is newer than {} (Java 25); read as {}", cls.major_version,
                     cls.minor_version, kMaxMajor, kMaxMajor);
    }
    pool_count_ = r_.u16be(8);
    return true;
  }

  // Walks the pool front to back, recording each entry's offset and tag. Returns true when the
  // whole pool was walked; otherwise the entries before the failure are usable.
  bool walk_pool() {
    const std::size_t room = (r_.size() - kPoolStart) / kMinEntrySize;
    slots_.assign(std::min<std::size_t>(pool_count_, room + 2), Slot{});
    std::size_t off = kPoolStart;
    std::uint32_t i = 1;
    for (; i < pool_count_;) {
      walked_ = i;
      if (i > limits_.max_constant_pool) {
        report_.report(Code::limit, Severity::error,
                       "constant pool has {} entries; max_constant_pool is {}, so the class name (after the "
                       "pool) was not read",
                       pool_count_ - 1, limits_.max_constant_pool);
        return false;
      }
      if (!r_.has(off, 1) || i >= slots_.size()) {
        report_.report(Code::truncated, Severity::error,
                       "constant pool ends at entry #{} of {} (offset {:#x}); the class name was not read", i,
                       pool_count_ - 1, off);
        return false;
      }
      const std::uint8_t tag = r_.u8(off);
      std::size_t size = entry_size(tag);
      if (size == 0) {
        report_.report(Code::bad_constant, Severity::error,
                       "constant #{} at offset {:#x} has unknown tag {}; the rest of the pool and the class "
                       "name were not read",
                       i, off, tag);
        return false;
      }
      if (static_cast<Tag>(tag) == Tag::utf8 && r_.has(off, 3)) size += r_.u16be(off + 1);
      if (!r_.has(off, size)) {
        report_.report(Code::truncated, Severity::error,
                       "constant #{} ({}) at offset {:#x} is cut short; the class name was not read", i,
                       tag_name(static_cast<Tag>(tag)), off);
        return false;
      }
      slots_[i] = Slot{static_cast<std::uint32_t>(off), static_cast<Tag>(tag)};
      off += size;
      const bool wide = static_cast<Tag>(tag) == Tag::long_ || static_cast<Tag>(tag) == Tag::double_;
      if (wide && i + 1 == pool_count_) {
        report_.report(Code::bad_constant, Severity::warning,
                       "constant #{} is a {} in the last slot; its second slot lies outside the pool", i,
                       tag_name(static_cast<Tag>(tag)));
      }
      i += wide ? 2 : 1;
    }
    walked_ = i;
    pool_end_ = off;
    return true;
  }

  // access_flags, this_class, super_class, interfaces. True when this_class named a class.
  bool read_class_header(ClassFile& cls) {
    const std::size_t p = pool_end_;
    if (!r_.has(p, 6)) {
      report_.report(Code::truncated, Severity::error,
                     "the file ends in the class header after the constant pool (offset {:#x})", p);
      return false;
    }
    cls.access_flags = r_.u16be(p);
    if (!class_name(r_.u16be(p + 2), {"this_class"}, Severity::error, cls.name)) return false;
    charge_always(cls.name.size());
    if (const std::uint16_t super = r_.u16be(p + 4); super != 0) {
      if (class_name(super, {"super_class"}, Severity::warning, cls.super_name)) charge_always(cls.super_name.size());
    }

    if (!r_.has(p + 6, 2)) {
      report_.report(Code::truncated, Severity::warning, "the file ends before interfaces_count (offset {:#x})",
                     p + 6);
      return true;
    }
    std::size_t count = r_.u16be(p + 6);
    const std::size_t fit = (r_.size() - (p + 8)) / 2;
    if (count > fit) {
      report_.report(Code::truncated, Severity::warning, "interfaces_count is {} but only {} fit", count, fit);
      count = fit;
    }
    cls.interfaces.reserve(count);
    for (std::size_t k = 0; k < count; ++k) {
      std::string name;
      const Referrer from{"interfaces entry", static_cast<std::uint32_t>(k + 1)};
      if (!class_name(r_.u16be(p + 8 + 2 * k), from, Severity::warning, name)) continue;
      if (!charge(name.size())) break;
      cls.interfaces.push_back(std::move(name));
    }
    return true;
  }

  // The strings, classes and method refs of every entry walked.
  void read_constants(ClassFile& cls) {
    const std::uint32_t end = std::min<std::uint32_t>(walked_, static_cast<std::uint32_t>(slots_.size()));
    for (std::uint32_t i = 1; i < end && !exhausted_; ++i) {
      switch (slots_[i].tag) {
        case Tag::class_: add_class(i, cls); break;
        case Tag::string: add_string(i, cls); break;
        case Tag::methodref:
        case Tag::interface_methodref: add_method_ref(i, cls); break;
        default: break;
      }
    }
    std::sort(cls.referenced_classes.begin(), cls.referenced_classes.end());
    cls.referenced_classes.erase(std::unique(cls.referenced_classes.begin(), cls.referenced_classes.end()),
                                 cls.referenced_classes.end());
    stable_unique(cls.strings);
    stable_unique(cls.method_refs);
  }

  void add_class(std::uint32_t i, ClassFile& cls) {
    Slot* name = entry(first_index(slots_[i]), Tag::utf8, {"constant", i});
    if (!name || name->seen_as_class) return;
    name->seen_as_class = true;
    std::string s;
    append_decoded(s, utf8(*name));
    if (!class_name_in_place(s) || !charge(s.size())) return;
    cls.referenced_classes.push_back(std::move(s));
  }

  void add_string(std::uint32_t i, ClassFile& cls) {
    Slot* value = entry(first_index(slots_[i]), Tag::utf8, {"constant", i});
    if (!value || value->seen_as_string) return;
    value->seen_as_string = true;
    std::string s = mutf8_to_utf8(utf8(*value));
    if (!charge(s.size())) return;
    cls.strings.push_back(std::move(s));
  }

  void add_method_ref(std::uint32_t i, ClassFile& cls) {
    const Referrer from{"constant", i};
    const std::uint16_t nat_index = second_index(slots_[i]);
    const Slot* owner_class = entry(first_index(slots_[i]), Tag::class_, from);
    const Slot* nat = entry(nat_index, Tag::name_and_type, from);
    if (!owner_class || !nat) return;
    // A bad name in the Class entry is reported when the loop reaches that entry; stay quiet here.
    const Slot* owner = entry(first_index(*owner_class), Tag::utf8, from, /*quiet=*/true);
    const Slot* name = entry(first_index(*nat), Tag::utf8, {"constant", nat_index});
    if (!owner || !name) return;
    const std::string_view owner_raw = utf8(*owner);
    const std::string_view name_raw = utf8(*name);
    std::string ref;
    ref.reserve(owner_raw.size() + 1 + name_raw.size());
    append_decoded(ref, owner_raw);
    if (!ref.empty() && ref.front() != '[') std::replace(ref.begin(), ref.end(), '/', '.');
    ref.push_back('.');
    append_decoded(ref, name_raw);
    if (!charge(ref.size())) return;
    cls.method_refs.push_back(std::move(ref));
  }

  // The dotted name of the Class entry at `idx`, into `out`; false (reported) when there is none.
  bool class_name(std::uint32_t idx, Referrer from, Severity severity, std::string& out) {
    const Slot* c = entry(idx, Tag::class_, from, false, severity);
    if (!c) return false;
    const Slot* name = entry(first_index(*c), Tag::utf8, {"constant", idx}, false, severity);
    if (!name) return false;
    out.clear();
    append_decoded(out, utf8(*name));
    if (!class_name_in_place(out)) {
      report_.report(Code::bad_constant, severity, "{} names \"{}\", which is not a class", describe(from),
                     mutf8_to_utf8(utf8(*name).substr(0, kMaxQuotedName)));
      out.clear();
      return false;
    }
    return true;
  }

  // The pool entry at `idx` if it exists and has tag `want`. Reports (unless `quiet`) an index
  // outside the pool or an entry of the wrong kind; an index past a cut-short pool is already
  // covered by the walk's own diagnostic.
  Slot* entry(std::uint32_t idx, Tag want, Referrer from, bool quiet = false,
              Severity severity = Severity::warning) {
    if (idx == 0 || idx >= pool_count_) {
      if (!quiet) {
        report_.report(Code::bad_constant, severity, "{} refers to #{}, outside the pool (1..{})", describe(from),
                       idx, pool_count_ > 0 ? pool_count_ - 1 : 0);
      }
      return nullptr;
    }
    if (idx >= walked_ || idx >= slots_.size()) return nullptr;
    Slot& s = slots_[idx];
    if (s.tag != want) {
      if (!quiet) {
        report_.report(Code::bad_constant, severity, "{} refers to #{}, a {} entry where a {} belongs",
                       describe(from), idx, tag_name(s.tag), tag_name(want));
      }
      return nullptr;
    }
    return &s;
  }

  // The first and second u2 after an entry's tag: the indices of Class, String, Methodref
  // (class, name_and_type) and NameAndType (name, descriptor). The walk checked they are there.
  std::uint16_t first_index(const Slot& s) const { return r_.u16be(s.off + 1); }
  std::uint16_t second_index(const Slot& s) const { return r_.u16be(s.off + 3); }

  std::string_view utf8(const Slot& s) const { return r_.chars(s.off + 3, r_.u16be(s.off + 1)); }

  // Counts `bytes` of output against max_output_bytes; false (reported once) when over.
  bool charge(std::size_t bytes) {
    if (exhausted_) return false;
    if (bytes > limits_.max_output_bytes - std::min(used_, limits_.max_output_bytes)) {
      exhausted_ = true;
      report_.report(Code::limit, Severity::warning,
                     "names and strings exceed {} bytes (max_output_bytes); the rest were left out",
                     limits_.max_output_bytes);
      return false;
    }
    used_ += bytes;
    return true;
  }
  // The class's own name and superclass are always kept (two names, each under 200 KB).
  void charge_always(std::size_t bytes) { used_ += bytes; }

  ByteReader r_;
  const ClassFileLimits& limits_;
  Reporter report_;
  std::uint32_t pool_count_ = 0;  // constant_pool_count as written (entries are 1..count-1)
  std::vector<Slot> slots_;       // indexed by pool index; may be shorter than pool_count_
  std::uint32_t walked_ = 1;      // entries 1..walked_-1 were walked
  std::size_t pool_end_ = 0;      // offset just past the pool, when walked whole
  std::uint64_t used_ = 0;
  bool exhausted_ = false;
};

}  // namespace

ClassParseResult parse_class_file(Bytes data, Diagnostics& diags, const std::string& where,
                                  const ClassFileLimits& limits) {
  // Every read is checked and the parser catches a stray OutOfBounds itself; these are the last
  // line that keeps the promise of never throwing.
  try {
    return Parser(data, diags, where, limits).run();
  } catch (const std::bad_alloc&) {
    diags.error("class.limit", where, "out of memory while reading the class file");
  } catch (const std::exception& e) {
    diags.error("class.truncated", where, std::string("class file could not be read: ") + e.what());
  }
  return {};
}

std::string class_name_to_java(std::string_view internal_name) {
  std::string s(internal_name);
  if (!class_name_in_place(s)) s.clear();
  return s;
}

}  // namespace sdkscope::java
