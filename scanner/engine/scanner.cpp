// scan(): the pipeline as a list of named passes, each with the reason it is there.
#include "scanner/engine/scanner.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <LIEF/logging.hpp>
#include <fmt/format.h>

#include "scanner/analysis/data_flows.hpp"
#include "scanner/analysis/endpoint_report.hpp"
#include "scanner/analysis/permissions.hpp"
#include "scanner/checks/evaluate.hpp"
#include "scanner/engine/app_icon.hpp"
#include "scanner/engine/containers.hpp"
#include "scanner/engine/entry_tasks.hpp"
#include "scanner/engine/ios_scan.hpp"
#include "scanner/engine/scan_context.hpp"
#include "scanner/match/matcher.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

// 0 = no cap. Set by ScopedScanThreads on the thread that calls scan().
thread_local unsigned scan_thread_cap = 0;

// Streams the file through SHA-256; returns "" when it cannot be read.
std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(md, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, out, &len);
  EVP_MD_CTX_free(md);
  return to_hex(Bytes(out, len));
}

// A bundle directory's digest: SHA-256 over "path NUL sha256(file) NUL" of every regular file
// in path order, so the same tree hashes the same on any machine. Symbolic links are skipped.
std::string sha256_tree(const std::string& root, std::uint64_t& total_size) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; it != end;
       it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path().lexically_relative(root).generic_string());
  }
  std::sort(files.begin(), files.end());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  total_size = 0;
  for (const auto& f : files) {
    std::string line = f + '\0' + sha256_file((fs::path(root) / f).string()) + '\0';
    EVP_DigestUpdate(md, line.data(), line.size());
    total_size += fs::file_size(fs::path(root) / f, ec);
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, out, &len);
  EVP_MD_CTX_free(md);
  return to_hex(Bytes(out, len));
}

// The app's identity comes from the base part's manifest: the one without a split name.
const PartManifest* base_manifest(const std::vector<PartManifest>& ms) {
  for (const auto& m : ms)
    if (m.manifest.split.empty() && m.part.kind != "nested") return &m;
  for (const auto& m : ms)
    if (m.part.kind != "nested") return &m;
  return nullptr;
}

// Android: a network security config decides (API 24+ ignores usesCleartextTraffic when one is
// present); else usesCleartextTraffic; else the platform default (cleartext off from API 28).
// iOS: ATS blocks cleartext unless NSAllowsArbitraryLoads, or an exception domain allows it.
CleartextPolicy cleartext_policy(const ScanContext& ctx, const ScanResult& r) {
  CleartextPolicy p;
  if (r.app.platform == "ios") {
    const auto& ats = ctx.ios.ats;
    p.known = true;
    p.default_allowed = ats.allows_arbitrary_loads.value_or(false);
    p.source = ats.allows_arbitrary_loads.value_or(false) ? "NSAppTransportSecurity NSAllowsArbitraryLoads"
                                                          : "App Transport Security default (HTTPS required)";
    for (const auto& e : ats.exception_domains)
      if (e.allows_insecure_http_loads)
        p.rules.push_back({to_lower(e.domain), e.includes_subdomains.value_or(false), *e.allows_insecure_http_loads});
    return p;
  }
  const PartManifest* base = base_manifest(ctx.manifests);
  if (r.app.platform != "android" || !base) return p;
  const auto& m = base->manifest;
  p.known = true;
  if (ctx.nsc && ctx.nsc->base_cleartext_permitted) {
    p.default_allowed = *ctx.nsc->base_cleartext_permitted;
    p.source = "network_security_config base-config";
  } else if (m.uses_cleartext_traffic && !ctx.nsc) {
    p.default_allowed = *m.uses_cleartext_traffic;
    p.source = "android:usesCleartextTraffic";
  } else {
    p.default_allowed = m.target_sdk.value_or(1) < 28;
    p.source = p.default_allowed ? "platform default (targetSdkVersion < 28)" : "platform default (targetSdkVersion >= 28)";
  }
  if (ctx.nsc)
    for (const auto& d : ctx.nsc->domains)
      if (d.cleartext_permitted) p.rules.push_back({to_lower(d.domain), d.include_subdomains, *d.cleartext_permitted});
  return p;
}

}  // namespace

