// The AArch64 call-site sweep (scanner/native/arm64_calls.hpp) on hand-assembled code, and the
// ELF reader (scanner/native/elf_calls.hpp) on the libcalls.so fixtures built from
// testdata/native/src/calls.c. Instruction words were checked against llvm-mc-14
// (-triple=aarch64 -show-encoding); each carries its assembly in a comment.
#include <doctest/doctest.h>

#include <random>

#include "native/elf_test_util.hpp"
#include "scanner/native/arm64_calls.hpp"
#include "scanner/native/elf_calls.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;

constexpr std::uint64_t kBase = 0x1000;
constexpr std::uint64_t kCrypt = 0x8000;   // stub addresses, outside the code
constexpr std::uint64_t kPtrace = 0x800c;

/// Code under test: words at kBase, and BL / B words to an address computed from their index.
struct Code {
  std::vector<std::uint32_t> words;

  Code& operator<<(std::uint32_t w) {
    words.push_back(w);
    return *this;
  }
  std::uint64_t pc() const { return kBase + 4 * words.size(); }
  Code& bl(std::uint64_t to) { return *this << (0x94000000u | static_cast<std::uint32_t>(((to - pc()) / 4) & 0x3FFFFFFu)); }
  Code& b(std::uint64_t to) { return *this << (0x14000000u | static_cast<std::uint32_t>(((to - pc()) / 4) & 0x3FFFFFFu)); }
  Code& b_ne(std::uint64_t to) { return *this << (0x54000001u | static_cast<std::uint32_t>((((to - pc()) / 4) & 0x7FFFFu) << 5)); }
  Code& cbz_x0(std::uint64_t to) { return *this << (0xB4000000u | static_cast<std::uint32_t>((((to - pc()) / 4) & 0x7FFFFu) << 5)); }
  Code& nops(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) *this << 0xD503201Fu;  // nop
    return *this;
  }

  Buf bytes() const {
    Buf b;
    for (std::uint32_t w : words)
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    return b;
  }
};

const std::map<std::uint64_t, std::string> kStubs = {{kCrypt, "_CCCrypt"}, {kPtrace, "_ptrace"}};

std::vector<Arm64CallSite> scan(const Code& code, Arm64CallOptions opts = {}) {
  const Buf b = code.bytes();
  return find_arm64_calls(b, kBase, kStubs, opts);
}

/// The one site of `code` (a test failure when there is not exactly one).
Arm64CallSite only_site(const Code& code, Arm64CallOptions opts = {}) {
  auto sites = scan(code, opts);
  REQUIRE(sites.size() == 1);
  return sites[0];
}

