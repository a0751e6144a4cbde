// A tiny DEX writer for tests, for images smali cannot make (v41 containers, string indices past
// 0xFFFF, hand-made code). It writes only what parse_dex reads: no protos, fields, map or checksums.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sdkscope::test::dexb {

struct Method {
  std::uint32_t method_idx = 0;
  std::vector<std::uint16_t> insns;  ///< empty: an abstract method (code_off 0)
};

struct Class {
  std::uint32_t type_idx = 0;
  std::uint32_t super_idx = 0xFFFFFFFF;
  std::vector<Method> methods;  ///< none: class_data_off 0
};

struct MethodId {
  std::uint16_t owner = 0;  ///< type index
  std::uint32_t name = 0;   ///< string index
};

struct Spec {
  int version = 35;
  std::vector<std::string> strings;  ///< written byte for byte as MUTF-8 (ASCII in practice)
  std::vector<std::uint32_t> types;  ///< string index of each type's descriptor
  std::vector<MethodId> methods;
  std::vector<Class> classes;
};

namespace detail {

inline void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<std::uint8_t>(v);
  out[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void uleb(std::vector<std::uint8_t>& out, std::uint32_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}
inline void align4(std::vector<std::uint8_t>& out) {
  while (out.size() % 4) out.push_back(0);
}

}  // namespace detail

/// Writes `spec` as a DEX image that will sit at `base` inside its file: every offset written is
/// base + position, as v41 containers require (base 0 for an ordinary file).
inline std::vector<std::uint8_t> build(const Spec& spec, std::size_t base = 0) {
  using namespace detail;
  const std::size_t header_size = spec.version >= 41 ? 0x78 : 0x70;
  std::vector<std::uint8_t> out(header_size, 0);
  const auto abs = [&](std::size_t local) { return static_cast<std::uint32_t>(base + local); };

  const std::size_t string_ids = out.size();
  out.resize(out.size() + 4 * spec.strings.size());
  const std::size_t type_ids = out.size();
  for (auto t : spec.types) {
    out.resize(out.size() + 4);
    put32(out, out.size() - 4, t);
  }
  const std::size_t method_ids = out.size();
  for (const auto& m : spec.methods) {
    out.resize(out.size() + 8);
    put16(out, out.size() - 8, m.owner);
    put32(out, out.size() - 4, m.name);
  }
  const std::size_t class_defs = out.size();
  out.resize(out.size() + 32 * spec.classes.size());

  for (std::size_t i = 0; i < spec.strings.size(); ++i) {
    put32(out, string_ids + 4 * i, abs(out.size()));
    uleb(out, static_cast<std::uint32_t>(spec.strings[i].size()));
    out.insert(out.end(), spec.strings[i].begin(), spec.strings[i].end());
    out.push_back(0);
  }
  for (std::size_t c = 0; c < spec.classes.size(); ++c) {
    const Class& cls = spec.classes[c];
    const std::size_t def = class_defs + 32 * c;
    put32(out, def, cls.type_idx);
    put32(out, def + 4, 0x1);  // public
    put32(out, def + 8, cls.super_idx);
    put32(out, def + 16, 0xFFFFFFFF);  // no source file
    if (cls.methods.empty()) continue;
    std::vector<std::uint32_t> code_offs;
    for (const Method& m : cls.methods) {
      if (m.insns.empty()) {
        code_offs.push_back(0);
        continue;
      }
      align4(out);
      code_offs.push_back(abs(out.size()));
      const std::size_t at = out.size();
      out.resize(out.size() + 16 + 2 * m.insns.size());
      put16(out, at, 1);  // registers_size
      put32(out, at + 12, static_cast<std::uint32_t>(m.insns.size()));
      for (std::size_t k = 0; k < m.insns.size(); ++k) put16(out, at + 16 + 2 * k, m.insns[k]);
    }
    put32(out, def + 24, abs(out.size()));
    uleb(out, 0);                                               // static fields
    uleb(out, 0);                                               // instance fields
    uleb(out, static_cast<std::uint32_t>(cls.methods.size()));  // direct methods
    uleb(out, 0);                                               // virtual methods
    std::uint32_t prev = 0;
    for (std::size_t k = 0; k < cls.methods.size(); ++k) {
      uleb(out, cls.methods[k].method_idx - prev);
      prev = cls.methods[k].method_idx;
      uleb(out, 0x9);  // public static
      uleb(out, code_offs[k]);
    }
  }
  align4(out);

  const std::string magic = "dex\n0" + std::to_string(spec.version);
  std::copy(magic.begin(), magic.end(), out.begin());  // the 8th byte stays 0
  put32(out, 0x20, static_cast<std::uint32_t>(out.size()));
  put32(out, 0x24, static_cast<std::uint32_t>(header_size));
  put32(out, 0x28, 0x12345678);
  const auto section = [&](std::size_t at, std::size_t count, std::size_t off) {
    put32(out, at, static_cast<std::uint32_t>(count));
    put32(out, at + 4, count ? abs(off) : 0);
  };
  section(0x38, spec.strings.size(), string_ids);
  section(0x40, spec.types.size(), type_ids);
  section(0x58, spec.methods.size(), method_ids);
  section(0x60, spec.classes.size(), class_defs);
  if (header_size > 0x70) {
    put32(out, 0x70, static_cast<std::uint32_t>(out.size()));  // container_size, fixed by build_container
    put32(out, 0x74, static_cast<std::uint32_t>(base));        // header_offset
  }
  return out;
}

/// A v41 container holding `entries` one after another.
inline std::vector<std::uint8_t> build_container(std::vector<Spec> entries) {
  std::vector<std::uint8_t> out;
  std::vector<std::size_t> bases;
  for (auto& e : entries) {
    e.version = 41;
    bases.push_back(out.size());
    const auto image = build(e, out.size());
    out.insert(out.end(), image.begin(), image.end());
  }
  for (auto b : bases) detail::put32(out, b + 0x70, static_cast<std::uint32_t>(out.size()));
  return out;
}

}  // namespace sdkscope::test::dexb
