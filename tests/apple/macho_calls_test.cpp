// Call sites in arm64 Mach-O code (scanner/apple/macho_calls.hpp) on the fixtures built from
// testdata/macho/src/calls.c: a universal dylib (arm64 + x86_64 simulator) and the arm64 object,
// plus the demo app's ptrace(PT_DENY_ATTACH) and patched copies.
#include <doctest/doctest.h>

#include <random>

#include "apple/macho_test_util.hpp"
#include "scanner/apple/macho_calls.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using native::Arm64CallOptions;
using native::Arm64CallSite;

constexpr const char* kCallsDylib = "calls/libcalls.dylib";
constexpr const char* kCallsObject = "calls/calls-arm64.o";

/// A slice of a fat file by CPU type, read from the big-endian fat_arch table (mach-o/fat.h).
Buf slice(const Buf& fat, std::uint32_t cputype) {
  auto be = [&](std::size_t off) {
    return (std::uint32_t{fat.at(off)} << 24) | (std::uint32_t{fat.at(off + 1)} << 16) |
           (std::uint32_t{fat.at(off + 2)} << 8) | fat.at(off + 3);
  };
  REQUIRE(be(0) == 0xcafebabe);
  for (std::uint32_t i = 0; i < be(4); ++i) {
    const std::size_t at = 8 + 20 * i;
    if (be(at) == cputype)
      return Buf(fat.begin() + be(at + 8), fat.begin() + be(at + 8) + be(at + 12));
  }
  throw std::runtime_error("no such slice");
}
constexpr std::uint32_t kArm64 = 0x0100000c, kX86_64 = 0x01000007;

/// File offset of the section_64 header named `sectname` in a little-endian 64-bit image.
std::size_t section_header(const Buf& b, const std::string& sectname) {
  for (const auto& c : commands(b)) {
    if (c.cmd != 0x19) continue;
    for (std::size_t i = 0; i < get_le(b, c.offset + 64, 4); ++i) {
      const std::size_t at = c.offset + 72 + 80 * i;
      std::string name(reinterpret_cast<const char*>(&b[at]), 16);
      if (name.substr(0, name.find('\0')) == sectname) return at;
    }
  }
  throw std::runtime_error("no section " + sectname);
}

Arm64CallOptions fixture_callees() {
  Arm64CallOptions o;
  o.callees = {"_CCCrypt", "_CCCryptorCreate", "_CCCryptorCreateWithMode", "_ptrace", "_sysctl", "_dlopen", "_dlsym"};
  return o;
}

std::vector<Arm64CallSite> of(const std::vector<Arm64CallSite>& sites, const std::string& callee) {
  std::vector<Arm64CallSite> out;
  for (const auto& s : sites)
    if (s.callee == callee) out.push_back(s);
  return out;
}

/// What calls.c says about each call, whatever the image kind.
void check_calls_fixture(const std::vector<Arm64CallSite>& sites) {
  CHECK(sites.size() == 12);
  const auto crypt = of(sites, "_CCCrypt");
  REQUIRE(crypt.size() == 4);
  CHECK(crypt[0].args[0] == 0u);  // kCCEncrypt
  CHECK(crypt[0].args[1] == 2u);  // kCCAlgorithm3DES
  REQUIRE(crypt[0].args[2]);
  CHECK((*crypt[0].args[2] & 2u) != 0);  // kCCOptionECBMode
  CHECK(crypt[0].args[2] == 3u);
  CHECK(crypt[0].args[4] == 24u);
  CHECK(crypt[1].args[1] == 0u);  // kCCAlgorithmAES
  CHECK(crypt[1].args[2] == 1u);  // PKCS#7 only: CBC
  CHECK_FALSE(crypt[2].args[1]);  // a parameter
  CHECK_FALSE(crypt[3].args[1]);  // cset: either DES or AES
  CHECK(crypt[3].args[2] == 0u);

  const auto mode = of(sites, "_CCCryptorCreateWithMode");
  REQUIRE(mode.size() == 1);
  CHECK(mode[0].args[1] == 1u);  // kCCModeECB
  CHECK(mode[0].args[2] == 0u);  // kCCAlgorithmAES
  CHECK(mode[0].args[6] == 16u);

  const auto create = of(sites, "_CCCryptorCreate");
  REQUIRE(create.size() == 2);
  CHECK(create[0].args[1] == 4u);  // kCCAlgorithmRC4
  CHECK(create[1].args[0] == 1u);  // kCCDecrypt
  CHECK(create[1].args[1] == 1u);  // kCCAlgorithmDES
  CHECK(create[1].args[2] == 2u);  // kCCOptionECBMode

  const auto ptrace = of(sites, "_ptrace");
  REQUIRE(ptrace.size() == 1);
  CHECK(ptrace[0].args[0] == 31u);  // PT_DENY_ATTACH
  CHECK(ptrace[0].tail_call);

  const auto svc = of(sites, "svc");
  REQUIRE(svc.size() == 1);
  CHECK(svc[0].svc_imm == 0x80u);
  CHECK(svc[0].syscall_number == 26u);  // SYS_ptrace
  CHECK(svc[0].args[0] == 31u);

  const auto sysctl = of(sites, "_sysctl");
  REQUIRE(sysctl.size() == 1);
  CHECK_FALSE(sysctl[0].args[0]);  // the MIB array on the stack
  CHECK(sysctl[0].args[1] == 4u);

  REQUIRE(of(sites, "_dlopen").size() == 1);
  CHECK(of(sites, "_dlopen")[0].args[1] == 2u);  // RTLD_NOW
  REQUIRE(of(sites, "_dlsym").size() == 1);
  CHECK(of(sites, "_dlsym")[0].tail_call);
  CHECK(std::is_sorted(sites.begin(), sites.end(), [](const auto& a, const auto& b) { return a.address < b.address; }));
}