// Instruction words (little-endian values as the CPU reads them).
constexpr std::uint32_t kMovzW1_2 = 0x52800041;        // mov w1, #2
constexpr std::uint32_t kMovzX0_1234_16 = 0xD2A24680;  // mov x0, #0x12340000
constexpr std::uint32_t kMovkX0_beef = 0xF297DDE0;     // movk x0, #0xbeef
constexpr std::uint32_t kMovnW2_0 = 0x12800002;        // mov w2, #-1 (movn)
constexpr std::uint32_t kMovnX3_5 = 0x928000A3;        // mov x3, #-6 (movn)
constexpr std::uint32_t kMovkW4_ffff_16 = 0x72BFFFE4;  // movk w4, #0xffff, lsl #16
constexpr std::uint32_t kOrrW5_5555 = 0x3200F3E5;      // mov w5, #0x55555555 (orr w5, wzr, #...)
constexpr std::uint32_t kOrrX6_ff00 = 0xB2089FE6;      // mov x6, #0xff00ff00ff00ff00
constexpr std::uint32_t kOrrX7_ffffffff = 0xB2407FE7;  // mov x7, #0xffffffff
constexpr std::uint32_t kOrrW2_W1_4 = 0x321E0022;      // orr w2, w1, #0x4
constexpr std::uint32_t kAndX3_X3_ff = 0x92401C63;     // and x3, x3, #0xff
constexpr std::uint32_t kEorW4_W4_1 = 0x52000084;      // eor w4, w4, #0x1
constexpr std::uint32_t kMovW1_W2 = 0x2A0203E1;        // mov w1, w2
constexpr std::uint32_t kMovX7_X0 = 0xAA0003E7;        // mov x7, x0
constexpr std::uint32_t kMovW0_WZR = 0x2A1F03E0;       // mov w0, wzr
constexpr std::uint32_t kAddX2_X1_16 = 0x91004022;     // add x2, x1, #16
constexpr std::uint32_t kAddX2_X1_1_12 = 0x91400422;   // add x2, x1, #1, lsl #12
constexpr std::uint32_t kSubW3_W1_1 = 0x51000423;      // sub w3, w1, #1
constexpr std::uint32_t kAddX5_SP_16 = 0x910043E5;     // add x5, sp, #16
constexpr std::uint32_t kLdrX1_SP_8 = 0xF94007E1;      // ldr x1, [sp, #8]
constexpr std::uint32_t kStrX1_SP_8 = 0xF90007E1;      // str x1, [sp, #8]
constexpr std::uint32_t kStpX1X2_Pre = 0xA9BF0BE1;     // stp x1, x2, [sp, #-16]!
constexpr std::uint32_t kStpX1X2 = 0xA9010BE1;         // stp x1, x2, [sp, #16]
constexpr std::uint32_t kLdpX1X2 = 0xA9410BE1;         // ldp x1, x2, [sp, #16]
constexpr std::uint32_t kLdrX2_X1_Post = 0xF8408422;   // ldr x2, [x1], #8
constexpr std::uint32_t kLdurW1 = 0xB85FC3A1;          // ldur w1, [x29, #-4]
constexpr std::uint32_t kSturW1 = 0xB81FC3A1;          // stur w1, [x29, #-4]
constexpr std::uint32_t kLdrW3_X1_X2 = 0xB8626823;     // ldr w3, [x1, x2]
constexpr std::uint32_t kLdrX4_Lit = 0x58000044;       // ldr x4, #8 (literal)
constexpr std::uint32_t kAdrpX1 = 0x90000001;          // adrp x1, 0
constexpr std::uint32_t kAdrX2 = 0x10000002;           // adr x2, 0
constexpr std::uint32_t kCsetW1 = 0x1A9F17E1;          // cset w1, eq
constexpr std::uint32_t kCselW1 = 0x1A831041;          // csel w1, w2, w3, ne
constexpr std::uint32_t kCcmpW1 = 0x7A401824;          // ccmp w1, #0, #4, ne
constexpr std::uint32_t kCmpW1_3 = 0x71000C3F;         // cmp w1, #3
constexpr std::uint32_t kFmovW1_S0 = 0x1E260001;       // fmov w1, s0
constexpr std::uint32_t kFmovS0_W1 = 0x1E270020;       // fmov s0, w1
constexpr std::uint32_t kUmovW2 = 0x0E0C3C02;          // mov w2, v0.s[1]
constexpr std::uint32_t kMoviV1 = 0x6F00E401;          // movi v1.2d, #0
constexpr std::uint32_t kAddV0 = 0x4EA28420;           // add v0.4s, v1.4s, v2.4s
constexpr std::uint32_t kMrsX3 = 0xD53BD043;           // mrs x3, tpidr_el0
constexpr std::uint32_t kMsrX3 = 0xD51BD043;           // msr tpidr_el0, x3
constexpr std::uint32_t kBtiC = 0xD503245F;            // bti c
constexpr std::uint32_t kPaciasp = 0xD503233F;         // paciasp
constexpr std::uint32_t kLdxrX1 = 0xC85F7C41;          // ldxr x1, [x2]
constexpr std::uint32_t kStxrW3 = 0xC8037C41;          // stxr w3, x1, [x2]
constexpr std::uint32_t kLdaddW1W2 = 0xB8210062;       // ldadd w1, w2, [x3]
constexpr std::uint32_t kBfiW1 = 0x331D0C41;           // bfi w1, w2, #3, #4
constexpr std::uint32_t kUbfxX1 = 0xD3401C41;          // ubfx x1, x2, #0, #8
constexpr std::uint32_t kMovzW16_26 = 0x52800350;      // mov w16, #26
constexpr std::uint32_t kMovzW0_31 = 0x528003E0;       // mov w0, #31
constexpr std::uint32_t kMovzW8_117 = 0x52800EA8;      // mov w8, #117
constexpr std::uint32_t kMovzX0_0 = 0xD2800000;        // mov x0, #0
constexpr std::uint32_t kSvc80 = 0xD4001001;           // svc #0x80
constexpr std::uint32_t kSvc0 = 0xD4000001;            // svc #0
constexpr std::uint32_t kRet = 0xD65F03C0;             // ret
constexpr std::uint32_t kBrX17 = 0xD61F0220;           // br x17
constexpr std::uint32_t kBlrX8 = 0xD63F0100;           // blr x8
constexpr std::uint32_t kBlraa = 0xD73F0909;           // blraa x8, x9
constexpr std::uint32_t kRetab = 0xD65F0FFF;           // retab
constexpr std::uint32_t kBrk1 = 0xD4200020;            // brk #1
constexpr std::uint32_t kUdf0 = 0x00000000;            // udf #0

