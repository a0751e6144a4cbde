// AArch64 call-site sweep. Encodings from the Arm Architecture Reference Manual (ARM DDI 0487),
// chapter C4 "A64 Instruction Set Encoding"; the top-level groups are told apart by op0 =
// bits 28..25:
//   100x data processing (immediate)   MOVZ/MOVN/MOVK, logical immediate, ADD/SUB immediate, ADR(P)
//   101x branches, exceptions, system  B/BL imm26, B.cond/CBZ/TBZ, SVC, BR/BLR/RET, MRS
//   x1x0 loads and stores              Rt written by loads; Rn by writeback addressing
//   x101 data processing (register)    ORR Rd, ZR, Rm (mov), everything else writes Rd
//   x111 SIMD and floating point       GPRs written only by FP<->integer conversion and UMOV/SMOV
//   0xxx reserved / SVE / SME          Rd forgotten
// Values are tracked for x0..x30 in a forward pass over a short straight-line window; when in
// doubt a register becomes unknown, never guessed.
#include "scanner/native/arm64_calls.hpp"

#include <algorithm>
#include <bit>
#include <new>

namespace sdkscope::native {

namespace {

/// Argument setup sits a handful of instructions before a call (the fixtures need < 20); the cap
/// bounds the work at max_sites * window decodes whatever a caller asks for.
constexpr std::size_t kMaxWindow = 1024;

constexpr unsigned kZr = 31;  // register number 31: XZR/WZR or SP depending on the instruction
constexpr std::uint32_t kSvcDarwinImm = 0x80;

std::uint32_t word_at(Bytes code, std::size_t index) {
  const std::size_t at = index * 4;
  return static_cast<std::uint32_t>(code[at]) | (static_cast<std::uint32_t>(code[at + 1]) << 8) |
         (static_cast<std::uint32_t>(code[at + 2]) << 16) | (static_cast<std::uint32_t>(code[at + 3]) << 24);
}

/// Sign-extends the low `bits` bits of v.
std::int64_t sext(std::uint64_t v, unsigned bits) {
  const std::uint64_t m = std::uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return static_cast<std::int64_t>((v ^ m) - m);
}

bool is_b_or_bl(std::uint32_t insn) { return (insn & 0x7C000000u) == 0x14000000u; }
bool is_bl(std::uint32_t insn) { return (insn & 0xFC000000u) == 0x94000000u; }
bool is_b_cond(std::uint32_t insn) { return (insn & 0xFF000000u) == 0x54000000u; }     // B.cond, BC.cond
bool is_cbz(std::uint32_t insn) { return (insn & 0x7E000000u) == 0x34000000u; }        // CBZ, CBNZ
bool is_tbz(std::uint32_t insn) { return (insn & 0x7E000000u) == 0x36000000u; }        // TBZ, TBNZ
bool is_branch_reg(std::uint32_t insn) { return (insn & 0xFE000000u) == 0xD6000000u; }  // BR/BLR/RET/ERET + PAC forms
bool is_exception(std::uint32_t insn) { return (insn & 0xFF000000u) == 0xD4000000u; }   // SVC/HVC/SMC/BRK/HLT/DCPS
bool is_svc(std::uint32_t insn) { return (insn & 0xFFE0001Fu) == 0xD4000001u; }
bool is_udf(std::uint32_t insn) { return (insn & 0xFFFF0000u) == 0; }  // UDF, and zero padding

/// Control does not fall through from the instruction with the registers it found (or, for a
/// call, the callee may have changed any argument register): evaluation starts after it.
bool is_barrier(std::uint32_t insn) { return is_b_or_bl(insn) || is_branch_reg(insn) || is_exception(insn) || is_udf(insn); }

std::uint64_t imm26_target(std::uint32_t insn, std::uint64_t pc) {
  return pc + static_cast<std::uint64_t>(sext(insn & 0x3FFFFFFu, 26) * 4);
}

/// Target of a conditional branch (B.cond, CBZ/CBNZ, TBZ/TBNZ), nullopt for anything else.
std::optional<std::uint64_t> conditional_target(std::uint32_t insn, std::uint64_t pc) {
  if (is_b_cond(insn) || is_cbz(insn)) return pc + static_cast<std::uint64_t>(sext((insn >> 5) & 0x7FFFFu, 19) * 4);
  if (is_tbz(insn)) return pc + static_cast<std::uint64_t>(sext((insn >> 5) & 0x3FFFu, 14) * 4);
  return std::nullopt;
}

/// Known constant values of x0..x30 (index 31 is never stored).
class Registers {
 public:
  void set(unsigned r, std::optional<std::uint64_t> v) {
    if (r < kZr) x_[r] = v;
  }
  void forget(unsigned r) { set(r, std::nullopt); }
  /// Register r where 31 means the zero register.
  std::optional<std::uint64_t> zr(unsigned r) const { return r == kZr ? std::optional<std::uint64_t>(0) : x_[r]; }
  /// Register r where 31 means SP (never known here).
  std::optional<std::uint64_t> sp(unsigned r) const { return r == kZr ? std::nullopt : x_[r]; }

