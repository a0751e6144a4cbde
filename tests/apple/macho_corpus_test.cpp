// parse_macho on the shared corpus (skipped when ../shared/corpus is absent): the main
// executables of the iOS bundles (unzipped into a temp dir) and the RangersAppLog fat static
// libraries. Prints one table row per file.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "apple/macho_test_util.hpp"
#include "support/zip_builder.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

bool any_contains(const Strings& v, const std::string& part) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

/// True when `literal` sits NUL-terminated somewhere in the raw bytes.
bool raw_has_literal(const Buf& b, const std::string& literal) {
  std::string needle = literal;
  needle.push_back('\0');
  return std::search(b.begin(), b.end(), needle.begin(), needle.end()) != b.end();
}

/// Unzips `archive` and returns the main executable of its .app: Payload/X.app/X (IPA) or X.app/X.
std::optional<fs::path> main_executable(const fs::path& archive) {
  const fs::path dir = test::temp_dir("macho_corpus_" + archive.stem().string());
  int rc = 0;
  test::run("unzip -qq -o '" + archive.string() + "' -d '" + dir.string() + "' 2>/dev/null", &rc);
  if (rc != 0) return std::nullopt;
  for (const fs::path& root : {dir / "Payload", dir}) {
    if (!fs::is_directory(root)) continue;
    for (const auto& e : fs::directory_iterator(root))
      if (e.path().extension() == ".app" && fs::is_regular_file(e.path() / e.path().stem())) return e.path() / e.path().stem();
  }
  return std::nullopt;
}