TEST_CASE("arm64 calls: bitmask immediates decode as DecodeBitMasks says") {
  CHECK(decode_bitmask_immediate(0, 0, 0x3C, false) == 0x55555555u);
  CHECK(decode_bitmask_immediate(0, 8, 0x27, true) == 0xFF00FF00FF00FF00u);
  CHECK(decode_bitmask_immediate(1, 0, 0x1F, true) == 0xFFFFFFFFu);
  CHECK(decode_bitmask_immediate(0, 0x1E, 0, false) == 0x4u);
  CHECK(decode_bitmask_immediate(1, 0, 0, true) == 1u);
  CHECK(decode_bitmask_immediate(1, 1, 0, true) == 0x8000000000000000u);
  CHECK(decode_bitmask_immediate(1, 0, 0x3E, true) == 0x7FFFFFFFFFFFFFFFu);
  // Reserved: N=1 for 32 bits, all-ones elements, no element size.
  CHECK_FALSE(decode_bitmask_immediate(1, 0, 0, false));
  CHECK_FALSE(decode_bitmask_immediate(1, 0, 0x3F, true));
  CHECK_FALSE(decode_bitmask_immediate(0, 0, 0x3F, true));
  CHECK_FALSE(decode_bitmask_immediate(0, 0, 0x3E, false));  // 0b111110: len 0
  CHECK_FALSE(decode_bitmask_immediate(0, 0, 0x3D, false));  // 2-bit element 0b11: all ones
}

TEST_CASE("arm64 calls: move-wide, bitmask and register moves give the argument values") {
  Code c;
  c << kMovzX0_1234_16 << kMovkX0_beef << kMovzW1_2 << kMovnW2_0 << kMovnX3_5 << kOrrW5_5555 << kOrrX6_ff00
    << kMovX7_X0;
  c << 0x52824684;  // mov w4, #0x1234
  c << kMovkW4_ffff_16;
  c.bl(kCrypt);
  const auto s = only_site(c);
  CHECK(s.callee == "_CCCrypt");
  CHECK(s.address == kBase + 4 * 10);
  CHECK_FALSE(s.tail_call);
  CHECK(s.args[0] == 0x1234BEEFu);
  CHECK(s.args[1] == 2u);
  CHECK(s.args[2] == 0xFFFFFFFFu);  // movn w: 32 bits, zero-extended
  CHECK(s.args[3] == 0xFFFFFFFFFFFFFFFAu);
  CHECK(s.args[4] == 0xFFFF1234u);
  CHECK(s.args[5] == 0x55555555u);
  CHECK(s.args[6] == 0xFF00FF00FF00FF00u);
  CHECK(s.args[7] == 0x1234BEEFu);
  CHECK_FALSE(s.syscall_number);
}