 private:
  std::array<std::optional<std::uint64_t>, 31> x_{};
};

std::optional<std::uint64_t> width(std::optional<std::uint64_t> v, bool is64) {
  if (!v || is64) return v;
  return *v & 0xFFFFFFFFu;
}

void data_processing_immediate(std::uint32_t insn, Registers& regs) {
  const unsigned rd = insn & 31, rn = (insn >> 5) & 31;
  const bool is64 = insn >> 31;
  switch ((insn >> 23) & 7) {
    case 5: {  // move wide: sf opc 100101 hw imm16 Rd
      const unsigned opc = (insn >> 29) & 3, hw = (insn >> 21) & 3;
      if (opc == 1 || (!is64 && hw >= 2)) {  // unallocated
        regs.forget(rd);
        return;
      }
      const unsigned shift = hw * 16;
      const std::uint64_t imm = std::uint64_t{(insn >> 5) & 0xFFFFu} << shift;
      if (opc == 0) regs.set(rd, width(~imm, is64));  // MOVN
      else if (opc == 2) regs.set(rd, imm);           // MOVZ
      else if (auto old = regs.sp(rd))  // MOVK keeps the other bits of a known value
        regs.set(rd, width((*old & ~(std::uint64_t{0xFFFF} << shift)) | imm, is64));
      else
        regs.forget(rd);
      return;
    }
    case 4: {  // logical immediate: sf opc 100100 N immr imms Rn Rd; Rn 31 is XZR
      const auto imm = decode_bitmask_immediate((insn >> 22) & 1, (insn >> 16) & 0x3F, (insn >> 10) & 0x3F, is64);
      const auto src = regs.zr(rn);
      if (!imm || !src) {
        regs.forget(rd);
        return;
      }
      std::uint64_t v = 0;
      switch ((insn >> 29) & 3) {
        case 1: v = *src | *imm; break;  // ORR (mov alias with Rn = ZR)
        case 2: v = *src ^ *imm; break;  // EOR
        default: v = *src & *imm; break;  // AND, ANDS
      }
      regs.set(rd, width(v, is64));  // Rd 31 is SP (or ZR for ANDS): not tracked
      return;
    }
    case 2: {  // add/subtract immediate: sf op S 100010 sh imm12 Rn Rd; Rn 31 is SP
      const auto src = regs.sp(rn);
      if (!src) {
        regs.forget(rd);
        return;
      }
      const std::uint64_t imm = std::uint64_t{(insn >> 10) & 0xFFFu} << (((insn >> 22) & 1) ? 12 : 0);
      regs.set(rd, width((insn >> 30) & 1 ? *src - imm : *src + imm, is64));
      return;
    }
    default:  // ADR/ADRP, add/sub with tags, bitfield, extract
      regs.forget(rd);
      return;
  }
}

void branch_or_system(std::uint32_t insn, Registers& regs) {
  if ((insn & 0xFFC00000u) == 0xD5000000u) {  // system: MRS / SYSL (L = bit 21) write Rt
    if (insn & (1u << 21)) regs.forget(insn & 31);
    return;
  }
  if (is_b_cond(insn) || is_cbz(insn) || is_tbz(insn)) return;
  if (is_barrier(insn)) return;  // the caller starts after these
  regs.forget(insn & 31);        // an encoding this sweep does not know
}

void load_store(std::uint32_t insn, Registers& regs) {
  const unsigned rt = insn & 31, rn = (insn >> 5) & 31, rt2 = (insn >> 10) & 31, rs = (insn >> 16) & 31;
  const bool simd = insn & (1u << 26);
  if ((insn & 0x38000000u) == 0x28000000u) {  // register pair: opc 101 V 0 idx(2) L imm7 Rt2 Rn Rt
    const unsigned idx = (insn >> 23) & 3;
    if (!simd && (insn & (1u << 22))) {
      regs.forget(rt);
      regs.forget(rt2);
    }
    if (idx == 1 || idx == 3) regs.forget(rn);  // post- / pre-index writeback
    return;
  }
  if ((insn & 0x38000000u) == 0x38000000u) {  // single register: size 111 V 0x opc ...
    const bool load = !simd && ((insn >> 22) & 3) != 0;  // opc 00 stores; PRFM counts as a load (harmless)
    if (insn & (1u << 24)) {  // unsigned offset
      if (load) regs.forget(rt);
      return;
    }
    const unsigned op = (insn >> 10) & 3;
    if (insn & (1u << 21)) {
      if (op == 2) {  // register offset
        if (load) regs.forget(rt);
      } else {  // 00 atomic memory operations (all write Rt), 01/11 LDRAA/LDRAB (11 writes back)
        regs.forget(rt);
        if (op == 3) regs.forget(rn);
      }
      return;
    }
    if (op == 1 || op == 3) regs.forget(rn);  // post- / pre-index writeback
    if (load) regs.forget(rt);                // also unscaled and unprivileged forms
    return;
  }
  if ((insn & 0x3B000000u) == 0x18000000u) {  // load literal
    if (!simd) regs.forget(rt);
    return;
  }
  if ((insn & 0x3F000000u) == 0x08000000u) {  // exclusives, load-acquire / store-release, CAS: no writeback
    regs.forget(rs);                           // store-exclusive status, CAS old value (31 when unused)
    if ((insn & 0xBFA00000u) == 0x08200000u && rs < 30) regs.forget(rs + 1);  // CASP: a register pair
    if (insn & (1u << 22)) {  // L: loads write Rt (and Rt2 for pairs); for CASA it only means acquire
      regs.forget(rt);
      regs.forget(rt2);
    }
    return;
  }
  // Exclusives, acquire/release, LDAPR/STLUR, SIMD structures, memory tags...: forget every
  // register field they can hold.
  regs.forget(rt);
  regs.forget(rn);
  regs.forget(rt2);
  regs.forget(rs);
}

void data_processing_register(std::uint32_t insn, Registers& regs) {
  const unsigned rd = insn & 31;
  if ((insn & 0x7FE0FFE0u) == 0x2A0003E0u) {  // ORR Rd, ZR, Rm, LSL #0 = mov Rd, Rm
    regs.set(rd, width(regs.zr((insn >> 16) & 31), insn >> 31));
    return;
  }
  if ((insn & 0x1FE00000u) == 0x1A400000u) return;  // CCMP / CCMN: flags only
  regs.forget(rd);
}

void simd_fp(std::uint32_t insn, Registers& regs) {
  // Conversion between floating point and integer: opcode (bits 18..16) 010 SCVTF, 011 UCVTF and
  // 111 FMOV-from-general write a V register; 000/001/100/101 (FCVT*) and 110 (FMOV to
  // general, FJCVTZS) write Rd.
  if ((insn & 0x1F20FC00u) == 0x1E200000u) {
    const unsigned opcode = (insn >> 16) & 7;
    if (opcode != 2 && opcode != 3 && opcode != 7) regs.forget(insn & 31);
    return;
  }
  // Advanced SIMD copy: op = 0 with imm4 0101 (SMOV) or 0111 (UMOV) write Rd; DUP and INS write V.
  if ((insn & 0x1FE08400u) == 0x0E000400u) {
    const unsigned imm4 = (insn >> 11) & 0xF;
    if (!(insn & (1u << 29)) && (imm4 == 5 || imm4 == 7)) regs.forget(insn & 31);
  }
  // Everything else in the group writes V / Z registers or flags only.
}

/// Applies one instruction's effect on the tracked registers.
void step(std::uint32_t insn, Registers& regs) {
  if ((insn & 0x1C000000u) == 0x10000000u) return data_processing_immediate(insn, regs);
  if ((insn & 0x1C000000u) == 0x14000000u) return branch_or_system(insn, regs);
  if ((insn & 0x0A000000u) == 0x08000000u) return load_store(insn, regs);
  if ((insn & 0x0E000000u) == 0x0A000000u) return data_processing_register(insn, regs);
  if ((insn & 0x0E000000u) == 0x0E000000u) return simd_fp(insn, regs);
  regs.forget(insn & 31);  // reserved, SVE, SME: Rd where those put it
}

struct Pending {
  std::size_t index = 0;
  const std::string* callee = nullptr;  // nullptr: svc
  bool tail_call = false;
};

std::optional<std::uint64_t> syscall_register(const Registers& regs, std::uint32_t imm, SyscallConvention conv) {
  switch (conv) {
    case SyscallConvention::darwin_x16: return regs.sp(16);
    case SyscallConvention::linux_x8: return regs.sp(8);
    case SyscallConvention::by_immediate: break;
  }
  if (imm == kSvcDarwinImm) return regs.sp(16);
  if (imm == 0) return regs.sp(8);
  return std::nullopt;
}

std::vector<Arm64CallSite> sweep(Bytes code, std::uint64_t base, const std::map<std::uint64_t, std::string>& stubs,
                                 const Arm64CallOptions& opts, const std::map<std::uint64_t, std::string>& relocated) {
  std::vector<Arm64CallSite> out;
  const std::size_t n = code.size() / 4;
  if (n == 0 || opts.max_sites == 0) return out;
  auto wanted = [&](const std::string& name) { return !name.empty() && (opts.callees.empty() || opts.callees.count(name)); };

  // Pass 1: the sites, and every instruction a direct branch in the range lands on.
  std::vector<bool> target(n, false);
  auto mark = [&](std::uint64_t addr) {
    const std::uint64_t off = addr - base;  // wraps for addresses below base: then out of range
    if (off % 4 == 0 && off / 4 < n) target[static_cast<std::size_t>(off / 4)] = true;
  };
  std::vector<Pending> sites;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t insn = word_at(code, i);
    const std::uint64_t pc = base + 4 * static_cast<std::uint64_t>(i);
    const std::string* callee = nullptr;
    if (is_b_or_bl(insn)) {
      if (auto r = relocated.find(pc); r != relocated.end()) {
        callee = &r->second;
      } else {
        const std::uint64_t dest = imm26_target(insn, pc);
        if (auto s = stubs.find(dest); s != stubs.end()) callee = &s->second;
        mark(dest);
      }
      if (callee && wanted(*callee) && sites.size() < opts.max_sites) sites.push_back({i, callee, !is_bl(insn)});
    } else if (auto dest = conditional_target(insn, pc)) {
      mark(*dest);
    } else if (opts.syscalls && is_svc(insn) && sites.size() < opts.max_sites) {
      sites.push_back({i, nullptr, false});
    }
  }

