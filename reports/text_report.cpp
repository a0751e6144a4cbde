#include "reports/text_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace sdkscope {

namespace {

struct Style {
  bool on;
  std::string wrap(std::string_view code, std::string_view s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
  }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
};

std::string human_size(std::uint64_t n) {
  if (n >= (1ull << 30)) return fmt::format("{:.1f} GB", static_cast<double>(n) / (1ull << 30));
  if (n >= (1ull << 20)) return fmt::format("{:.1f} MB", static_cast<double>(n) / (1ull << 20));
  if (n >= 1024) return fmt::format("{:.1f} KB", static_cast<double>(n) / 1024);
  return fmt::format("{} B", n);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Pads to a display width, counting UTF-8 code points rather than bytes.
std::string pad(const std::string& s, std::size_t width) {
  std::size_t cps = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++cps;
  return cps >= width ? s + " " : s + std::string(width - cps, ' ');
}

std::string evidence_summary(const SdkFinding& s) {
  std::vector<std::string> parts;
  const auto& e = s.evidence;
  if (e.class_count) parts.push_back(fmt::format("{} classes", e.class_count));
  if (!e.native_libs.empty()) parts.push_back(join(e.native_libs, ","));
  if (!e.manifest_components.empty()) parts.push_back(fmt::format("{} components", e.manifest_components.size()));
  if (!e.manifest_meta_data.empty()) parts.push_back("meta-data " + join(e.manifest_meta_data, ","));
  if (!e.domains.empty()) parts.push_back(fmt::format("{} hosts", e.domains.size()));
  if (!e.other.empty()) parts.push_back(fmt::format("{} other", e.other.size()));
  return join(parts, "; ");
}

}  // namespace

std::string write_text_report(const ScanResult& r, const TextOptions& opts) {
  Style st{opts.color};
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };

  line(st.bold(fmt::format("sdkscope {}", r.scanner.version)) +
       st.dim(fmt::format("  signatures {} ({} SDKs)", r.scanner.signatures_version, r.scanner.signatures_count)));
  line(fmt::format("Input    {} ({}, {}, sha256 {})", r.input.path, r.input.format, human_size(r.input.size),
                   r.input.sha256.substr(0, 16)));
  if (!r.app.platform.empty() || !r.app.id.empty()) {
    std::string ver = r.app.version_name;
    if (r.app.version_code) ver += fmt::format(" ({})", *r.app.version_code);
    std::string sdk;
    if (r.app.min_sdk) sdk += fmt::format(" min {}", *r.app.min_sdk);
    if (r.app.target_sdk) sdk += fmt::format(" target {}", *r.app.target_sdk);
    if (!r.app.min_os.empty()) sdk += " min iOS " + r.app.min_os;
    line(fmt::format("App      {}{}  {}  {}{}", r.app.id.empty() ? "?" : r.app.id,
                     r.app.name.empty() ? "" : " \"" + r.app.name + "\"", ver, r.app.platform, sdk));
  }
  if (r.app.parts.size() > 1) line(fmt::format("Parts    {} (splits, modules or nested APKs)", r.app.parts.size()));
  if (!r.app.frameworks.empty()) line("Framework " + join(r.app.frameworks, ", "));

  line("");
  line(st.bold(fmt::format("SDKs ({})", r.sdks.size())));
  if (r.sdks.empty()) line("  none detected");
  // Column widths from the data, so long SDK names stay aligned.
  struct Row {
    std::string id, name, vendor, categories;
    const SdkFinding* sdk;
  };
  std::vector<Row> rows;
  std::size_t w_id = 0, w_name = 0, w_vendor = 0, w_cat = 0;
  for (const auto& s : r.sdks) {
    Row row{s.part_of.empty() ? s.id : "  " + s.id, s.name + (s.version.empty() ? "" : " " + s.version),
            s.vendor.name + (s.vendor.country.empty() ? "" : " (" + s.vendor.country + ")"), join(s.categories, ","), &s};
    w_id = std::max(w_id, row.id.size());
    w_name = std::max(w_name, row.name.size());
    w_vendor = std::max(w_vendor, row.vendor.size());
    w_cat = std::max(w_cat, row.categories.size());
    rows.push_back(std::move(row));
  }
  for (const auto& row : rows) {
    const auto& country = row.sdk->vendor.country;
    std::string vendor = pad(row.vendor, w_vendor + 1);
    if (country == "CN" || country == "RU") vendor = st.yellow(vendor);
    line(fmt::format("  {}{}{}{}{}{}", pad(row.id, w_id + 2), pad(row.name, w_name + 2), vendor,
                     pad(row.categories, w_cat + 2), pad(row.sdk->confidence, 7), st.dim(evidence_summary(*row.sdk))));
  }

  std::size_t dangerous = static_cast<std::size_t>(
      std::count_if(r.permissions.begin(), r.permissions.end(), [](const PermissionInfo& p) { return p.protection == "dangerous"; }));
  line("");
  line(st.bold(fmt::format("Permissions ({}; {} dangerous)", r.permissions.size(), dangerous)));
  std::size_t shown = 0;
  for (const auto& p : r.permissions) {
    if (shown++ >= opts.max_permissions) {
      line(st.dim(fmt::format("  ... {} more in the JSON report", r.permissions.size() - opts.max_permissions)));
      break;
    }
    std::string prot = p.protection == "dangerous" ? st.red(pad(p.protection, 20)) : pad(p.protection, 20);
    line(fmt::format("  {}{}{}{}", pad(p.name, 56), prot, pad(join(p.data, ","), 24),
                     p.sdks.empty() ? "" : st.dim("needed by " + join(p.sdks, ","))));
  }