TEST_CASE("arm64 calls: arithmetic and logic on known registers") {
  Code c;
  c << kMovzW1_2 << kOrrW2_W1_4 << kMovnX3_5 << kAndX3_X3_ff << 0x52800024 /* mov w4, #1 */ << kEorW4_W4_1
    << kOrrX7_ffffffff;
  c.bl(kCrypt);
  auto s = only_site(c);
  CHECK(s.args[1] == 2u);
  CHECK(s.args[2] == 6u);
  CHECK(s.args[3] == 0xFAu);
  CHECK(s.args[4] == 0u);
  CHECK(s.args[7] == 0xFFFFFFFFu);

  Code d;
  d << kMovW0_WZR << 0x52800001 /* mov w1, #0 */ << kAddX2_X1_16 << kSubW3_W1_1 << kAddX5_SP_16 << kMovnX3_5;
  d << kMovW1_W2;  // w1 = w2 = 16
  d << 0x92800002 /* mov x2, #-1 */ << 0x2A0203E6 /* mov w6, w2 */;
  d.bl(kCrypt);
  s = only_site(d);
  CHECK(s.args[0] == 0u);
  CHECK(s.args[1] == 16u);
  CHECK(s.args[2] == 0xFFFFFFFFFFFFFFFFu);
  CHECK(s.args[3] == 0xFFFFFFFFFFFFFFFAu);
  CHECK_FALSE(s.args[5]);  // sp-relative: never a constant
  CHECK(s.args[6] == 0xFFFFFFFFu);  // a w move keeps the low half

  Code e;
  e << kMovzW1_2 << kSubW3_W1_1 << kAddX2_X1_1_12 << 0x52800001 /* mov w1, #0 */ << 0x51000424 /* sub w4, w1, #1 */;
  e.bl(kCrypt);
  s = only_site(e);
  CHECK(s.args[3] == 1u);
  CHECK(s.args[2] == 0x1002u);
  CHECK(s.args[4] == 0xFFFFFFFFu);  // 32-bit wrap
}

TEST_CASE("arm64 calls: any other write makes a register unknown") {
  struct Case {
    const char* what;
    std::uint32_t insn;
    std::vector<unsigned> forgotten;
  };
  const Case cases[] = {
      {"ldr x1, [sp, #8]", kLdrX1_SP_8, {1}},
      {"ldp x1, x2", kLdpX1X2, {1, 2}},
      {"ldr x2, [x1], #8", kLdrX2_X1_Post, {1, 2}},
      {"ldur w1", kLdurW1, {1}},
      {"ldr w3, [x1, x2]", kLdrW3_X1_X2, {3}},
      {"ldr x4, literal", kLdrX4_Lit, {4}},
      {"adrp x1", kAdrpX1, {1}},
      {"adr x2", kAdrX2, {2}},
      {"cset w1", kCsetW1, {1}},
      {"csel w1", kCselW1, {1}},
      {"fmov w1, s0", kFmovW1_S0, {1}},
      {"umov w2", kUmovW2, {2}},
      {"mrs x3", kMrsX3, {3}},
      {"ldxr x1", kLdxrX1, {1}},
      {"stxr w3", kStxrW3, {3}},
      {"ldadd w1, w2", kLdaddW1W2, {2}},
      {"bfi w1", kBfiW1, {1}},
      {"ubfx x1", kUbfxX1, {1}},
  };
  for (const Case& k : cases) {
    CAPTURE(k.what);
    Code c;
    // x0..x7 known, then the instruction, then the call.
    for (std::uint32_t r = 0; r < 8; ++r) c << (0xD2800000u | ((r + 10) << 5) | r);  // mov xr, #(r + 10)
    c << k.insn;
    c.bl(kCrypt);
    const auto s = only_site(c);
    for (unsigned r = 0; r < 8; ++r) {
      CAPTURE(r);
      const bool gone = std::find(k.forgotten.begin(), k.forgotten.end(), r) != k.forgotten.end();
      if (gone) CHECK_FALSE(s.args[r]);
      else CHECK(s.args[r] == std::uint64_t{r + 10});
    }
  }
  // MOVK needs the old value: after a load it stays unknown.
  Code c;
  c << kMovzW1_2 << kLdrX1_SP_8 << 0xF28000A1 /* movk x1, #5 */;
  c.bl(kCrypt);
  CHECK_FALSE(only_site(c).args[1]);
}

TEST_CASE("arm64 calls: stores, compares, SIMD and hints keep registers") {
  const std::uint32_t keep[] = {kStrX1_SP_8, kStpX1X2, kStpX1X2_Pre, kSturW1, kFmovS0_W1, kMoviV1, kAddV0, kMsrX3,
                                kBtiC, kPaciasp, kCcmpW1, kCmpW1_3, 0xD503201F /* nop */};
  for (std::uint32_t insn : keep) {
    CAPTURE(insn);
    Code c;
    for (std::uint32_t r = 0; r < 8; ++r) c << (0xD2800000u | ((r + 10) << 5) | r);
    c << insn;
    c.bl(kCrypt);
    const auto s = only_site(c);
    for (unsigned r = 0; r < 8; ++r) CHECK(s.args[r] == std::uint64_t{r + 10});
  }
}