void Scanner::run_checks(ScanContext& ctx, ScanResult& r) const {
  std::set<std::string> detected;
  std::map<std::string, std::string> lib_sdk;       // native library file name -> SDK
  std::map<std::string, std::string> framework_sdk;  // Mach-O framework name -> SDK
  for (const auto& s : r.sdks) {
    detected.insert(s.id);
    for (const auto& l : s.evidence.native_libs) lib_sdk.emplace(l, s.id);
    for (const auto& o : s.evidence.other)
      if (starts_with(o, "macho.framework:")) framework_sdk.emplace(o.substr(16), s.id);
  }
  struct ClassSdk {
    const SignatureDb& db;
    const std::set<std::string>& detected;
    std::string operator()(const std::string& cls) const {
      auto hit = db.match_class(cls);
      if (!hit) return {};
      const std::string& id = db.sdks()[hit->record].id;
      return detected.count(id) ? id : std::string();
    }
  } class_sdk{db_, detected};

  checks::EvalInput in{*catalogue_, r, {}, ctx.nsc ? &*ctx.nsc : nullptr, ctx.nsc_location, ctx.code_hits,
                       ctx.evidence.locations, {}, nullptr, nullptr, ctx.encrypted_code};
  for (const auto& m : ctx.manifests) {
    in.manifests.push_back({m.location, &m.manifest, m.part.kind == "nested"});
  }
  in.class_sdk = [](const void* c, const std::string& cls) { return (*static_cast<const ClassSdk*>(c))(cls); };
  in.class_sdk_ctx = &class_sdk;
  in.hit_sdks.reserve(ctx.code_hits.size());
  // A hit belongs to an SDK through its holder only: the class (DEX, JAR), the native library's
  // file name, or the framework a Mach-O binary is. A location is shared (classes.dex holds many
  // SDKs; a main binary links many frameworks) and never attributes on its own.
  for (const auto& h : ctx.code_hits) {
    std::string sdk;
    if (auto it = lib_sdk.find(h.holder); it != lib_sdk.end()) sdk = it->second;
    else if (auto fw = framework_sdk.find(h.holder); fw != framework_sdk.end()) sdk = fw->second;
    else if (h.holder.find('.') != std::string::npos && h.holder.find('/') == std::string::npos) sdk = class_sdk(h.holder);
    in.hit_sdks.push_back(std::move(sdk));
  }
  r.findings = checks::evaluate(in);
  for (const auto& d : catalogue_->checks())
    if (d.info.platform == "any" || r.app.platform.empty() || d.info.platform == r.app.platform) r.checks.push_back(d.info);
  ctx.count("checks.evaluated", r.checks.size());
  ctx.count("checks.code_hits", ctx.code_hits.size());
}

ScopedScanThreads::ScopedScanThreads(unsigned max_threads) : previous_(scan_thread_cap) {
  scan_thread_cap = max_threads;
}
ScopedScanThreads::~ScopedScanThreads() { scan_thread_cap = previous_; }

unsigned ScopedScanThreads::share_of_cores(unsigned concurrent) {
  return std::max(1u, std::thread::hardware_concurrency() / std::max(1u, concurrent));
}

unsigned Scanner::scan_threads() const {
  unsigned n = options_.threads ? options_.threads : default_threads_;
  if (scan_thread_cap) n = std::min(n, scan_thread_cap);
  return std::max(1u, n);
}

Scanner::Scanner(const SignatureDb& db, ScanOptions options)
    : db_(db),
      options_(std::move(options)),
      extractor_(psl_),
      required_reason_apis_(apple::load_required_reason_apis(db.dir() / "apple" / "required_reason_apis.json")) {
  // LIEF logs through easylogging++ to stderr, which belongs to our own messages. Switched off
  // once per process here, before any scan: the ELF and Mach-O adapters each did it behind a
  // once_flag of their own, which raced when the two parsed on two threads at once.
  static std::once_flag lief_logger_off;
  std::call_once(lief_logger_off, [] { LIEF::Logger::disable(); });
  // threads = 0: SDKSCOPE_THREADS when set (benchmarks compare 1 with the default), else every
  // hardware thread. Read once here, never during a scan.
  default_threads_ = std::max(1u, std::thread::hardware_concurrency());
  if (const char* env = std::getenv("SDKSCOPE_THREADS"); env && *env) {
    char* end = nullptr;
    unsigned long v = std::strtoul(env, &end, 10);
    if (end && *end == '\0' && v >= 1 && v <= 256) default_threads_ = static_cast<unsigned>(v);
  }
  std::vector<std::string> errors;
  jurisdictions_ = JurisdictionTable::load(db.dir() / "jurisdictions.json", errors);
  std::error_code ec;
  if (auto file = db.dir() / "checks.json"; std::filesystem::exists(file, ec)) {
    std::vector<std::string> check_errors;
    catalogue_ = checks::Catalogue::load(file, check_errors);
    if (!catalogue_)
      checks_error_ = check_errors.empty() ? std::string("checks.json: invalid") : check_errors.front();
  }
  if (!options_.geoip_path.empty()) {
    geoip_ = GeoIp::open(options_.geoip_path, &geoip_error_);
    if (!geoip_ && geoip_error_.empty()) geoip_error_ = "cannot open";
  }
}