TEST_CASE("macho calls: the universal dylib, its arm64 slice alone") {
  const Buf fat = fixture(kCallsDylib);
  Diagnostics d;
  const auto sites = macho_arm64_calls(fat, d, "libcalls.dylib", fixture_callees());
  CHECK(d.empty());
  check_calls_fixture(sites);

  const Buf thin = slice(fat, kArm64);
  Diagnostics d2;
  CHECK(macho_arm64_calls(thin, d2, "thin", fixture_callees()) == sites);
  CHECK(d2.empty());
  for (const auto& s : sites) {
    CHECK(s.address >= 0x4000);  // __text; __stubs (at its end) is not scanned
    CHECK(s.address < 0x42bc);
  }
}

TEST_CASE("macho calls: the object resolves BRANCH26 relocations") {
  Diagnostics d;
  const auto sites = macho_arm64_calls(fixture(kCallsObject), d, "calls.o", fixture_callees());
  CHECK(d.empty());
  check_calls_fixture(sites);
  // An empty callee set reports every undefined callee, the stack protector's too.
  Arm64CallOptions all;
  all.syscalls = false;
  const auto every = macho_arm64_calls(fixture(kCallsObject), d, "calls.o", all);
  CHECK(of(every, "___stack_chk_fail").size() == 1);
  CHECK(every.size() == 12);
}

TEST_CASE("macho calls: the demo app's ptrace(PT_DENY_ATTACH), thin and universal") {
  Arm64CallOptions o;
  o.callees = {"_ptrace"};
  for (const char* path : {kAppArm64, kAppUniversal}) {
    CAPTURE(path);
    Diagnostics d;
    const auto sites = macho_arm64_calls(fixture(path), d, path, o);
    CHECK(d.empty());
    REQUIRE(sites.size() == 1);
    CHECK(sites[0].args[0] == 31u);  // set at a branch target, after it: still known
    CHECK(sites[0].address == 0x100004084u);
  }
}

TEST_CASE("macho calls: other architectures, archives and non-Mach-O give nothing, silently") {
  const Buf fat = fixture(kCallsDylib);
  std::vector<Buf> inputs = {slice(fat, kX86_64), fixture(kObjArmv7), fixture(kLibArm64), fixture(kLibFat),
                             test::read_file(test::testdata("native/arm64-v8a/libcalls.so")), Buf{}, Buf{0xcf, 0xfa}};
  for (const Buf& b : inputs) {
    Diagnostics d;
    CHECK(macho_arm64_calls(b, d, "x", {}).empty());
    CHECK(d.empty());
  }
}