TEST_CASE("arm64 calls: the window stops at calls, returns, branches and traps") {
  const std::uint32_t stops[] = {kRet, kBrX17, kBlrX8, kBlraa, kRetab, kBrk1, kUdf0, kSvc80,
                                 0x94000100 /* bl elsewhere */, 0x14000100 /* b elsewhere */};
  for (std::uint32_t insn : stops) {
    CAPTURE(insn);
    Code c;
    c << kMovzW1_2 << insn << 0x52800062 /* mov w2, #3 */;
    c.bl(kCrypt);
    Arm64CallOptions crypt_only;
    crypt_only.callees = {"_CCCrypt"};
    crypt_only.syscalls = false;
    const auto sites = scan(c, crypt_only);
    REQUIRE(sites.size() == 1);
    CHECK_FALSE(sites[0].args[1]);
    CHECK(sites[0].args[2] == 3u);
  }
}

TEST_CASE("arm64 calls: conditional branches out do not stop the window, branches in do") {
  Code out;
  out << kMovzW1_2;
  out.cbz_x0(kBase + 0x400);
  out << 0x52800062;  // mov w2, #3
  out.b_ne(kBase + 0x400);
  out.bl(kCrypt);
  auto s = only_site(out);
  CHECK(s.args[1] == 2u);
  CHECK(s.args[2] == 3u);

  // A later backward branch to the middle of the sequence: what precedes its target is unknown.
  Code in;
  in << kMovzW1_2;
  const std::uint64_t label = in.pc();
  in << 0x52800062;  // mov w2, #3
  in.bl(kCrypt);
  in << kRet;
  in.b_ne(label);
  s = only_site(in);
  CHECK_FALSE(s.args[1]);
  CHECK(s.args[2] == 3u);

  // A branch to the call itself leaves nothing known; a forward branch from before works too.
  Code self;
  self.cbz_x0(kBase + 8);
  self << kMovzW1_2 << kMovzW0_31;
  self.bl(kCrypt);
  s = only_site(self);
  CHECK(s.args[0] == 31u);  // the target is the mov w0: it runs on every path
  CHECK_FALSE(s.args[1]);

  Code call_target;
  call_target << kMovzW1_2;
  const std::uint64_t call = call_target.pc();
  call_target.bl(kCrypt);
  call_target << kRet;
  call_target.cbz_x0(call);
  CHECK_FALSE(only_site(call_target).args[1]);
}

TEST_CASE("arm64 calls: window size") {
  Code c;
  c << kMovzW1_2;
  c.nops(30);
  c.bl(kCrypt);
  CHECK_FALSE(only_site(c).args[1]);  // default window 24
  Arm64CallOptions wide;
  wide.window = 31;
  CHECK(only_site(c, wide).args[1] == 2u);
  wide.window = 30;
  CHECK_FALSE(only_site(c, wide).args[1]);
  Arm64CallOptions none;
  none.window = 0;
  Code d;
  d << kMovzW1_2;
  d.bl(kCrypt);
  CHECK_FALSE(only_site(d, none).args[1]);
  Arm64CallOptions huge;
  huge.window = static_cast<std::size_t>(-1);
  CHECK(only_site(d, huge).args[1] == 2u);
}

