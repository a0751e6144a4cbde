// The signature database loader. SignatureDb only loads directories (there is no load-from-string
// API), so each input is written as a small signature tree in a private tmpfs directory and
// loaded from there. The input is split at NUL bytes into up to four files:
//   sdks/fuzz.json \0 vendors.json \0 domains/fuzz.json \0 permissions/android.json
// (absent parts are absent files); db.json is fixed. A database that loads is then queried.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "scanner/match/signature_db.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& root() {
  static const fs::path dir = [] {
    fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("sdkscope-fuzz-sigdb-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d / "sdks");
    fs::create_directories(d / "domains");
    fs::create_directories(d / "permissions");
    std::ofstream(d / "db.json") << R"({"schema": 1, "version": "fuzz"})";
    std::atexit([] { std::error_code ec; fs::remove_all(root(), ec); });
    return d;
  }();
  return dir;
}

void put(const fs::path& p, std::string_view text, bool present) {
  std::error_code ec;
  if (!present) {
    fs::remove(p, ec);
    return;
  }
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 3) {
    const std::size_t nul = in.find('\0', start);
    if (nul == std::string_view::npos) break;
    parts.push_back(in.substr(start, nul - start));
    start = nul + 1;
  }
  parts.push_back(in.substr(std::min(start, in.size())));
  const fs::path& d = root();
  const char* files[] = {"sdks/fuzz.json", "vendors.json", "domains/fuzz.json", "permissions/android.json"};
  for (std::size_t i = 0; i < 4; ++i) put(d / files[i], i < parts.size() ? parts[i] : "", i < parts.size());

  std::vector<std::string> errors;
  auto db = SignatureDb::load(d, errors);
  if (!db) {
    SDKSCOPE_FUZZ_CHECK(!errors.empty());
    return 0;
  }
  for (const auto& s : db->sdks()) {
    SDKSCOPE_FUZZ_CHECK(db->find_sdk(s.id) == &s);
    for (const auto& p : s.android.packages) (void)db->match_class(p + ".Fuzz");
    for (const auto& dom : s.domains) (void)db->match_domain("api." + dom);
  }
  (void)db->match_class("com.google.android.gms.ads.AdView");
  (void)db->match_name(EvidenceKind::NativeLib, "libBugly.so");
  (void)db->match_name(EvidenceKind::ObjcClass, "GADBannerView");
  (void)db->match_version_string("sdk version 1.2.3", "com.tencent.bugly.Bugly");
  (void)db->match_version_native_lib("libflutter.so");
  (void)db->version_file_rules("META-INF/com.google.android.gms_play-services-ads.version");
  (void)db->domain_owner("api.example.com");
  return 0;
}
