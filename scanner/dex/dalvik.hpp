// Walking a Dalvik instruction stream by instruction width, to find the string constants a
// method loads without mistaking operands or switch/array payload data for opcodes.
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>

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

/// Constants known in registers over straight-line code, for the arguments of calls. Only
/// const/4, const/16, const and const/high16 set a value; any other instruction forgets the
/// registers it may write (conservatively: every register its first operand byte could name),
/// and any branch, switch, return or throw forgets everything, since the next instruction may be
/// reached from elsewhere. Unknown is never guessed.
class RegisterConstants {
 public:
  void forget_all() { known_.reset(); }
  void forget(std::uint32_t r) {
    if (r < 256) known_.reset(r);
  }
  void set(std::uint32_t r, std::int64_t v) {
    if (r >= 256) return;
    known_.set(r);
    values_[r] = v;
  }
  std::optional<std::int64_t> get(std::uint32_t r) const {
    if (r >= 256 || !known_.test(r)) return std::nullopt;
    return values_[r];
  }
  /// Updates the state for the instruction `op` whose first operand byte is `b1` and whose
  /// second code unit is `u1` (0 when the instruction has one unit). Returns false for the
  /// invoke family, which writes no register.
  void step(std::uint8_t op, std::uint8_t b1, std::uint16_t u1, std::uint32_t u1u2) {
    switch (op) {
      case 0x12:  // const/4 vA, #+B (11n)
        set(b1 & 0x0f, static_cast<std::int8_t>(b1) >> 4);
        return;
      case 0x13:  // const/16 vAA, #+BBBB
        set(b1, static_cast<std::int16_t>(u1));
        return;
      case 0x14:  // const vAA, #+BBBBBBBB
        set(b1, static_cast<std::int32_t>(u1u2));
        return;
      case 0x15:  // const/high16 vAA, #+BBBB0000
        set(b1, static_cast<std::int32_t>(std::uint32_t{u1} << 16));
        return;
      default:
        break;
    }
    if ((op >= 0x0e && op <= 0x11) || (op >= 0x27 && op <= 0x2c) || (op >= 0x32 && op <= 0x3d)) {
      forget_all();  // return, throw, goto, switch, if-*: control flow
      return;
    }
    if ((op >= 0x6e && op <= 0x72) || (op >= 0x74 && op <= 0x78) || (op >= 0xfa && op <= 0xfd)) return;
    // Whatever the format, the written register is named by the first operand byte (vA in the
    // low nibble, or vAA), or by the second unit for the /16 moves; wide results take two.
    const bool wide = wide_write(op);
    forget(b1 & 0x0f);
    forget(b1);
    if (wide) {
      forget((b1 & 0x0f) + 1u);
      forget(b1 + 1u);
    }
    if (op == 0x03 || op == 0x06 || op == 0x09) {  // move/16 family: vAAAA in the second unit
      forget(u1);
      if (wide) forget(u1 + 1u);
    }
  }

 private:
  // Instructions whose result is a register pair (long / double): vA and vA+1.
  static bool wide_write(std::uint8_t op) {
    switch (op) {
      case 0x04: case 0x05: case 0x06: case 0x0b: case 0x16: case 0x17: case 0x18: case 0x19:
      case 0x45: case 0x53: case 0x61: case 0x7d: case 0x7e: case 0x80: case 0x81: case 0x83:
      case 0x85: case 0x86: case 0x88: case 0x8b:
        return true;
      default:
        return (op >= 0x9b && op <= 0xa5) || (op >= 0xab && op <= 0xaf) || (op >= 0xbb && op <= 0xc5) ||
               (op >= 0xcb && op <= 0xcf);
    }
  }

  std::bitset<256> known_;
  std::array<std::int64_t, 256> values_{};
};

/// Arguments of one invoke: the registers it passes, in order (`this` first for instance
/// methods), with their constant values where known.
struct InvokeArgs {
  std::array<std::optional<std::int64_t>, 8> values;
  std::uint32_t count = 0;
};

/// Walks a method's instruction array and reports every reference it makes: strings it loads
/// (const-string, /jumbo), methods it invokes (invoke-*, invoke-polymorphic) and fields it reads
/// or writes (iget/iput/sget/sput). The visitor has on_string(idx), on_method(idx), on_field(idx);
/// indices are as written in the instruction (entry-relative). A visitor that also has
/// on_call(idx, const InvokeArgs&) gets every invoke with its argument constants (tracked by
/// RegisterConstants). Same walk and bounds as walk_const_strings.
template <class Visitor>
WalkResult walk_refs(Bytes insns, Visitor&& v) {
  constexpr bool kArgs = requires(InvokeArgs a) { v.on_call(std::uint32_t{}, a); };
  const ByteReader r(insns);
  const std::size_t n = insns.size() / 2;
  RegisterConstants regs;
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
      const std::uint32_t m = r.u16(2 * pc + 2);
      v.on_method(m);
      if constexpr (kArgs) {
        InvokeArgs a;
        const std::uint8_t b1 = r.u8(2 * pc + 1);
        const std::uint16_t regs_unit = r.u16(2 * pc + 4);
        const bool range = (op >= kInvokeRangeFirst && op <= kInvokeRangeLast) || op == kInvokePolymorphicRange;
        if (range) {  // 3rc: AA registers starting at CCCC
          a.count = std::min<std::uint32_t>(b1, 8);
          for (std::uint32_t i = 0; i < a.count; ++i) a.values[i] = regs.get(std::uint32_t{regs_unit} + i);
        } else {  // 35c: A|G op, F|E|D|C
          a.count = std::min<std::uint32_t>(b1 >> 4, 5);
          const std::uint32_t list[5] = {regs_unit & 0xfu, (regs_unit >> 4) & 0xfu, (regs_unit >> 8) & 0xfu,
                                         (regs_unit >> 12) & 0xfu, b1 & 0xfu};
          for (std::uint32_t i = 0; i < a.count; ++i) a.values[i] = regs.get(list[i]);
        }
        v.on_call(m, a);
      }
    } else if (op >= kIgetFirst && op <= kSputLast) {
      v.on_field(std::uint32_t{r.u16(2 * pc + 2)});
    }
    if constexpr (kArgs) {
      const std::uint16_t u1 = width >= 2 ? r.u16(2 * pc + 2) : 0;
      const std::uint32_t u1u2 = width >= 3 ? r.u32(2 * pc + 2) : u1;
      if (r.u16(2 * pc) > 0xff && op == 0) regs.forget_all();  // a payload: data, then a jump target
      else regs.step(op, r.u8(2 * pc + 1), u1, u1u2);
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