TEST_CASE("arm64 calls: callee filter, tail calls, relocated objects and the site limit") {
  Code c;
  c << kMovzW0_31;
  c.bl(kCrypt);
  c << kMovzW0_31;
  c.b(kPtrace);
  c.bl(kBase + 0x400);  // not a stub
  auto all = scan(c);
  REQUIRE(all.size() == 2);
  CHECK(all[0].callee == "_CCCrypt");
  CHECK(all[1].callee == "_ptrace");
  CHECK(all[1].tail_call);
  CHECK(all[1].args[0] == 31u);
  CHECK(all[1].address == kBase + 12);

  Arm64CallOptions only_ptrace;
  only_ptrace.callees = {"_ptrace"};
  auto one = scan(c, only_ptrace);
  REQUIRE(one.size() == 1);
  CHECK(one[0].callee == "_ptrace");

  Arm64CallOptions limit;
  limit.max_sites = 1;
  CHECK(scan(c, limit).size() == 1);
  limit.max_sites = 0;
  CHECK(scan(c, limit).empty());

  // An object: BL #0 everywhere, the relocation says who is called; "" is a call to a local.
  Code obj;
  obj << kMovzW1_2 << 0x94000000;  // bl . (relocated: _CCCrypt)
  obj << kMovzW1_2 << 0x94000000;  // bl . (relocated: a local function)
  obj << 0x94000000;               // bl . (no relocation: a real self-call, marks itself)
  const Buf bytes = obj.bytes();
  const std::map<std::uint64_t, std::string> relocated = {{kBase + 4, "_CCCrypt"}, {kBase + 12, ""}};
  auto sites = find_arm64_calls(bytes, kBase, {}, {}, relocated);
  REQUIRE(sites.size() == 1);
  CHECK(sites[0].callee == "_CCCrypt");
  CHECK(sites[0].address == kBase + 4);
  CHECK(sites[0].args[1] == 2u);  // its own address is no branch target
}

TEST_CASE("arm64 calls: svc sites and their syscall number") {
  Code c;
  c << kMovzW16_26 << kMovzW0_31 << kSvc80 << kMovzW8_117 << kMovzX0_0 << kSvc0 << kMovzW16_26 << kSvc0;
  auto sites = scan(c);
  REQUIRE(sites.size() == 3);
  CHECK(sites[0].callee == "svc");
  CHECK(sites[0].svc_imm == 0x80u);
  CHECK(sites[0].syscall_number == 26u);
  CHECK(sites[0].args[0] == 31u);
  CHECK(sites[1].svc_imm == 0u);
  CHECK(sites[1].syscall_number == 117u);
  CHECK(sites[1].args[0] == 0u);
  CHECK_FALSE(sites[2].syscall_number);  // svc #0 reads x8 by default, set before the previous svc

  Arm64CallOptions darwin;
  darwin.syscall_convention = SyscallConvention::darwin_x16;
  sites = scan(c, darwin);
  REQUIRE(sites.size() == 3);
  CHECK(sites[1].syscall_number == std::nullopt);  // x16 was set before the first svc
  CHECK(sites[2].syscall_number == 26u);
  Arm64CallOptions linux_abi;
  linux_abi.syscall_convention = SyscallConvention::linux_x8;
  sites = scan(c, linux_abi);
  CHECK_FALSE(sites[0].syscall_number);
  CHECK(sites[1].syscall_number == 117u);

  Arm64CallOptions no_svc;
  no_svc.syscalls = false;
  CHECK(scan(c, no_svc).empty());

  Code odd;
  odd << kMovzW16_26 << 0xD4000021;  // svc #1: no convention by immediate
  auto s = only_site(odd);
  CHECK(s.svc_imm == 1u);
  CHECK_FALSE(s.syscall_number);
}

TEST_CASE("arm64 calls: short, unaligned and random code never misbehaves") {
  CHECK(find_arm64_calls({}, kBase, kStubs, {}).empty());
  const Buf three = {0x01, 0x10, 0x00};
  CHECK(find_arm64_calls(three, kBase, kStubs, {}).empty());
  Code c;
  c << kMovzW16_26 << kSvc80;
  Buf b = c.bytes();
  b.push_back(0xD4);  // a partial word at the end is ignored
  CHECK(find_arm64_calls(b, kBase, kStubs, {}).size() == 1);
  // Code at the top of the address space: targets wrap without trouble.
  CHECK(find_arm64_calls(b, ~std::uint64_t{0} - 3, kStubs, {}).size() == 1);

  std::mt19937 rng(1234);
  Buf noise(1 << 16);
  for (auto& x : noise) x = static_cast<std::uint8_t>(rng());
  std::map<std::uint64_t, std::string> stubs;
  for (std::uint64_t a = kBase; a < kBase + noise.size(); a += 64) stubs[a] = "_f";
  Arm64CallOptions opts;
  opts.window = 64;
  const auto sites = find_arm64_calls(noise, kBase, stubs, opts);
  CHECK(sites.size() <= opts.max_sites);
  for (const auto& s : sites) {
    CHECK(s.address >= kBase);
    CHECK(s.address < kBase + noise.size());
  }
}

