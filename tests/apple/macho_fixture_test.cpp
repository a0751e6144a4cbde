// parse_macho on the generated fixtures (scripts/gen-macho-fixtures.sh): every field of
// MachoInfo, for a thin executable, a universal binary, a framework dylib, an object file, BSD
// and GNU static libraries and a fat static library.
#include <doctest/doctest.h>

#include "apple/macho_test_util.hpp"
#include "scanner/apple/ar_archive.hpp"
#include "support/zip_builder.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

const Strings kAppDylibs = {"/usr/lib/libSystem.B.dylib", "/usr/lib/libobjc.A.dylib",
                            "/System/Library/Frameworks/Foundation.framework/Foundation",
                            "@rpath/DemoAnalytics.framework/DemoAnalytics", "@rpath/DemoAds.framework/DemoAds"};
const Strings kAppClasses = {"BuglyDemoConfig", "DemoFeedViewController", "SDKSDemoAppDelegate"};
const Strings kAppCategories = {"BuglyDemoConfig(Reporting)", "NSObject(DemoTracking)"};
const Strings kAppImports = {"_DemoAdsLoad", "_DemoAnalyticsStart", "_OBJC_CLASS_$_NSObject",
                             "_OBJC_METACLASS_$_NSObject", "___CFConstantStringClassReference", "__objc_empty_cache",
                             "_ptrace", "dyld_stub_binder"};
const Strings kAppExports = {"_OBJC_CLASS_$_BuglyDemoConfig",
                             "_OBJC_CLASS_$_DemoFeedViewController",
                             "_OBJC_CLASS_$_SDKSDemoAppDelegate",
                             "_OBJC_IVAR_$_BuglyDemoConfig.level_",
                             "_OBJC_METACLASS_$_BuglyDemoConfig",
                             "_OBJC_METACLASS_$_DemoFeedViewController",
                             "_OBJC_METACLASS_$_SDKSDemoAppDelegate",
                             "__mh_execute_header",
                             "_demo_cf_url",
                             "_demo_cf_utf16",
                             "_kApiBase",
                             "_kJailbreakProbe",
                             "_main"};
const Strings kAppLiterals = {"https://crash.sdkscope-demo.net/report", "demo-app-key-0001",
                              "https://api.sdkscope-demo.net/ios/v1", "/Applications/Cydia.app",
                              "https://cf.sdkscope-demo.net/x", "https://cf16.sdkscope-demo.net/\xc3\xa9t\xc3\xa9"};

std::size_t index_of(const Strings& v, const std::string& s) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

void check_app_common(const MachoInfo& info) {
  CHECK(info.kind == "execute");
  CHECK(info.install_name.empty());
  CHECK(info.linked_dylibs == kAppDylibs);
  CHECK(info.rpaths == Strings{"@executable_path/Frameworks"});
  CHECK(info.objc_classes == kAppClasses);
  CHECK(info.objc_categories == kAppCategories);
  CHECK(info.swift_types.empty());
  CHECK(info.swift_modules.empty());
  CHECK(info.imported_symbols == kAppImports);
  CHECK(info.exported_symbols == kAppExports);
  for (const auto& s : kAppLiterals) CHECK_MESSAGE(contains(info.strings, s), s);
  // First-seen order: __cstring in section order, then the CFString-only (UTF-16) literal.
  CHECK(index_of(info.strings, "https://api.sdkscope-demo.net/ios/v1") < index_of(info.strings, "/Applications/Cydia.app"));
  CHECK(index_of(info.strings, kAppLiterals.back()) == info.strings.size() - 1);
  CHECK(unique(info.strings));
  for (const auto& s : info.strings) CHECK(s.size() >= 4);
  CHECK_FALSE(contains(info.strings, "x"));  // shorter than min_string_length
  CHECK_FALSE(info.encrypted);
  CHECK(info.encrypted_archs.empty());
  CHECK(info.entitlements.empty());  // lld's ad-hoc signature carries no entitlements
  CHECK(info.platform == "ios");
  CHECK(info.min_os == "14.0");
  CHECK(info.archive_members == 0);
  CHECK(info.linker_options.empty());
}

TEST_CASE("macho fixture: thin arm64 iOS executable") {
  const Buf b = fixture(kAppArm64);
  CHECK(looks_like_macho(b));
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  CHECK(r.info.archs == Strings{"arm64"});
  check_app_common(r.info);
}

