// Call sites of imported functions in AArch64 code and the constant arguments they pass, found
// without a disassembler library: a linear sweep that decodes BL / B to known stub addresses and
// SVC, and a small forward evaluation of the straight-line instructions before each site.
// The container readers build the stub maps: elf_calls.hpp (PLT) and apple/macho_calls.hpp
// (__stubs / __auth_stubs, and BRANCH26 relocations of objects).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanner/util/byte_reader.hpp"

namespace sdkscope::native {

struct Arm64CallSite {
  /// The imported symbol as the caller's format names it ("_CCCrypt" on Mach-O, "CCCrypt" on
  /// ELF), or "svc" for a supervisor call.
  std::string callee;
  std::uint64_t address = 0;  ///< vaddr of the BL / B / SVC
  /// x0..x7 at the call when a constant (see find_arm64_calls); a 32-bit (w) write is stored
  /// zero-extended, as the hardware does.
  std::array<std::optional<std::uint64_t>, 8> args;
  /// svc only: x16 on Darwin, x8 on Linux (see Arm64CallOptions::syscall_convention).
  std::optional<std::uint64_t> syscall_number;
  std::uint32_t svc_imm = 0;  ///< svc only: the 16-bit immediate
  bool tail_call = false;     ///< the site is a B (the caller's frame is gone), not a BL

  friend bool operator==(const Arm64CallSite&, const Arm64CallSite&) = default;
};

/// Which register holds the syscall number at an SVC. The kernels ignore the immediate (Darwin
/// code uses #0x80 by convention, Linux #0), so a reader that knows the platform says so.
enum class SyscallConvention {
  by_immediate,  ///< x16 for svc #0x80, x8 for svc #0, none for other immediates
  darwin_x16,    ///< always x16 (Darwin: the Mach-O reader sets this)
  linux_x8,      ///< always x8 (Linux / Android: the ELF reader sets this)
};

struct Arm64CallOptions {
  /// Callees to report, as the caller's format names them; empty = every stub call.
  std::set<std::string> callees;
  bool syscalls = true;           ///< report SVC instructions
  std::size_t max_sites = 10000;  ///< stop after this many sites (the container readers say when they stop)
  std::size_t window = 24;        ///< instructions evaluated before a site, at most (capped at 1024)
  /// by_immediate: the container readers replace it with their platform's convention.
  SyscallConvention syscall_convention = SyscallConvention::by_immediate;
};

/// Finds call sites in `code`, the bytes of an executable range mapped at `base` (AArch64
/// instructions are little-endian in every image). `stubs`: stub / PLT entry vaddr -> symbol.
///
/// Sites: BL and B (a tail call) whose target is a stub of a wanted callee, and SVC. Arguments:
/// the instructions before a site are evaluated forward from the latest of (site - window), the
/// instruction after the last BL / BLR / B / BR / RET / ERET / SVC / BRK / HLT, and the latest
/// instruction that a direct branch anywhere in `code` targets (B, BL, B.cond, CBZ/CBNZ,
/// TBZ/TBNZ); so every path into the site that the range shows runs the evaluated sequence.
/// Values come from MOVZ, MOVN, MOVK on a known value, ORR/AND/EOR/ANDS with a bitmask immediate
/// on XZR or a known register (the `mov Rd, #imm` alias), ORR Rd, ZR, Rm (`mov Rd, Rm`), and
/// ADD/SUB(S) immediate on a known register; every other instruction that writes a register
/// (loads, writeback addressing, ADR/ADRP, conditional selects, FP->GPR moves, ...) makes it
/// unknown. Instructions whose effect on registers is not known forget their Rd field.
/// Not seen: indirect branch targets (jump tables, address-taken labels), so a fall-through
/// into a switch case may carry a value from the case above; calls through BLR (GOT loads, -fno-plt).
/// Sites come in address order. Never throws; bytes past the last whole word are ignored.
std::vector<Arm64CallSite> find_arm64_calls(Bytes code, std::uint64_t base, const std::map<std::uint64_t, std::string>& stubs,
                                            const Arm64CallOptions& opts);

/// The same for a relocatable object, whose BL / B instructions hold a placeholder offset and
/// get their target from a relocation: `relocated` maps such an instruction's vaddr to the
/// undefined symbol it calls, or to "" when the relocation names something else (a local
/// function or section). Relocated instructions are calls to that symbol whatever their offset
/// says, and their offset marks no branch target.
std::vector<Arm64CallSite> find_arm64_calls(Bytes code, std::uint64_t base, const std::map<std::uint64_t, std::string>& stubs,
                                            const Arm64CallOptions& opts,
                                            const std::map<std::uint64_t, std::string>& relocated);

/// The value of an AArch64 logical (bitmask) immediate N:immr:imms for a 64- or 32-bit
/// operation (ARM ARM, DecodeBitMasks); nullopt for the reserved encodings.
std::optional<std::uint64_t> decode_bitmask_immediate(unsigned n, unsigned immr, unsigned imms, bool is64);

}  // namespace sdkscope::native