// --- ELF -------------------------------------------------------------------------------------

constexpr const char* kCalls = "arm64-v8a/libcalls.so";
constexpr const char* kCallsNoSections = "stripped/libcalls-nosections.so";

Arm64CallOptions fixture_callees() {
  Arm64CallOptions o;
  o.callees = {"CCCrypt", "CCCryptorCreateWithMode", "ptrace", "dlopen", "dlsym"};
  return o;
}

std::vector<Arm64CallSite> of(const std::vector<Arm64CallSite>& sites, const std::string& callee) {
  std::vector<Arm64CallSite> out;
  for (const auto& s : sites)
    if (s.callee == callee) out.push_back(s);
  return out;
}

void check_calls_fixture(const std::vector<Arm64CallSite>& sites) {
  const auto crypt = of(sites, "CCCrypt");
  REQUIRE(crypt.size() == 3);
  CHECK(crypt[0].args[0] == 0u);  // kCCEncrypt
  CHECK(crypt[0].args[1] == 2u);  // kCCAlgorithm3DES
  REQUIRE(crypt[0].args[2]);
  CHECK((*crypt[0].args[2] & 2u) != 0);  // kCCOptionECBMode
  CHECK(crypt[0].args[4] == 24u);        // key length
  CHECK(crypt[1].args[1] == 0u);         // kCCAlgorithmAES
  CHECK(crypt[1].args[2] == 1u);         // PKCS#7 only: CBC
  CHECK_FALSE(crypt[2].args[1]);         // a parameter
  CHECK(crypt[2].args[2] == 0u);

  const auto mode = of(sites, "CCCryptorCreateWithMode");
  REQUIRE(mode.size() == 1);
  CHECK(mode[0].args[1] == 1u);  // kCCModeECB
  CHECK(mode[0].args[2] == 0u);  // kCCAlgorithmAES

  const auto ptrace = of(sites, "ptrace");
  REQUIRE(ptrace.size() == 2);
  CHECK(ptrace[0].args[0] == 0u);   // PTRACE_TRACEME
  CHECK(ptrace[1].args[0] == 31u);  // after a BL: evaluated from there on

  const auto svc = of(sites, "svc");
  REQUIRE(svc.size() == 1);
  CHECK(svc[0].svc_imm == 0u);
  CHECK(svc[0].syscall_number == 117u);  // __NR_ptrace
  CHECK(svc[0].args[0] == 0u);

  const auto dlopen = of(sites, "dlopen");
  REQUIRE(dlopen.size() == 1);
  CHECK(dlopen[0].args[1] == 2u);  // RTLD_NOW
  const auto dlsym = of(sites, "dlsym");
  REQUIRE(dlsym.size() == 1);
  CHECK(dlsym[0].tail_call);
  CHECK(sites.size() == 9);
  CHECK(std::is_sorted(sites.begin(), sites.end(), [](const auto& a, const auto& b) { return a.address < b.address; }));
}

TEST_CASE("elf calls: the libcalls.so fixture") {
  Diagnostics d;
  const auto sites = elf_arm64_calls(fixture(kCalls), d, "libcalls.so", fixture_callees());
  CHECK(d.empty());
  check_calls_fixture(sites);
  for (const auto& s : sites) {
    CHECK(s.address >= 0x14fc);  // .text
    CHECK(s.address < 0x16f0);   // .plt starts there and is not scanned
  }
}

TEST_CASE("elf calls: without section headers, the dynamic segment finds the same sites") {
  Diagnostics d, d2;
  const auto full = elf_arm64_calls(fixture(kCalls), d, "full", fixture_callees());
  const auto stripped = elf_arm64_calls(fixture(kCallsNoSections), d2, "stripped", fixture_callees());
  CHECK(d2.empty());
  CHECK(stripped == full);
}