ScanOutcome Scanner::scan(const std::string& path) const {
  ScanOutcome outcome;
  try {
    // Pass 1: the input itself. Unusable input is an error (exit 2), not a diagnostic.
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      outcome.error = fmt::format("{}: no such file", path);
      return outcome;
    }
    bool is_dir = std::filesystem::is_directory(path, ec);
    std::uint64_t size = 0;
    ScanResult r;
    if (is_dir) {
      r.input.sha256 = sha256_tree(path, size);
    } else {
      size = std::filesystem::file_size(path, ec);
      if (ec) {
        outcome.error = fmt::format("{}: cannot read ({})", path, ec.message());
        return outcome;
      }
      if (size > options_.limits.max_input_bytes) {
        outcome.error = fmt::format("{}: {} bytes is over the {} limit of {} bytes", path, size, kLimitInputBytes,
                                    options_.limits.max_input_bytes);
        return outcome;
      }
    }
    // Worker threads for this scan only (started with its first heavy entry): scans running at
    // once on one Scanner share nothing mutable.
    const unsigned threads = scan_threads();
    std::optional<TaskPool> pool;
    if (threads > 1) pool.emplace(threads);
    // A file's digest streams the whole input once; with threads it runs beside the walk.
    std::future<std::string> file_digest;
    if (!is_dir) {
      file_digest = std::async(threads > 1 ? std::launch::async : std::launch::deferred, sha256_file, path);
      if (threads == 1) r.input.sha256 = file_digest.get();
    }
    auto digest_error = [&] {
      if (file_digest.valid()) r.input.sha256 = file_digest.get();
      if (!r.input.sha256.empty()) return false;
      outcome.error = fmt::format("{}: cannot read", path);
      return true;
    };
    if (threads == 1 && digest_error()) return outcome;
    r.scanner.signatures_version = std::string(db_.version());
    r.scanner.signatures_count = db_.sdks().size();
    auto shown = std::filesystem::path(path).lexically_normal();
    if (shown.filename().empty()) shown = shown.parent_path();
    r.input.path = options_.path_basename_only ? shown.filename().string() : path;
    r.input.size = size;

    // Pass 2: recognise the container and walk its parts with the passes for its kind.
    ScanContext ctx(db_, required_reason_apis_, options_, extractor_, catalogue());
    ctx.pool = pool ? &*pool : nullptr;
    std::string walk_error = walk_input(ctx, path, r.input.format);
    // An unreadable file fails as "cannot read" before anything the walk says, as sequentially.
    if (digest_error()) return outcome;
    if (!walk_error.empty()) {
      outcome.error = walk_error;
      return outcome;
    }

    // Pass 3: app identity: iOS from the main Info.plist, Android from the base manifest.
    if (ctx.app.platform == "ios") {
      r.app = ctx.app;
    } else if (const PartManifest* base = base_manifest(ctx.manifests); base && r.input.format != "aar") {
      const auto& m = base->manifest;
      r.app.platform = "android";
      r.app.id = m.package;
      r.app.name = m.label;
      r.app.version_name = m.version_name;
      r.app.version_code = m.version_code;
      r.app.min_sdk = m.min_sdk;
      r.app.target_sdk = m.target_sdk;
    } else if (r.input.format == "aab") {
      r.app.platform = "android";
    }
    r.app.parts = ctx.parts;
    // Pass 3a: the launcher icon (HTML report header), read from the input once more, bounded.
    if (options_.extract_icon)
      find_app_icon(ctx, path, r.input.format, base_manifest(ctx.manifests), r.app);

    // Pass 3b: where the app allows cleartext traffic, so cleartext endpoints can be judged.
    r.cleartext_policy = cleartext_policy(ctx, r);

    // Pass 4: hosts become domain evidence, so an SDK's own endpoints raise its confidence.
    {
      std::set<std::string> hosts;
      for (const auto& a : ctx.evidence.addresses)
        if (!a.host.empty()) hosts.insert(a.host);
      std::uint32_t loc = ctx.evidence.add_location("strings");
      for (const auto& h : hosts) ctx.evidence.facts.push_back({EvidenceKind::Domain, h, loc});
    }

    // Pass 5: SDK inventory. App frameworks (Flutter, React Native ...) describe the app, not a
    // third party, so they move to app.frameworks.
    auto found = match_sdks(ctx.evidence, db_, options_.match);
    for (auto& s : found) {
      bool framework = std::find(s.categories.begin(), s.categories.end(), "app_framework") != s.categories.end();
      if (framework) r.app.frameworks.push_back(s.id);
      else r.sdks.push_back(std::move(s));
    }

    // Pass 6: permissions from every part's manifest.
    std::vector<RequestedPermission> requested;
    std::set<std::string> declared;
    for (const auto& pm : ctx.manifests) {
      // A nested APK is another package: its requests are not this app's permissions.
      if (pm.part.kind == "nested") continue;
      for (const auto& up : pm.manifest.uses_permissions) requested.push_back({up.name, up.max_sdk, pm.part.path});
      for (const auto& dp : pm.manifest.permissions) declared.insert(dp.name);
    }
    r.permissions = build_android_permissions(requested, declared, db_, r.sdks);

    // Pass 7: endpoints, attributed to the SDK whose code holds them.
    // (Candidates were filtered, and counted, where the strings were read.)
    r.endpoints = build_endpoints(ctx.evidence, extractor_, psl_, db_, r.sdks, r.app.id, nullptr, options_.endpoints);
    if (r.cleartext_policy.known)
      for (auto& e : r.endpoints) e.cleartext_allowed = r.cleartext_policy.allows(e.host);

    // Pass 7b: data flows per third party, measured against the home jurisdiction.
    if (geoip_)
      for (auto& e : r.endpoints)
        if (e.ip_literal) e.geo_country = geoip_->country(e.host);
    if (jurisdictions_) {
      for (auto& e : r.endpoints)
        if (!e.ip_literal) e.tld_country = jurisdictions_->cctld_country(e.host.substr(e.host.rfind('.') + 1));
      if (auto home = jurisdictions_->home(options_.home_jurisdiction)) {
        r.home_jurisdiction = home->code;
        r.data_flows = build_data_flows(r, db_, *jurisdictions_, *home);
      }
    } else {
      ctx.diags.warn("jurisdiction.table_missing", "", "signatures/jurisdictions.json not loaded: no data_flows");
    }

    // Pass 8: iOS: usage-key permissions and the privacy-manifest audit, which need the SDKs and
    // endpoints found above.
    if (ctx.ios.present || !ctx.ios.privacy_manifests.empty() || !ctx.ios.bundles.empty() ||
        !ctx.ios.encrypted_binaries.empty())
      finish_ios(ctx, r);

    r.filtered_endpoints.assign(ctx.filtered.begin(), ctx.filtered.end());

    // Pass 8b: coverage (packers, renaming, encrypted code), then the checks, which read
    // everything above.
    r.coverage = checks::assess_coverage(r, ctx.defined_classes, ctx.short_name_classes, ctx.encrypted_code);
    if (catalogue_) run_checks(ctx, r);
    else ctx.diags.info("checks.catalogue_missing", "", "signatures/checks.json not found: no checks run");

    // Pass 8c: the policy gate, on the finished inventory and findings.
    if (options_.policy) {
      policy::EvalContext pc;
      pc.today = options_.today.empty() ? policy::today_utc() : options_.today;
      pc.expand = [this](std::string_view code) {
        std::vector<std::string> out;
        if (jurisdictions_)
          if (auto j = jurisdictions_->home(code)) out = j->members;
        return out;
      };
      policy::apply_policy(*options_.policy, pc, r);
    }

    // Pass 9: diagnostics and statistics, sorted for reproducible output.
    r.diagnostics = std::move(ctx.diags.items());
    std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.where, a.code, a.message) < std::tie(b.where, b.code, b.message);
    });
    r.diagnostics.erase(std::unique(r.diagnostics.begin(), r.diagnostics.end()), r.diagnostics.end());
    ctx.stats["bundle.bytes_inflated"] = ctx.budget.total_bytes;
    r.stats = std::move(ctx.stats);
    outcome.result = std::move(r);
  } catch (const std::bad_alloc&) {
    outcome.error = fmt::format("{}: out of memory while scanning", path);
  } catch (const std::exception& e) {
    // A bug, not an input problem: still one line and exit 2, never a crash.
    outcome.error = fmt::format("{}: internal error: {}", path, e.what());
  }
  return outcome;
}

}  // namespace sdkscope
