// `signatures ...` and the signature directory lookup shared by every command.
#include "scanner/checks/catalogue.hpp"
#include "scanner/cli/commands.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/cli/exit_codes.hpp"
#include "scanner/cli/scan_session.hpp"
#include "scanner/match/exodus_import.hpp"

namespace sdkscope::cli {

namespace {

struct ExodusCoverage {
  std::size_t total = 0, mapped = 0, explained = 0;
};

// signatures/exodus_map.json: every Exodus tracker mapped to existing records or explained.
std::optional<ExodusCoverage> exodus_coverage(const std::string& dir, const SignatureDb& db) {
  std::ifstream in(std::filesystem::path(dir) / "exodus_map.json");
  if (!in) return std::nullopt;
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("trackers")) return std::nullopt;
  ExodusCoverage c;
  for (const auto& [id, t] : j["trackers"].items()) {
    ++c.total;
    bool mapped = false;
    for (const auto& sdk : t.value("sdks", nlohmann::json::array()))
      if (sdk.is_string() && db.find_sdk(sdk.get<std::string>())) mapped = true;
    if (mapped) ++c.mapped;
    else if (!t.value("reason", std::string()).empty()) ++c.explained;
  }
  return c;
}

}  // namespace

std::string resolve_signatures_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("SDKSCOPE_SIGNATURES"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::is_directory(SDKSCOPE_DEFAULT_SIGNATURES, ec)) return SDKSCOPE_DEFAULT_SIGNATURES;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto share = exe.parent_path().parent_path() / "share" / "sdkscope" / "signatures";
    if (std::filesystem::is_directory(share, ec)) return share.string();
  }
  return SDKSCOPE_DEFAULT_SIGNATURES;
}