std::string join(const Strings& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

struct Row {
  std::string file;
  MachoInfo info;
};

std::string table(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "file | archs | kind | classes | swift types | strings | encrypted | linked dylibs\n";
  for (const auto& r : rows)
    out << r.file << " | " << join(r.info.archs) << " | " << r.info.kind << " | " << r.info.objc_classes.size() << " | "
        << r.info.swift_types.size() << " | " << r.info.strings.size() << " | " << (r.info.encrypted ? "yes" : "no")
        << " | " << r.info.linked_dylibs.size() << "\n";
  return out.str();
}

/// What each corpus file must show. Probes: literals that, when present NUL-terminated in the
/// raw file, must be among the strings.
struct Expect {
  std::string file;
  Strings archs;
  Strings classes;
  Strings probes;
};

TEST_CASE("macho corpus: iOS app executables and vendor static libraries") {
  const auto corpus = test::corpus_dir();
  if (!corpus || !fs::is_directory(*corpus / "ios")) {
    MESSAGE("corpus not present; skipped");
    return;
  }
  int rc = 0;
  test::run("command -v unzip >/dev/null", &rc);
  if (rc != 0) {
    MESSAGE("unzip not installed; skipped");
    return;
  }
  const std::vector<Expect> apps = {
      {"dhtoolkit.ipa",
       {"armv7"},
       // Parse bundles its copy of the Facebook SDK renamed: PF_FBDialog, not FBDialog.
       {"PFObject", "PFQuery", "PFUser", "PF_FBDialog", "PF_FBLoginDialog", "PF_FBRequest"},
       {"https://api.parse.com", "https://graph.facebook.com/"}},
      {"zhangwo.ipa",
       {"arm64"},
       {"WXApi", "WXMediaMessage", "WXApiNSStringURLArgumentsAdditions"},
       {"https://open.weixin.qq.com/connect/mobilecheck?appid=%@&uid=%llu"}},
      {"uncrackable-level1.ipa",
       {"armv7", "arm64"},
       {"AppDelegate", "ViewController"},
       // A crackme: its jailbreak checks build their paths at run time; none is in the file as
       // a literal (strings(1) finds none either). The probes prove we would report them.
       {"Verification Failed.", "/Applications/Cydia.app", "/bin/bash", "/usr/sbin/sshd", "/etc/apt"}},
      {"baoshui.ipa", {"arm64"}, {"_TtC3App11AppDelegate"}, {}},
      {"mobsf-helloworld.ipa", {"armv7"}, {"AppDelegate", "ViewController"}, {}},
      {"TestApp.app.zip", {"i386"}, {"TA2AppDelegate", "GestureTestViewController"}, {}},
  };
  std::vector<Row> rows;
  for (const auto& e : apps) {
    INFO(e.file);
    const auto exe = main_executable(*corpus / "ios" / e.file);
    REQUIRE(exe);
    const Buf bytes = test::read_file(*exe);
    CHECK(looks_like_macho(bytes));
    Diagnostics diags;
    auto r = parse_macho(bytes, diags, e.file);
    REQUIRE(r.ok);
    for (const auto& d : diags.items()) {
      const std::string what = d.code + ": " + d.message;
      CHECK_MESSAGE(d.severity == Severity::info, what);
    }
    CHECK(r.info.kind == "execute");
    CHECK(r.info.archs == e.archs);
    for (const auto& c : e.classes) {
      const bool found = contains(r.info.objc_classes, c) || contains(r.info.objc_categories, "?(" + c + ")");
      CHECK_MESSAGE(found, c);
    }
    for (const auto& p : e.probes)
      if (raw_has_literal(bytes, p) || p.rfind("https://", 0) == 0) CHECK_MESSAGE(any_contains(r.info.strings, p), p);
    // None of these was App Store encrypted: every LC_ENCRYPTION_INFO says cryptid 0.
    CHECK_FALSE(r.info.encrypted);
    CHECK(r.info.encrypted_archs.empty());
    CHECK_FALSE(diags.has("macho.encrypted"));
    CHECK(r.info.platform.find("ios") == 0);
    CHECK_FALSE(r.info.linked_dylibs.empty());
    rows.push_back({e.file, r.info});

    if (e.file == "zhangwo.ipa") {
      CHECK(contains(r.info.linked_dylibs, "@rpath/Alamofire.framework/Alamofire"));
      CHECK(contains(r.info.swift_types, "\xe6\x8e\x8c\xe6\x8f\xa1.AppDelegate"));  // __swift4_types, module 掌握
      CHECK_FALSE(contains(r.info.swift_modules, "__C"));
    }
    if (e.file == "baoshui.ipa") {  // iOS 15: chained fixups (DYLD_CHAINED_PTR_64_OFFSET)
      CHECK(r.info.swift_types == Strings{"App.AppDelegate", "App.ResourceBundleClass"});
      CHECK(contains(r.info.linked_dylibs, "@rpath/Capacitor.framework/Capacitor"));
    }
    if (e.file == "dhtoolkit.ipa" || e.file == "uncrackable-level1.ipa") CHECK_FALSE(r.info.entitlements.empty());
    if (e.file == "TestApp.app.zip") CHECK(r.info.platform == "iossimulator");
    // Selectors stay out of the strings (ld64 keeps __objc_methname apart).
    if (e.file == "uncrackable-level1.ipa") CHECK_FALSE(contains(r.info.strings, "viewDidLoad"));
  }

  const fs::path rangers = *corpus / "sdk-binaries" / "bytedance__RangersAppLog";
  const std::vector<Expect> libs = {
      {"libRangersAppLog_Host_CN.a", {"arm64", "armv7", "i386", "x86_64"}, {"BDAutoTrackURLHostItemCN"}, {"ctobsnssdk.com"}},
      {"libRangersAppLog_Unique.a", {"arm64", "armv7", "i386", "x86_64"}, {"BDAutoTrackIDFA", "BDAutoTrackUniqueIDHandler"}, {}},
  };
  for (const auto& e : libs) {
    INFO(e.file);
    const Buf bytes = test::read_file(rangers / e.file);
    Diagnostics diags;
    auto r = parse_macho(bytes, diags, e.file);
    REQUIRE(r.ok);
    CHECK(diags.empty());
    CHECK(r.info.kind == "archive");
    CHECK(r.info.archs == e.archs);
    CHECK(r.info.archive_members > 0);
    CHECK(r.info.objc_classes == e.classes);
    for (const auto& p : e.probes) CHECK(contains(r.info.strings, p));
    // RangersAppLogConfig is defined in the core library; these subspecs only reference it.
    CHECK(contains(r.info.imported_symbols, "_OBJC_CLASS_$_RangersAppLogConfig"));
    CHECK_FALSE(contains(r.info.objc_classes, "RangersAppLogConfig"));
    rows.push_back({e.file, r.info});
  }
  CHECK(contains(rows.back().info.imported_symbols, "_OBJC_CLASS_$_ASIdentifierManager"));  // the IDFA subspec
  MESSAGE(table(rows));
}

}  // namespace
}  // namespace sdkscope::apple
