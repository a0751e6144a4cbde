// The plist readers on the real iOS bundles of the shared corpus (IPAs and a zipped .app): every
// plist, privacy manifest and embedded.mobileprovision inside must read, and the app's Info.plist
// must name its bundle id and executable. Entries are read with unzip(1). Skips without the corpus.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "apple/plist_test_util.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// unzip treats * ? [ ] in member names as wildcards; a one-character class matches them literally.
std::string unzip_literal(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == ']')
      out += std::string("[") + c + "]";
    else
      out += c;
  }
  return out;
}

std::vector<std::string> entries(const fs::path& archive) {
  int rc = 0;
  std::istringstream list(test::run("unzip -Z1 " + shell_quote(archive.string()) + " 2>/dev/null", &rc));
  REQUIRE(rc == 0);
  std::vector<std::string> out;
  for (std::string line; std::getline(list, line);) out.push_back(line);
  return out;
}

Buf extract(const fs::path& archive, const std::string& entry) {
  int rc = 0;
  std::string data = test::run(
      "unzip -p " + shell_quote(archive.string()) + " " + shell_quote(unzip_literal(entry)) + " 2>/dev/null", &rc);
  REQUIRE(rc == 0);
  return to_buf(data);
}

/// "Payload/X.app/Info.plist" or "X.app/Info.plist" (a zipped .app).
bool is_app_info_plist(const std::string& e) {
  const auto parts = split(e, '/');
  if (parts.size() == 3 && parts[0] == "Payload") return ends_with(parts[1], ".app") && parts[2] == "Info.plist";
  return parts.size() == 2 && ends_with(parts[0], ".app") && parts[1] == "Info.plist";
}

bool is_bundle_info_plist(const std::string& e) {
  return ends_with(e, "/Info.plist") &&
         (e.find(".framework/") != std::string::npos || e.find(".appex/") != std::string::npos) &&
         e.find(".storyboardc/") == std::string::npos;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "-" : out;
}

std::string ats_summary(const AtsSettings& ats) {
  if (!ats.present) return "none";
  auto b = [](const std::optional<bool>& v) { return v ? (*v ? "true" : "false") : "unset"; };
  std::string s = std::string("ArbitraryLoads=") + b(ats.allows_arbitrary_loads) +
                  " ForMedia=" + b(ats.allows_arbitrary_loads_for_media) +
                  " InWebContent=" + b(ats.allows_arbitrary_loads_in_web_content) +
                  " LocalNetworking=" + b(ats.allows_local_networking);
  for (const auto& d : ats.exception_domains)
    s += " exception " + d.domain + "(insecureHTTP=" + b(d.allows_insecure_http_loads) +
         " subdomains=" + b(d.includes_subdomains) +
         (d.minimum_tls_version.empty() ? "" : " tls>=" + d.minimum_tls_version) + ")";
  return s;
}

TEST_CASE("plist corpus: Info.plist, privacy manifests and profiles of the iOS bundles") {
  const auto corpus = test::corpus_dir();
  if (!corpus || !fs::is_directory(*corpus / "ios")) {
    MESSAGE("shared corpus absent: skipped");
    return;
  }
  std::vector<fs::path> bundles;
  for (const auto& e : fs::directory_iterator(*corpus / "ios")) {
    const auto name = e.path().filename().string();
    if (ends_with(name, ".ipa") || ends_with(name, ".app.zip")) bundles.push_back(e.path());
  }
  std::sort(bundles.begin(), bundles.end());
  REQUIRE(bundles.size() >= 6);

  std::size_t plists = 0, profiles = 0, manifests = 0;
  for (const auto& bundle : bundles) {
    CAPTURE(bundle.filename().string());
    std::size_t apps = 0;
    for (const auto& e : entries(bundle)) {
      const bool plist = ends_with(e, ".plist"), manifest = ends_with(e, ".xcprivacy"),
                 profile = ends_with(e, "/embedded.mobileprovision");
      if (!plist && !manifest && !profile) continue;
      CAPTURE(e);
      const Buf bytes = extract(bundle, e);
      Diagnostics diags;
      if (profile) {
        auto p = parse_mobileprovision(bytes, diags, e);
        CHECK(diags.empty());
        REQUIRE(p.has_value());
        CHECK_FALSE(p->team_id.empty());
        CHECK_FALSE(p->uuid.empty());
        CHECK(p->expiration.size() == 20);  // "YYYY-MM-DDTHH:MM:SSZ"
        ++profiles;
        MESSAGE(bundle.filename().string()
                << " " << e << ": team " << p->team_id << " (" << p->team_name << "), name '" << p->name << "', app id "
                << p->app_id << " (bundle " << p->bundle_id << "), get-task-allow " << p->get_task_allow
                << ", all devices " << p->provisions_all_devices << ", devices " << p->provisioned_devices
                << ", expires " << p->expiration);
        continue;
      }
      auto j = parse_plist(bytes, diags, e);
      CHECK(diags.empty());
      REQUIRE(j.has_value());
      CHECK_NOTHROW((void)j->dump());
      ++plists;
      if (manifest) {
        const PrivacyManifest m = read_privacy_manifest(*j, diags, e);
        CHECK_FALSE(diags.has("plist.bad_type"));
        ++manifests;
        std::vector<std::string> apis;
        for (const auto& a : m.accessed_apis) apis.push_back(a.type + "[" + join(a.reasons) + "]");
        MESSAGE(bundle.filename().string()
                << " " << e << ": tracking " << std::string(m.tracking ? (*m.tracking ? "true" : "false") : "unset")
                << ", collected " << m.collected.size() << ", APIs " << join(apis));
      } else if (is_app_info_plist(e)) {
        const InfoPlist info = read_info_plist(*j, diags, e);
        CHECK(diags.empty());
        CHECK_FALSE(info.bundle_id.empty());
        CHECK_FALSE(info.executable.empty());
        CHECK(info.package_type == "APPL");
        ++apps;
        std::vector<std::string> usage;
        for (const auto& [k, v] : info.usage_descriptions) usage.push_back(k + "=\"" + v + "\"");
        MESSAGE(bundle.filename().string()
                << " " << e << ": " << info.bundle_id << " exe " << info.executable << " v" << info.short_version
                << " (" << info.version << ") min " << info.min_os << "; usage: " << join(usage)
                << "; ATS: " << ats_summary(info.ats) << "; url schemes: " << join(info.url_schemes)
                << "; queries: " << join(info.queries_schemes) << "; skadnetwork: " << info.skadnetwork_ids.size());
      } else if (is_bundle_info_plist(e)) {
        const InfoPlist info = read_info_plist(*j, diags, e);
        CHECK(diags.empty());
        CHECK_FALSE(info.bundle_id.empty());
        MESSAGE(bundle.filename().string()
                << " " << e << ": " << info.bundle_id << " " << info.package_type << " " << info.short_version);
      }
    }
    CHECK(apps == 1);
  }
  CHECK(plists > 10);
  CHECK(profiles >= 4);
  CHECK(manifests >= 2);
}

}  // namespace
}  // namespace sdkscope::apple