  // Pass 2: evaluate the straight-line run before each site.
  const std::size_t window = std::min(opts.window, kMaxWindow);
  out.reserve(sites.size());
  for (const Pending& site : sites) {
    const std::size_t c = site.index;
    const std::size_t earliest = c >= window ? c - window : 0;
    std::size_t from = earliest;
    for (std::size_t i = c;; --i) {
      if (i < c && is_barrier(word_at(code, i))) {
        from = i + 1;
        break;
      }
      if (target[i]) {  // reached from elsewhere: what ran before it is not known
        from = i;
        break;
      }
      if (i == earliest) break;
    }
    Registers regs;
    for (std::size_t i = from; i < c; ++i) step(word_at(code, i), regs);

    Arm64CallSite s;
    s.address = base + 4 * static_cast<std::uint64_t>(c);
    for (unsigned r = 0; r < s.args.size(); ++r) s.args[r] = regs.sp(r);
    if (site.callee) {
      s.callee = *site.callee;
      s.tail_call = site.tail_call;
    } else {
      s.callee = "svc";
      s.svc_imm = (word_at(code, c) >> 5) & 0xFFFFu;
      s.syscall_number = syscall_register(regs, s.svc_imm, opts.syscall_convention);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::optional<std::uint64_t> decode_bitmask_immediate(unsigned n, unsigned immr, unsigned imms, bool is64) {
  n &= 1;
  immr &= 0x3F;
  imms &= 0x3F;
  if (!is64 && n) return std::nullopt;
  const unsigned combined = (n << 6) | (~imms & 0x3Fu);
  if (combined == 0) return std::nullopt;
  const unsigned len = static_cast<unsigned>(std::bit_width(combined)) - 1;  // highest set bit
  if (len < 1) return std::nullopt;
  const unsigned esize = 1u << len;
  const unsigned levels = esize - 1;
  const unsigned s = imms & levels, r = immr & levels;
  if (s == levels) return std::nullopt;  // all ones: reserved
  const std::uint64_t emask = esize == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << esize) - 1;
  const std::uint64_t welem = (std::uint64_t{1} << (s + 1)) - 1;  // s + 1 <= 63
  const std::uint64_t elem = r ? ((welem >> r) | (welem << (esize - r))) & emask : welem;
  std::uint64_t out = 0;
  for (unsigned i = 0; i < 64; i += esize) out |= elem << i;
  return is64 ? out : out & 0xFFFFFFFFu;
}

std::vector<Arm64CallSite> find_arm64_calls(Bytes code, std::uint64_t base, const std::map<std::uint64_t, std::string>& stubs,
                                            const Arm64CallOptions& opts) {
  static const std::map<std::uint64_t, std::string> kNone;
  return find_arm64_calls(code, base, stubs, opts, kNone);
}

std::vector<Arm64CallSite> find_arm64_calls(Bytes code, std::uint64_t base, const std::map<std::uint64_t, std::string>& stubs,
                                            const Arm64CallOptions& opts,
                                            const std::map<std::uint64_t, std::string>& relocated) {
  try {
    return sweep(code, base, stubs, opts, relocated);
  } catch (const std::bad_alloc&) {  // the target bitmap of a huge range; nothing else allocates much
    return {};
  }
}

}  // namespace sdkscope::native