TEST_CASE("elf calls: every stub call of the acmetrack fixture, with an empty callee set") {
  Diagnostics d;
  Arm64CallOptions all;
  all.syscalls = false;
  const auto sites = elf_arm64_calls(fixture(kAcmeArm64), d, "acme", all);
  CHECK(d.empty());
  std::set<std::string> callees;
  for (const auto& s : sites) callees.insert(s.callee);
  CHECK(callees == std::set<std::string>{"__android_log_print", "memcpy", "strlen"});
  for (const auto& s : of(sites, "__android_log_print")) CHECK(s.args[0] == 4u);  // ANDROID_LOG_INFO
}

TEST_CASE("elf calls: other machines and non-ELF input give nothing, silently") {
  for (const char* path : {kDemoX86_64, kAcmeArm32, kAcmeMipsBe}) {
    CAPTURE(path);
    Diagnostics d;
    CHECK(elf_arm64_calls(fixture(path), d, path, {}).empty());
    CHECK(d.empty());
  }
  Diagnostics d;
  const Buf text = {'n', 'o', 't', ' ', 'e', 'l', 'f'};
  CHECK(elf_arm64_calls(text, d, "x", {}).empty());
  CHECK(elf_arm64_calls({}, d, "x", {}).empty());
  CHECK(d.empty());
}

TEST_CASE("elf calls: the site limit is a warning") {
  Diagnostics d;
  Arm64CallOptions o = fixture_callees();
  o.max_sites = 2;
  CHECK(elf_arm64_calls(fixture(kCalls), d, "x", o).size() == 2);
  CHECK(d.has("elf.calls"));
}

TEST_CASE("elf calls: a jump slot no PLT entry loads is not a call, and says so") {
  Buf b = fixture(kCalls);
  ElfEdit e(b);
  // Move every JUMP_SLOT r_offset of .rela.plt one slot up: the PLT entries load other addresses.
  const std::uint64_t rela = e.section_offset(".rela.plt");
  for (std::size_t i = 0; i < 5; ++i) e.put(rela + 24 * i, 8, e.get(rela + 24 * i, 8) + 0x1000);
  Diagnostics d;
  const auto sites = elf_arm64_calls(b, d, "x", fixture_callees());
  CHECK(of(sites, "CCCrypt").empty());
  CHECK(of(sites, "svc").size() == 1);  // the syscall needs no stub
  CHECK(d.has("elf.calls"));
}

TEST_CASE("elf calls: bad table entry sizes and a section table past the end are diagnosed") {
  {
    Buf b = fixture(kCalls);
    ElfEdit e(b);
    e.put(58, 2, 40);  // e_shentsize: segments take over
    Diagnostics d;
    check_calls_fixture(elf_arm64_calls(b, d, "x", fixture_callees()));
    CHECK(d.has("elf.calls"));
  }
  {
    Buf b = fixture(kCalls);
    ElfEdit e(b);
    e.put(e.shoff_at(), 8, b.size() - 64);
    Diagnostics d;
    check_calls_fixture(elf_arm64_calls(b, d, "x", fixture_callees()));
    CHECK(d.has("elf.calls"));
  }
}

TEST_CASE("elf calls: truncated and mutated fixtures never throw or crash") {
  std::size_t runs = 0;
  for (const char* path : {kCalls, kCallsNoSections, kAcmeArm64}) {
    const Buf base = fixture(path);
    for (std::size_t n = 0; n < base.size(); n += 64) {
      const Buf cut(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n));
      Diagnostics d;
      CHECK_NOTHROW(elf_arm64_calls(cut, d, "cut", {}));
      ++runs;
    }
    std::mt19937 rng(20240229);
    for (int i = 0; i < 1500; ++i) {
      Buf b = base;
      // Half the mutations hit the headers and tables at the front, the rest anywhere.
      const std::size_t region = i % 2 ? std::min<std::size_t>(b.size(), 0x500) : b.size();
      b[rng() % region] = static_cast<std::uint8_t>(rng());
      Diagnostics d;
      std::vector<Arm64CallSite> sites;
      CHECK_NOTHROW(sites = elf_arm64_calls(b, d, "mut", {}));
      CHECK(sites.size() <= Arm64CallOptions{}.max_sites);
      ++runs;
    }
  }
  CHECK(runs > 4500);
}

}  // namespace
}  // namespace sdkscope::native