  std::size_t cleartext = static_cast<std::size_t>(
      std::count_if(r.endpoints.begin(), r.endpoints.end(), [](const EndpointInfo& e) { return e.cleartext; }));
  line("");
  std::size_t cleartext_allowed = static_cast<std::size_t>(std::count_if(
      r.endpoints.begin(), r.endpoints.end(), [](const EndpointInfo& e) { return e.cleartext && e.cleartext_allowed == true; }));
  line(st.bold(fmt::format("Endpoints ({}; {} cleartext, {} of them allowed by the app's cleartext policy)", r.endpoints.size(),
                           cleartext, cleartext_allowed)));
  shown = 0;
  for (const auto& e : r.endpoints) {
    if (shown++ >= opts.max_endpoints) {
      line(st.dim(fmt::format("  ... {} more in the JSON report", r.endpoints.size() - opts.max_endpoints)));
      break;
    }
    std::string addr = e.url.empty() ? e.host + (e.port ? fmt::format(":{}", *e.port) : "") : e.url;
    if (addr.size() > 70) addr = addr.substr(0, 67) + "...";
    std::string owner = e.owner_name.empty() ? (e.first_party ? "(first party)" : "")
                                             : e.owner_name + (e.owner_country.empty() ? "" : " (" + e.owner_country + ")");
    std::string flag = !e.cleartext ? "" : e.cleartext_allowed == true ? st.red("cleartext, allowed") : "cleartext";
    line(fmt::format("  {}{}{}{}{}", pad(addr, 72), pad(e.domain, 24), pad(owner, 26), pad(e.sdk, 22), flag));
  }

  if (!r.data_flows.empty()) {
    line("");
    line(st.bold(fmt::format("Data flows (home jurisdiction {})", r.home_jurisdiction)));
    for (const auto& f : r.data_flows) {
      std::string chain = f.vendor.chain.empty() ? "" : " <- " + join(f.vendor.chain, " <- ");
      std::string flags = std::string(f.cross_border ? " cross-border" : "") + (f.china ? " China" : "");
      std::string head = fmt::format("  {}{} -> {}{}", f.vendor.name, chain, join(f.destinations, ","), flags);
      line(f.cross_border ? st.yellow(head) : head);
      line(st.dim(fmt::format("      {} SDKs; data: {}", f.sdks.size(), f.data.empty() ? "-" : join(f.data, ", "))));
    }
    // Top destinations: endpoints by owner country.
    std::map<std::string, std::size_t> by_country;
    for (const auto& e : r.endpoints)
      if (!e.owner_country.empty()) ++by_country[e.owner_country];
    std::vector<std::pair<std::string, std::size_t>> top(by_country.begin(), by_country.end());
    std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string dest;
    for (const auto& [c, n] : top) dest += (dest.empty() ? "" : ", ") + fmt::format("{} {}", c, n);
    if (!dest.empty()) line("  endpoints by owner country: " + dest);
  }

  if (r.ios.present) {
    const auto& ios = r.ios;
    line("");
    line(st.bold("iOS"));
    auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : "-"; };
    if (ios.ats.present) {
      std::string ats = fmt::format("  ATS      arbitrary loads {}, media {}, web content {}, local networking {}",
                                    flag(ios.ats.allows_arbitrary_loads), flag(ios.ats.allows_arbitrary_loads_for_media),
                                    flag(ios.ats.allows_arbitrary_loads_in_web_content), flag(ios.ats.allows_local_networking));
      line(ios.ats.allows_arbitrary_loads.value_or(false) ? st.red(ats) : ats);
      for (const auto& e : ios.ats.exception_domains)
        line(fmt::format("           exception {}{}{}", e.domain, e.allows_insecure_http_loads.value_or(false) ? " (insecure HTTP allowed)" : "",
                         e.minimum_tls_version.empty() ? "" : " min TLS " + e.minimum_tls_version));
    } else {
      line("  ATS      not configured (platform defaults: HTTPS required)");
    }
    if (!ios.skadnetwork_ids.empty()) line(fmt::format("  SKAdNetwork ids  {}", ios.skadnetwork_ids.size()));
    if (!ios.encrypted_binaries.empty())
      line(st.yellow(fmt::format("  encrypted (App Store FairPlay): {}", join(ios.encrypted_binaries, ", "))));
    if (ios.provisioning)
      line(fmt::format("  provisioning  team {} ({}), app id {}{}", ios.provisioning->team_id, ios.provisioning->team_name,
                       ios.provisioning->app_id, ios.provisioning->get_task_allow ? ", development" : ""));
    line(fmt::format("  privacy manifests  {}", ios.privacy_manifests.size()));
    for (const auto& m : ios.privacy_audit.undeclared_required_reason_apis)
      line(st.yellow(fmt::format("  undeclared required-reason API {} ({})", m.category, join(m.evidence, ", "))));
    if (!ios.privacy_audit.undeclared_tracking_domains.empty())
      line(st.yellow("  tracking domains not declared: " + join(ios.privacy_audit.undeclared_tracking_domains, ", ")));
    if (!ios.privacy_audit.sdks_without_manifest.empty())
      line(st.yellow("  Apple-listed SDKs without a privacy manifest: " + join(ios.privacy_audit.sdks_without_manifest, ", ")));
  }

  if (!r.diagnostics.empty()) {
    line("");
    line(st.bold(fmt::format("Diagnostics ({})", r.diagnostics.size())));
    for (const auto& d : r.diagnostics)
      line(fmt::format("  {}{}{}: {}", pad(std::string(to_string(d.severity)), 9), pad(d.code, 30),
                       d.where.empty() ? "(input)" : d.where, d.message));
  }
  return out;
}

}  // namespace sdkscope