TEST_CASE("macho fixture: universal x86_64 (simulator) + arm64 app, merged without double counting") {
  const Buf b = fixture(kAppUniversal);
  CHECK(looks_like_macho(b));
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  CHECK(r.info.archs == Strings{"x86_64", "arm64"});
  // The simulator slice comes first in the file; the device platform still wins.
  check_app_common(r.info);

  Diagnostics thin_diags;
  const auto thin = parse(fixture(kAppArm64), thin_diags);
  CHECK(r.info.strings.size() == thin.info.strings.size());
}

TEST_CASE("macho fixture: framework dylib with install name, re-export and LC_VERSION_MIN_IPHONEOS") {
  Diagnostics diags;
  auto r = parse(fixture(kKit), diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  const auto& info = r.info;
  CHECK(info.kind == "dylib");
  CHECK(info.archs == Strings{"arm64"});
  CHECK(info.install_name == "@rpath/DemoKit.framework/DemoKit");
  CHECK(info.linked_dylibs == Strings{"/usr/lib/libSystem.B.dylib", "/usr/lib/libobjc.A.dylib",
                                      "/System/Library/Frameworks/Foundation.framework/Foundation",
                                      "@rpath/DemoShared.framework/DemoShared"});
  CHECK(info.rpaths == Strings{"@loader_path/Frameworks"});
  CHECK(info.objc_classes == Strings{"DemoKitClient", "DemoKitSession"});
  CHECK(info.objc_categories.empty());
  CHECK(info.imported_symbols ==
        Strings{"_OBJC_CLASS_$_NSObject", "_OBJC_METACLASS_$_NSObject", "__objc_empty_cache", "dyld_stub_binder"});
  CHECK(info.exported_symbols == Strings{"_DemoKitVersion", "_OBJC_CLASS_$_DemoKitClient", "_OBJC_CLASS_$_DemoKitSession",
                                         "_OBJC_METACLASS_$_DemoKitClient", "_OBJC_METACLASS_$_DemoKitSession"});
  CHECK(contains(info.strings, "https://kit.sdkscope-demo.net/v2/events"));
  CHECK(info.platform == "ios");
  CHECK(info.min_os == "10.0");
  CHECK_FALSE(info.encrypted);
  CHECK(info.entitlements.empty());
  CHECK(info.archive_members == 0);
}

const Strings kTrackClasses = {"DemoTrackConfiguration", "DemoTrackCore"};
const Strings kTrackStrings = {"https://log.sdkscope-demo.net/collect", "https://cf.log.sdkscope-demo.net/cf",
                               "demo-track-app-id-42"};
const Strings kTrackImports = {"_OBJC_CLASS_$_NSObject", "_OBJC_METACLASS_$_NSObject",
                               "___CFConstantStringClassReference", "__objc_empty_cache", "_demo_link_hint"};
const Strings kTrackExports = {"_OBJC_CLASS_$_DemoTrackConfiguration", "_OBJC_CLASS_$_DemoTrackCore",
                               "_OBJC_METACLASS_$_DemoTrackConfiguration", "_OBJC_METACLASS_$_DemoTrackCore",
                               "_demo_track_app_id", "_demo_track_cf"};

void check_track_archive(const MachoInfo& info) {
  CHECK(info.kind == "archive");
  CHECK(info.objc_classes == kTrackClasses);
  CHECK(info.objc_categories == Strings{"NSObject(DemoTrackSwizzle)"});
  CHECK(info.strings == kTrackStrings);  // objects keep __objc_methname apart: no selectors here
  CHECK(info.imported_symbols == kTrackImports);
  CHECK(info.exported_symbols == kTrackExports);
  CHECK(info.linker_options == Strings{"-framework AdSupport", "-lz"});
  CHECK(info.linked_dylibs.empty());
  CHECK(info.rpaths.empty());
  CHECK(info.install_name.empty());
  CHECK(info.swift_types.empty());
  CHECK_FALSE(info.encrypted);
  CHECK(info.entitlements.empty());
}

TEST_CASE("macho fixture: BSD static libraries (arm64, armv7) and a GNU one (x86_64 simulator)") {
  struct Case {
    const char* path;
    const char* arch;
    const char* platform;
    const char* min_os;
  };
  for (const Case& c : {Case{kLibArm64, "arm64", "ios", "14.0"}, Case{kLibArmv7, "armv7", "ios", "9.0"},
                        Case{kLibGnu, "x86_64", "iossimulator", "14.0"}}) {
    INFO(c.path);
    const Buf b = fixture(c.path);
    CHECK(looks_like_macho(b));
    Diagnostics diags;
    auto r = parse(b, diags);
    REQUIRE(r.ok);
    CHECK(diags.empty());
    check_track_archive(r.info);
    CHECK(r.info.archs == Strings{c.arch});
    CHECK(r.info.archive_members == 2);
    CHECK(r.info.platform == c.platform);
    CHECK(r.info.min_os == c.min_os);

    // Member names: "#1/NN" (BSD) and "/N" into the "//" table (GNU); symbol tables skipped.
    Diagnostics ar_diags;
    auto members = list_ar_members(b, 100, ar_diags, "lib");
    CHECK(ar_diags.empty());
    REQUIRE(members.size() == 2);
    CHECK(members[0].name == "track_core.o");
    CHECK(members[1].name == "track_configuration.o");
    for (const auto& m : members) CHECK(b.at(m.offset + 1) == 0xfa);  // data starts at the Mach-O magic
  }
}

TEST_CASE("macho fixture: fat static library (armv7 + x86_64 + arm64 archives)") {
  Diagnostics diags;
  auto r = parse(fixture(kLibFat), diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  check_track_archive(r.info);
  CHECK(r.info.archs == Strings{"armv7", "x86_64", "arm64"});
  CHECK(r.info.archive_members == 6);  // two objects per slice, summed
  CHECK(r.info.platform == "ios");     // device over simulator, then the lowest minimum
  CHECK(r.info.min_os == "9.0");
}

TEST_CASE("macho fixture: 32-bit ARM object file") {
  Diagnostics diags;
  auto r = parse(fixture(kObjArmv7), diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  const auto& info = r.info;
  CHECK(info.kind == "object");
  CHECK(info.archs == Strings{"armv7"});
  CHECK(info.objc_classes == Strings{"DemoTrackCore"});
  CHECK(info.objc_categories == Strings{"NSObject(DemoTrackSwizzle)"});
  CHECK(info.strings == Strings{"https://log.sdkscope-demo.net/collect", "https://cf.log.sdkscope-demo.net/cf"});
  CHECK(info.exported_symbols == Strings{"_OBJC_CLASS_$_DemoTrackCore", "_OBJC_METACLASS_$_DemoTrackCore", "_demo_track_cf"});
  CHECK(contains(info.imported_symbols, "_demo_link_hint"));
  CHECK(info.linker_options == Strings{"-framework AdSupport", "-lz"});
  CHECK(info.platform == "ios");
  CHECK(info.min_os == "9.0");
  CHECK(info.archive_members == 0);
}

TEST_CASE("macho fixture: class names come from metadata when the symbol table is gone") {
  Buf b = fixture(kAppArm64);
  const Command symtab = command(b, 0x2);
  put_le(b, symtab.offset + 12, 4, 0);  // nsyms = 0: a stripped-bare binary
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  CHECK(r.info.objc_classes == kAppClasses);
  // The category on NSObject is bound by dyld (LC_DYLD_INFO), so its class is unnamed here.
  CHECK(r.info.objc_categories == Strings{"?(DemoTracking)", "BuglyDemoConfig(Reporting)"});
  CHECK(r.info.imported_symbols.empty());
  CHECK(r.info.exported_symbols.empty());
}

TEST_CASE("macho fixture: looks_like_macho") {
  for (const char* path : kAllFixtures) CHECK_MESSAGE(looks_like_macho(fixture(path)), path);
  CHECK_FALSE(looks_like_macho(Buf{}));
  CHECK_FALSE(looks_like_macho(Buf{0xcf, 0xfa, 0xed}));
  CHECK_FALSE(looks_like_macho(test::read_file(test::testdata("native/x86_64/libdemo.so"))));
  // A Java class file shares the fat magic; its "architecture count" is its version (52 here).
  CHECK_FALSE(looks_like_macho(Buf{0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34}));
  CHECK(looks_like_macho(Buf{0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x02}));
  CHECK(looks_like_macho(Buf{0xfe, 0xed, 0xfa, 0xce}));  // big-endian 32-bit
  CHECK(looks_like_macho(test::bytes_of("!<arch>\n")));
}

}  // namespace
}  // namespace sdkscope::apple
