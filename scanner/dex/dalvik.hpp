// Walking a Dalvik instruction stream by instruction width, to find the string constants a
// method loads without mistaking operands or switch/array payload data for opcodes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "scanner/util/byte_reader.hpp"

namespace sdkscope::dex::dalvik {

inline constexpr std::uint8_t kConstString = 0x1a;       ///< 21c: const-string vAA, string@BBBB
inline constexpr std::uint8_t kConstStringJumbo = 0x1b;  ///< 31c: const-string/jumbo vAA, string@BBBBBBBB
inline constexpr std::uint16_t kPackedSwitchPayload = 0x0100;
inline constexpr std::uint16_t kSparseSwitchPayload = 0x0200;
inline constexpr std::uint16_t kFillArrayDataPayload = 0x0300;

namespace detail {

constexpr std::array<std::uint8_t, 256> make_widths() {
  std::array<std::uint8_t, 256> w{};
  auto set = [&w](int lo, int hi, std::uint8_t width) {
    for (int op = lo; op <= hi; ++op) w[static_cast<std::size_t>(op)] = width;
  };
  // Formats 10x/11x/11n/12x/10t (and the unused opcodes, which dexdump also reads as 10x) are one
  // code unit; the rest are listed by opcode range with the width their format implies.
  set(0x00, 0xff, 1);
  set(0x02, 0x02, 2);  // move/from16            22x
  set(0x03, 0x03, 3);  // move/16                32x
  set(0x05, 0x05, 2);  // move-wide/from16       22x
  set(0x06, 0x06, 3);  // move-wide/16           32x
  set(0x08, 0x08, 2);  // move-object/from16     22x
  set(0x09, 0x09, 3);  // move-object/16         32x
  set(0x13, 0x13, 2);  // const/16               21s
  set(0x14, 0x14, 3);  // const                  31i
  set(0x15, 0x16, 2);  // const/high16 21h, const-wide/16 21s
  set(0x17, 0x17, 3);  // const-wide/32          31i
  set(0x18, 0x18, 5);  // const-wide             51l
  set(0x19, 0x19, 2);  // const-wide/high16      21h
  set(0x1a, 0x1a, 2);  // const-string           21c
  set(0x1b, 0x1b, 3);  // const-string/jumbo     31c
  set(0x1c, 0x1c, 2);  // const-class            21c
  set(0x1f, 0x20, 2);  // check-cast 21c, instance-of 22c
  set(0x22, 0x23, 2);  // new-instance 21c, new-array 22c
  set(0x24, 0x26, 3);  // filled-new-array 35c, /range 3rc, fill-array-data 31t
  set(0x29, 0x29, 2);  // goto/16                20t
  set(0x2a, 0x2c, 3);  // goto/32 30t, packed-switch 31t, sparse-switch 31t
  set(0x2d, 0x31, 2);  // cmp*                   23x
  set(0x32, 0x3d, 2);  // if-test 22t, if-testz 21t
  set(0x44, 0x6d, 2);  // aget/aput 23x, iget/iput 22c, sget/sput 21c
  set(0x6e, 0x72, 3);  // invoke-kind            35c
  set(0x74, 0x78, 3);  // invoke-kind/range      3rc
  set(0x90, 0xaf, 2);  // binop                  23x
  set(0xd0, 0xe2, 2);  // binop/lit16 22s, binop/lit8 22b
  set(0xfa, 0xfb, 4);  // invoke-polymorphic 45cc, /range 4rcc
  set(0xfc, 0xfd, 3);  // invoke-custom 35c, /range 3rc
  set(0xfe, 0xff, 2);  // const-method-handle, const-method-type 21c
  return w;
}

}  // namespace detail

/// Width in 16-bit code units of each opcode's instruction format (payloads excluded).
inline constexpr std::array<std::uint8_t, 256> kInsnWidth = detail::make_widths();

/// Width of the instruction at code unit `pc` of `insns` (which holds `n` units), counting
/// payload pseudo-instructions by their size fields; 0 when even its fixed part runs past `n`.
inline std::uint64_t insn_width(const ByteReader& insns, std::size_t pc, std::size_t n) {
  const std::uint16_t unit = insns.u16(2 * pc);
  switch (unit) {
    case kPackedSwitchPayload:  // ident, size, first_key (2), targets (2 * size)
      return pc + 2 <= n ? 4 + 2 * std::uint64_t{insns.u16(2 * pc + 2)} : 0;
    case kSparseSwitchPayload:  // ident, size, keys (2 * size), targets (2 * size)
      return pc + 2 <= n ? 2 + 4 * std::uint64_t{insns.u16(2 * pc + 2)} : 0;
    case kFillArrayDataPayload: {  // ident, element_width, size (2), data (width * size bytes)
      if (pc + 4 > n) return 0;
      const std::uint64_t bytes = std::uint64_t{insns.u16(2 * pc + 2)} * insns.u32(2 * pc + 4);
      return 4 + (bytes + 1) / 2;
    }
    default:
      return kInsnWidth[unit & 0xff];
  }
}

/// How a walk ended.
struct WalkResult {
  bool truncated = false;  ///< an instruction ran past the end of the array
  std::uint32_t at = 0;    ///< code-unit offset of that instruction
};

inline constexpr std::uint8_t kIgetFirst = 0x52;      ///< iget..iput-short 22c, field@CCCC
inline constexpr std::uint8_t kSputLast = 0x6d;       ///< sget..sput-short 21c, field@BBBB (0x60..0x6d)
inline constexpr std::uint8_t kInvokeFirst = 0x6e;    ///< invoke-virtual .. invoke-interface 35c, meth@BBBB
inline constexpr std::uint8_t kInvokeLast = 0x72;
inline constexpr std::uint8_t kInvokeRangeFirst = 0x74;  ///< the /range forms 3rc
inline constexpr std::uint8_t kInvokeRangeLast = 0x78;
inline constexpr std::uint8_t kInvokePolymorphic = 0xfa;  ///< 45cc / 4rcc, meth@BBBB
inline constexpr std::uint8_t kInvokePolymorphicRange = 0xfb;

/// Walks a method's instruction array and reports every reference it makes: strings it loads
/// (const-string, /jumbo), methods it invokes (invoke-*, invoke-polymorphic) and fields it reads
/// or writes (iget/iput/sget/sput). The visitor has on_string(idx), on_method(idx), on_field(idx);
/// indices are as written in the instruction (entry-relative). Same walk and bounds as below.
template <class Visitor>
WalkResult walk_refs(Bytes insns, Visitor&& v) {
  const ByteReader r(insns);
  const std::size_t n = insns.size() / 2;
  std::size_t pc = 0;
  while (pc < n) {
    const std::uint64_t width = insn_width(r, pc, n);
    if (width == 0 || width > n - pc) return {true, static_cast<std::uint32_t>(pc)};
    const std::uint8_t op = r.u8(2 * pc);
    if (op == kConstString) {
      v.on_string(std::uint32_t{r.u16(2 * pc + 2)});
    } else if (op == kConstStringJumbo) {
      v.on_string(r.u32(2 * pc + 2));
    } else if ((op >= kInvokeFirst && op <= kInvokeLast) || (op >= kInvokeRangeFirst && op <= kInvokeRangeLast) ||
               op == kInvokePolymorphic || op == kInvokePolymorphicRange) {
      // The payload opcode 0x0100..0x0300 has low byte 0 and never lands here.
      v.on_method(std::uint32_t{r.u16(2 * pc + 2)});
    } else if (op >= kIgetFirst && op <= kSputLast) {
      v.on_field(std::uint32_t{r.u16(2 * pc + 2)});
    }
    pc += static_cast<std::size_t>(width);
  }
  return {};
}

/// Walks a method's instruction array (`insns`, 2 bytes per code unit, little-endian) one
/// instruction at a time and calls `on_string(string_idx)` for each const-string and
/// const-string/jumbo. Payloads are skipped whole. Stops, with `truncated` set, at an instruction
/// that would run past the end; never reads outside `insns`.
template <class OnString>
WalkResult walk_const_strings(Bytes insns, OnString&& on_string) {
  const ByteReader r(insns);
  const std::size_t n = insns.size() / 2;
  std::size_t pc = 0;
  while (pc < n) {
    const std::uint64_t width = insn_width(r, pc, n);
    if (width == 0 || width > n - pc) return {true, static_cast<std::uint32_t>(pc)};
    const std::uint8_t op = r.u8(2 * pc);
    if (op == kConstString) {
      on_string(std::uint32_t{r.u16(2 * pc + 2)});
    } else if (op == kConstStringJumbo) {
      on_string(r.u32(2 * pc + 2));
    }
    pc += static_cast<std::size_t>(width);
  }
  return {};
}

}  // namespace sdkscope::dex::dalvik