TEST_CASE("macho calls: arm64e __auth_stubs") {
  Buf b = slice(fixture(kCallsDylib), kArm64);
  const std::size_t at = section_header(b, "__stubs");
  const std::string auth = "__auth_stubs";
  std::copy(auth.begin(), auth.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
  put_le(b, 8, 4, 2);  // CPU_SUBTYPE_ARM64E
  Diagnostics d;
  check_calls_fixture(macho_arm64_calls(b, d, "arm64e", fixture_callees()));
  CHECK(d.empty());
}

TEST_CASE("macho calls: encrypted code is not scanned, and says so") {
  Buf b = fixture(kAppArm64);
  const Command enc = command(b, 0x2c);  // LC_ENCRYPTION_INFO_64
  put_le(b, enc.offset + 16, 4, 1);      // cryptid
  Diagnostics d;
  CHECK(macho_arm64_calls(b, d, "app", {}).empty());
  REQUIRE(d.has("macho.calls"));
  CHECK(d.items()[0].severity == Severity::info);
}

TEST_CASE("macho calls: broken stub tables are diagnosed, the rest is still read") {
  const Buf thin = slice(fixture(kCallsDylib), kArm64);
  {
    Buf b = thin;
    put_le(b, section_header(b, "__stubs") + 72, 4, 0);  // reserved2: stub size 0
    Diagnostics d;
    const auto sites = macho_arm64_calls(b, d, "x", fixture_callees());
    CHECK(d.has("macho.calls"));
    REQUIRE(sites.size() == 1);  // the svc needs no stub
    CHECK(sites[0].callee == "svc");
  }
  {
    Buf b = thin;
    put_le(b, section_header(b, "__stubs") + 68, 4, 0xFFFFFFF0u);  // reserved1 past the indirect table
    Diagnostics d;
    CHECK(macho_arm64_calls(b, d, "x", fixture_callees()).size() == 1);
    CHECK(d.has("macho.calls"));
  }
  {
    Buf b = thin;
    const Command dysymtab = command(b, 0xb);
    put_le(b, dysymtab.offset + 60, 4, 0x10000000u);  // nindirectsyms far past the end of the file
    Diagnostics d;
    check_calls_fixture(macho_arm64_calls(b, d, "x", fixture_callees()));
    CHECK(d.has("macho.calls"));
  }
  {
    Buf b = thin;
    const Command symtab = command(b, 0x2);
    put_le(b, symtab.offset + 12, 4, 0x10000000u);  // nsyms past the end: clipped, names still there
    Diagnostics d;
    check_calls_fixture(macho_arm64_calls(b, d, "x", fixture_callees()));
    CHECK(d.has("macho.calls"));
  }
}

TEST_CASE("macho calls: the site limit holds across slices and is a warning") {
  Arm64CallOptions o = fixture_callees();
  o.max_sites = 3;
  Diagnostics d;
  CHECK(macho_arm64_calls(fixture(kCallsDylib), d, "x", o).size() == 3);
  CHECK(d.has("macho.calls"));
}

TEST_CASE("macho calls: truncated and mutated fixtures never throw or crash") {
  const Buf thin = slice(fixture(kCallsDylib), kArm64);
  std::size_t runs = 0;
  for (const Buf& base : {thin, fixture(kCallsObject), fixture(kCallsDylib)}) {
    for (std::size_t n = 0; n < base.size(); n += 64) {
      const Buf cut(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n));
      Diagnostics d;
      CHECK_NOTHROW(macho_arm64_calls(cut, d, "cut", {}));
      ++runs;
    }
    // Where a byte matters: the header and load commands, the code and stubs, the symbol,
    // indirect and string tables (the dylib's slices are mostly page padding).
    std::vector<std::pair<std::size_t, std::size_t>> regions = {{0, std::min<std::size_t>(base.size(), 0x800)},
                                                                {0, base.size()}};
    if (base == thin) {
      const auto [text, text_size] = section_range(thin, "__text");
      regions.push_back({text, text_size + 0x100});
      const std::size_t symoff = get_le(thin, command(thin, 0x2).offset + 8, 4);
      regions.push_back({symoff, thin.size() - symoff});
    }
    std::mt19937 rng(20240229);
    for (int i = 0; i < 1200; ++i) {
      Buf b = base;
      const auto [from, size] = regions[static_cast<std::size_t>(i) % regions.size()];
      b[from + rng() % size] = static_cast<std::uint8_t>(rng());
      Diagnostics d;
      std::vector<Arm64CallSite> sites;
      CHECK_NOTHROW(sites = macho_arm64_calls(b, d, "mut", {}));
      CHECK(sites.size() <= Arm64CallOptions{}.max_sites);
      ++runs;
    }
  }
  CHECK(runs > 3600);
}

}  // namespace
}  // namespace sdkscope::apple