int run_signatures(const SignaturesArgs& args) {
  CommonArgs common = args.common;
  if (args.action == "validate" && !args.id.empty()) common.signatures_dir = args.id;
  auto db = load_db(common);
  if (!db) return kExitError;
  if (args.action == "import-exodus") {
    std::ifstream in(args.id);
    auto exodus = nlohmann::json::parse(in, nullptr, false);
    if (!in.good() && exodus.is_discarded()) {
      std::fprintf(stderr, "sdkscope: cannot read Exodus export %s\n", args.id.c_str());
      return kExitError;
    }
    if (exodus.is_discarded()) {
      std::fprintf(stderr, "sdkscope: %s is not JSON\n", args.id.c_str());
      return kExitError;
    }
    auto imported = import_exodus(exodus, *db);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(args.output) / "sdks", ec);
    bool ok = !ec && write_output((std::filesystem::path(args.output) / "vendors.json").string(), imported.vendors.dump(1) + "\n") &&
              write_output((std::filesystem::path(args.output) / "sdks" / "exodus.json").string(), imported.sdks.dump(1) + "\n");
    if (!ok) {
      std::fprintf(stderr, "sdkscope: cannot write %s\n", args.output.c_str());
      return kExitError;
    }
    std::printf("imported %zu of %zu trackers into %s (load with --extra-signatures %s)\n", imported.imported,
                imported.trackers, args.output.c_str(), args.output.c_str());
    for (const auto& s : imported.skipped) std::printf("  skipped %s\n", s.c_str());
    // What was written must load beside our database: check it the way a scan will.
    std::vector<std::string> errors;
    if (!db->add_directory(args.output, errors)) {
      std::fprintf(stderr, "sdkscope: the imported records do not validate: %s\n", errors.front().c_str());
      return kExitError;
    }
    return kExitOk;
  }
  if (args.action == "validate") {
    // The check catalogue beside the records: invalid is an error, absent only turns checks off.
    std::size_t checks = 0;
    auto checks_file = db->dir() / "checks.json";
    std::error_code ec;
    if (std::filesystem::exists(checks_file, ec)) {
      std::vector<std::string> errors;
      auto cat = checks::Catalogue::load(checks_file, errors);
      if (!cat) {
        std::fprintf(stderr, "sdkscope: invalid check catalogue: %s\n", errors.empty() ? "?" : errors.front().c_str());
        for (std::size_t i = 1; i < errors.size() && i < 20; ++i) std::fprintf(stderr, "  %s\n", errors[i].c_str());
        return kExitError;
      }
      checks = cat->checks().size();
    }
    std::printf("ok: %zu SDK records, %zu vendors, %zu permissions, %zu checks (database %s)\n", db->sdks().size(),
                db->vendors().size(), db->permission_count(), checks, std::string(db->version()).c_str());
    return kExitOk;
  }
  if (args.action == "list") {
    for (const auto& s : db->sdks()) {
      const VendorRecord* v = db->find_vendor(s.vendor);
      std::printf("%-40s %-44s %-28s %s\n", s.id.c_str(), s.name.c_str(), v ? v->name.c_str() : s.vendor.c_str(),
                  v ? v->country.c_str() : "");
    }
    return kExitOk;
  }
  if (args.action == "show") {
    const SdkRecord* s = db->find_sdk(args.id);
    if (!s) {
      std::fprintf(stderr, "sdkscope: no SDK record '%s'\n", args.id.c_str());
      return kExitError;
    }
    const VendorRecord* v = db->find_vendor(s->vendor);
    auto list = [](const std::vector<std::string>& xs) {
      std::string out;
      for (const auto& x : xs) out += (out.empty() ? "" : ", ") + x;
      return out;
    };
    std::printf("id:          %s\nname:        %s\nvendor:      %s (%s)\ncategories:  %s\n", s->id.c_str(), s->name.c_str(),
                v ? v->name.c_str() : s->vendor.c_str(), v ? v->country.c_str() : "", list(s->categories).c_str());
    if (!s->part_of.empty()) std::printf("part of:     %s\n", s->part_of.c_str());
    if (!s->android.packages.empty()) std::printf("packages:    %s\n", list(s->android.packages).c_str());
    if (!s->android.classes.empty()) std::printf("classes:     %s\n", list(s->android.classes).c_str());
    if (!s->android.native_libs.empty()) std::printf("native libs: %s\n", list(s->android.native_libs).c_str());
    if (!s->android.components.empty()) std::printf("components:  %s\n", list(s->android.components).c_str());
    if (!s->ios.frameworks.empty()) std::printf("frameworks:  %s\n", list(s->ios.frameworks).c_str());
    if (!s->ios.class_prefixes.empty()) std::printf("objc prefix: %s\n", list(s->ios.class_prefixes).c_str());
    if (!s->domains.empty()) std::printf("domains:     %s\n", list(s->domains).c_str());
    std::printf("sources:     %s\nfile:        %s\n", list(s->sources).c_str(), s->file.c_str());
    return kExitOk;
  }
  if (args.action == "stats") {
    std::size_t android = 0, ios = 0, collects = 0, versions = 0;
    std::map<std::string, std::size_t> by_country;
    for (const auto& s : db->sdks()) {
      android += !s.android.empty();
      ios += !s.ios.empty();
      collects += !s.collects.empty();
      versions += !s.versions.empty();
      const VendorRecord* v = db->find_vendor(s.vendor);
      ++by_country[v ? v->country : "?"];
    }
    std::printf("database version   %s\n", std::string(db->version()).c_str());
    std::printf("SDK records        %zu\n", db->sdks().size());
    std::printf("  with Android     %zu\n", android);
    std::printf("  with iOS         %zu\n", ios);
    std::printf("  from CN vendors  %zu\n", by_country["CN"]);
    std::printf("  with collects    %zu\n", collects);
    std::printf("  with versions    %zu\n", versions);
    std::printf("vendors            %zu\n", db->vendors().size());
    std::printf("owned domains      %zu\n", db->owned_domain_count());
    std::printf("permissions        %zu\n", db->permission_count());
    std::string dir = resolve_signatures_dir(common.signatures_dir);
    if (auto cov = exodus_coverage(dir, *db)) {
      std::printf("Exodus trackers    %zu: %zu mapped, %zu explained, %zu neither (%.1f%% covered)\n", cov->total, cov->mapped,
                  cov->explained, cov->total - cov->mapped - cov->explained,
                  cov->total ? 100.0 * static_cast<double>(cov->mapped + cov->explained) / static_cast<double>(cov->total) : 0.0);
    }
    std::printf("SDKs by vendor country:\n");
    for (const auto& [c, n] : by_country) std::printf("  %-4s %zu\n", c.c_str(), n);
    return kExitOk;
  }
  return kExitError;
}

}  // namespace sdkscope::cli
