// Fixture copies patched into what the toolchain does not emit: a FairPlay-encrypted slice
// (cryptid = 1), a code signature with an entitlements blob, the other load-dylib kinds.
#include <doctest/doctest.h>

#include "apple/macho_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

constexpr std::uint32_t kLcEncryptionInfo64 = 0x2c;
constexpr std::uint32_t kLcLoadDylib = 0xc;

Buf encrypted(Buf b) {
  const Command enc = command(b, kLcEncryptionInfo64);
  put_le(b, enc.offset + 16, 4, 1);  // cryptid
  return b;
}

TEST_CASE("macho encryption: an encrypted slice still yields load commands and symbols, never its strings") {
  const Buf plain = fixture(kAppArm64);
  Diagnostics plain_diags;
  const auto before = parse(plain, plain_diags).info;

  Diagnostics diags;
  auto r = parse(encrypted(plain), diags);
  REQUIRE(r.ok);
  CHECK(r.info.encrypted);
  CHECK(r.info.encrypted_archs == Strings{"arm64"});
  REQUIRE(diags.size() == 1);
  const Diagnostic& d = diags.items()[0];
  CHECK(d.code == "macho.encrypted");
  CHECK(d.severity == Severity::warning);
  CHECK(d.where == "test");
  for (const char* part : {"load commands", "linked frameworks", "symbols", "ObjC", "Swift", "strings", "16384..32768"})
    CHECK_MESSAGE(d.message.find(part) != std::string::npos, part);
  // What lives outside the encrypted range is unchanged...
  CHECK(r.info.linked_dylibs == before.linked_dylibs);
  CHECK(r.info.rpaths == before.rpaths);
  CHECK(r.info.imported_symbols == before.imported_symbols);
  CHECK(r.info.exported_symbols == before.exported_symbols);
  CHECK(r.info.objc_classes == before.objc_classes);  // from _OBJC_CLASS_$_ symbols
  CHECK(r.info.platform == "ios");
  // ...while every literal sits in __TEXT pages FairPlay would have scrambled.
  CHECK(r.info.strings.empty());
}

TEST_CASE("macho encryption: metadata names in the encrypted range are not read") {
  Buf b = encrypted(fixture(kAppArm64));
  put_le(b, command(b, 0x2).offset + 12, 4, 0);  // no symbols either: only metadata could name classes
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(r.info.objc_classes.empty());
  CHECK(r.info.objc_categories.empty());
  CHECK(diags.has("macho.encrypted"));
  CHECK_FALSE(diags.has("macho.objc_unresolved"));  // the encryption diagnostic already says why
}

TEST_CASE("macho encryption: one encrypted slice of a universal binary") {
  Buf b = fixture(kAppUniversal);
  // Find the arm64 slice (fat_arch entries are big-endian) and patch its cryptid.
  std::size_t arm64_off = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::size_t at = 8 + 20 * i;
    const std::uint32_t cpu = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    if (cpu == 0x0100000c) arm64_off = (b[at + 8] << 24) | (b[at + 9] << 16) | (b[at + 10] << 8) | b[at + 11];
  }
  REQUIRE(arm64_off != 0);
  Buf slice(b.begin() + static_cast<std::ptrdiff_t>(arm64_off), b.end());
  const Command enc = command(slice, kLcEncryptionInfo64);
  put_le(b, arm64_off + enc.offset + 16, 4, 1);
  Diagnostics diags;
  auto r = parse(b, diags, "App");
  REQUIRE(r.ok);
  CHECK(r.info.encrypted);
  CHECK(r.info.encrypted_archs == Strings{"arm64"});
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].where == "App[arm64]");
  CHECK(contains(r.info.strings, "https://api.sdkscope-demo.net/ios/v1"));  // from the x86_64 slice
}

const std::string kEntitlements =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
    "<key>application-identifier</key><string>ABCDE12345.net.sdkscope.demo</string>"
    "<key>get-task-allow</key><true/></dict></plist>\n";

TEST_CASE("macho signature: entitlements from the code signature SuperBlob") {
  Diagnostics diags;
  auto r = parse(with_signature(fixture(kAppArm64), super_blob(kEntitlements)), diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  CHECK(r.info.entitlements == kEntitlements);
  CHECK(r.info.objc_classes.size() == 3);  // the rest is unaffected
}

TEST_CASE("macho signature: malformed SuperBlobs give a diagnostic and no entitlements") {
  struct Case {
    const char* label;
    std::size_t at;
    std::uint32_t value;
  };
  const Buf good = super_blob(kEntitlements);
  const std::size_t ent_index = 12 + 8;  // second BlobIndex
  const std::size_t ent_blob = 12 + 16 + 12;  // after the index and the 12-byte CodeDirectory stub
  for (const Case& c : {Case{"bad SuperBlob magic", 0, 0xfade0c00}, Case{"absurd blob count", 8, 100000},
                        Case{"blob offset past the end", ent_index + 4, 0x10000},
                        Case{"entitlements length past the end", ent_blob + 4, 0x10000}}) {
    INFO(c.label);
    Buf blob = good;
    put_be(blob, c.at, 4, c.value);
    Diagnostics diags;
    auto r = parse(with_signature(fixture(kAppArm64), blob), diags);
    REQUIRE(r.ok);
    CHECK(r.info.entitlements.empty());
    CHECK(diags.has("macho.parse_error"));
    CHECK(r.info.objc_classes.size() == 3);
  }
  // A signature range past the end of the file is a bad load command, not a crash.
  Buf b = fixture(kAppArm64);
  put_le(b, command(b, 0x1d).offset + 12, 4, 0x7fffffff);
  Diagnostics diags;
  auto r = parse(b, diags);
  CHECK(r.ok);
  CHECK(diags.has("macho.bad_load_command"));
  CHECK(r.info.entitlements.empty());
}

TEST_CASE("macho load commands: every load-dylib kind counts, anything else does not") {
  Buf b = fixture(kAppArm64);
  // libSystem, libobjc, Foundation, DemoAnalytics (LC_LOAD_DYLIB) and DemoAds (weak).
  put_le(b, command(b, kLcLoadDylib, 1).offset, 4, 0x80000023);  // libobjc: LC_LOAD_UPWARD_DYLIB
  put_le(b, command(b, kLcLoadDylib, 1).offset, 4, 0x20);        // Foundation: LC_LAZY_LOAD_DYLIB
  put_le(b, command(b, kLcLoadDylib, 1).offset, 4, 0x8000001f);  // DemoAnalytics: LC_REEXPORT_DYLIB
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(r.info.linked_dylibs == Strings{"/usr/lib/libSystem.B.dylib", "/usr/lib/libobjc.A.dylib",
                                        "/System/Library/Frameworks/Foundation.framework/Foundation",
                                        "@rpath/DemoAnalytics.framework/DemoAnalytics", "@rpath/DemoAds.framework/DemoAds"});
  put_le(b, command(b, kLcLoadDylib, 0).offset, 4, 0x7777);  // libSystem: an unknown command
  Diagnostics diags2;
  r = parse(b, diags2);
  CHECK(r.info.linked_dylibs.size() == 4);
  CHECK_FALSE(contains(r.info.linked_dylibs, "/usr/lib/libSystem.B.dylib"));
  CHECK(diags2.empty());
}

}  // namespace
}  // namespace sdkscope::apple
