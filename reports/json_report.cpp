#include "reports/json_report.hpp"

#include <set>

namespace sdkscope {

namespace {

using nlohmann::ordered_json;

template <typename T>
ordered_json opt(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}
ordered_json str_or_null(const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }

ordered_json sdk_json(const SdkFinding& s) {
  ordered_json vendor = {{"id", s.vendor.id}, {"name", s.vendor.name}, {"country", str_or_null(s.vendor.country)}};
  if (!s.vendor.data_jurisdiction.empty()) vendor["data_jurisdiction"] = s.vendor.data_jurisdiction;
  vendor["chain"] = s.vendor.chain;
  const auto& e = s.evidence;
  ordered_json ev = ordered_json::object();
  if (e.class_count > 0)
    ev["classes"] = {{"count", e.class_count}, {"examples", e.class_examples}, {"packages", e.packages}};
  if (!e.native_libs.empty()) ev["native_libs"] = e.native_libs;
  if (!e.manifest_components.empty()) ev["manifest_components"] = e.manifest_components;
  if (!e.manifest_meta_data.empty()) ev["manifest_meta_data"] = e.manifest_meta_data;
  if (!e.domains.empty()) ev["domains"] = e.domains;
  if (!e.other.empty()) ev["other"] = e.other;
  ev["locations"] = e.locations;
  ordered_json j = {{"id", s.id},
                    {"name", s.name},
                    {"vendor", vendor},
                    {"categories", s.categories},
                    {"confidence", s.confidence},
                    {"part_of", str_or_null(s.part_of)},
                    {"version", str_or_null(s.version)},
                    {"evidence", ev}};
  return j;
}

template <typename T>
ordered_json opt_bool(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json ios_json(const IosInfo& ios) {
  ordered_json ats = {{"present", ios.ats.present},
                      {"allows_arbitrary_loads", opt_bool(ios.ats.allows_arbitrary_loads)},
                      {"allows_arbitrary_loads_for_media", opt_bool(ios.ats.allows_arbitrary_loads_for_media)},
                      {"allows_arbitrary_loads_in_web_content", opt_bool(ios.ats.allows_arbitrary_loads_in_web_content)},
                      {"allows_local_networking", opt_bool(ios.ats.allows_local_networking)}};
  ordered_json exceptions = ordered_json::array();
  for (const auto& e : ios.ats.exception_domains)
    exceptions.push_back({{"domain", e.domain},
                          {"includes_subdomains", opt_bool(e.includes_subdomains)},
                          {"allows_insecure_http_loads", opt_bool(e.allows_insecure_http_loads)},
                          {"minimum_tls_version", str_or_null(e.minimum_tls_version)},
                          {"requires_forward_secrecy", opt_bool(e.requires_forward_secrecy)}});
  ats["exception_domains"] = exceptions;
  ordered_json ent = ordered_json::object();
  for (const auto& [k, v] : ios.entitlements) ent[k] = ordered_json::parse(v, nullptr, false);
  ordered_json prov = nullptr;
  if (ios.provisioning) {
    const auto& p = *ios.provisioning;
    prov = {{"name", p.name},           {"team_id", p.team_id},
            {"team_name", p.team_name}, {"app_id", p.app_id},
            {"expiration", p.expiration}, {"get_task_allow", p.get_task_allow},
            {"provisions_all_devices", p.provisions_all_devices}, {"provisioned_devices", p.provisioned_devices}};
  }
  ordered_json manifests = ordered_json::array();
  for (const auto& m : ios.privacy_manifests) {
    ordered_json collected = ordered_json::array();
    for (const auto& c : m.collected)
      collected.push_back({{"type", c.type}, {"linked", opt_bool(c.linked)}, {"tracking", opt_bool(c.tracking)}, {"purposes", c.purposes}});
    ordered_json apis = ordered_json::array();
    for (const auto& a : m.accessed_apis) apis.push_back({{"type", a.type}, {"reasons", a.reasons}});
    manifests.push_back({{"location", m.location},
                         {"owner", m.owner},
                         {"tracking", opt_bool(m.tracking)},
                         {"tracking_domains", m.tracking_domains},
                         {"collected_data", collected},
                         {"accessed_apis", apis}});
  }
  ordered_json missing = ordered_json::array();
  for (const auto& m : ios.privacy_audit.undeclared_required_reason_apis)
    missing.push_back({{"category", m.category}, {"evidence", m.evidence}});
  ordered_json bundles = ordered_json::array();
  for (const auto& b : ios.bundles)
    bundles.push_back({{"path", b.path}, {"kind", b.kind}, {"bundle_id", str_or_null(b.bundle_id)},
                       {"version", str_or_null(b.version)}, {"extension_point", str_or_null(b.extension_point)}});
  return {{"min_os", str_or_null(ios.min_os)},
          {"build", str_or_null(ios.build)},
          {"device_capabilities", ios.device_capabilities},
          {"url_schemes", ios.url_schemes},
          {"queries_schemes", ios.queries_schemes},
          {"skadnetwork_ids", ios.skadnetwork_ids},
          {"ats", ats},
          {"entitlements", ent},
          {"provisioning", prov},
          {"encrypted_binaries", ios.encrypted_binaries},
          {"bundles", bundles},
          {"privacy_manifests", manifests},
          {"privacy_audit",
           {{"undeclared_required_reason_apis", missing},
            {"undeclared_tracking_domains", ios.privacy_audit.undeclared_tracking_domains},
            {"sdks_without_manifest", ios.privacy_audit.sdks_without_manifest}}}};
}

}  // namespace

ordered_json report_to_json(const ScanResult& r) {
  ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["scanner"] = {{"name", "sdkscope"},
                  {"version", r.scanner.version},
                  {"signatures", {{"version", r.scanner.signatures_version}, {"count", r.scanner.signatures_count}}}};
  j["input"] = {{"path", r.input.path}, {"sha256", r.input.sha256}, {"size", r.input.size}, {"format", r.input.format}};
  ordered_json parts = ordered_json::array();
  for (const auto& p : r.app.parts) parts.push_back({{"path", p.path}, {"kind", p.kind}, {"name", str_or_null(p.name)}});
  j["app"] = {{"platform", str_or_null(r.app.platform)},
              {"id", str_or_null(r.app.id)},
              {"name", str_or_null(r.app.name)},
              {"version_name", str_or_null(r.app.version_name)},
              {"version_code", opt(r.app.version_code)},
              {"min_sdk", opt(r.app.min_sdk)},
              {"target_sdk", opt(r.app.target_sdk)},
              {"min_os", str_or_null(r.app.min_os)},
              {"frameworks", r.app.frameworks},
              {"icon", str_or_null(r.app.icon_path)},
              {"parts", parts}};
  ordered_json sdks = ordered_json::array();
  for (const auto& s : r.sdks) sdks.push_back(sdk_json(s));
  j["sdks"] = sdks;
  ordered_json perms = ordered_json::array();
  for (const auto& p : r.permissions) {
    perms.push_back({{"name", p.name},
                     {"platform", p.platform},
                     {"protection", p.protection},
                     {"data", p.data},
                     {"max_sdk", opt(p.max_sdk)},
                     {"description", str_or_null(p.description)},
                     {"sources", p.sources},
                     {"sdks", p.sdks}});
  }
  j["permissions"] = perms;
  ordered_json eps = ordered_json::array();
  for (const auto& e : r.endpoints) {
    ordered_json srcs = ordered_json::array();
    for (const auto& s : e.sources) srcs.push_back({{"location", s.location}, {"holder", str_or_null(s.holder)}});
    eps.push_back({{"url", str_or_null(e.url)},
                   {"host", e.host},
                   {"domain", str_or_null(e.domain)},
                   {"scheme", str_or_null(e.scheme)},
                   {"port", opt(e.port)},
                   {"ip_literal", e.ip_literal},
                   {"cleartext", e.cleartext},
                   {"sdk", str_or_null(e.sdk)},
                   {"owner", e.owner_id.empty() ? ordered_json(nullptr)
                                                : ordered_json{{"id", e.owner_id}, {"name", e.owner_name},
                                                               {"country", str_or_null(e.owner_country)}}},
                   {"first_party", e.first_party},
                   {"cleartext_allowed", opt(e.cleartext_allowed)},
                   {"tld_country", str_or_null(e.tld_country)},
                   {"geo_country", str_or_null(e.geo_country)},
                   {"sources", srcs}});
  }
  j["endpoints"] = eps;
  ordered_json diags = ordered_json::array();
  for (const auto& d : r.diagnostics)
    diags.push_back({{"code", d.code}, {"severity", to_string(d.severity)}, {"where", d.where}, {"message", d.message}});
  if (!r.filtered_endpoints.empty()) {
    ordered_json filtered = ordered_json::array();
    for (const auto& f : r.filtered_endpoints)
      filtered.push_back({{"raw", f.raw}, {"reason", f.reason}, {"location", f.location}});
    j["filtered_endpoints"] = filtered;
  }
  j["home_jurisdiction"] = str_or_null(r.home_jurisdiction);
  ordered_json flows = ordered_json::array();
  for (const auto& f : r.data_flows) {
    ordered_json vendor = {{"id", f.vendor.id}, {"name", f.vendor.name}, {"country", str_or_null(f.vendor.country)},
                           {"chain", f.vendor.chain}};
    flows.push_back({{"vendor", vendor},
                     {"sdks", f.sdks},
                     {"endpoints", f.endpoints},
                     {"data", f.data},
                     {"destinations", f.destinations},
                     {"cross_border", f.cross_border},
                     {"legal_hook", str_or_null(f.legal_hook)},
                     {"transfer_notes", f.transfer_notes},
                     {"china", f.china}});
  }
  j["data_flows"] = flows;
  ordered_json policy = nullptr;
  if (r.cleartext_policy.known) {
    ordered_json rules = ordered_json::array();
    for (const auto& rule : r.cleartext_policy.rules)
      rules.push_back({{"domain", rule.domain}, {"include_subdomains", rule.include_subdomains}, {"allowed", rule.allowed}});
    policy = {{"default_allowed", r.cleartext_policy.default_allowed}, {"source", r.cleartext_policy.source}, {"rules", rules}};
  }
  j["cleartext_policy"] = policy;
  ordered_json findings = ordered_json::array();
  std::set<std::string> fired;
  for (const auto& f : r.findings) {
    ordered_json ev = ordered_json::array();
    for (const auto& e : f.evidence)
      ev.push_back({{"artifact", e.artifact}, {"logical", e.logical}, {"detail", e.detail}, {"sdk", str_or_null(e.sdk)}});
    findings.push_back({{"check", f.check},
                        {"title", f.title},
                        {"category", f.category},
                        {"severity", f.severity},
                        {"confidence", f.confidence},
                        {"message", f.message},
                        {"sdks", f.sdks},
                        {"evidence", ev},
                        {"evidence_total", f.evidence_total},
                        {"waived", f.waived},
                        {"waiver", str_or_null(f.waiver)}});
    fired.insert(f.check);
  }
  j["findings"] = findings;
  // Descriptors of the checks that fired, so a saved report explains itself; the whole catalogue
  // is `sdkscope checks list`.
  ordered_json checks = ordered_json::array();
  for (const auto& c : r.checks) {
    if (!fired.count(c.id)) continue;
    checks.push_back({{"id", c.id},
                      {"title", c.title},
                      {"category", c.category},
                      {"platform", c.platform},
                      {"severity", c.severity},
                      {"confidence", c.confidence},
                      {"description", c.description},
                      {"remediation", c.remediation},
                      {"cwe", c.cwe},
                      {"masvs", c.masvs},
                      {"references", c.references}});
  }
  j["checks"] = checks;
  ordered_json verdict = nullptr;
  if (r.policy.evaluated) {
    ordered_json waivers = ordered_json::array();
    for (const auto& w : r.policy.waivers)
      waivers.push_back({{"rule", w.rule},
                         {"justification", w.justification},
                         {"expires", str_or_null(w.expires)},
                         {"expired", w.expired},
                         {"used", w.used}});
    verdict = {{"name", r.policy.name},
               {"path", r.policy.path},
               {"passed", r.policy.passed},
               {"violations", r.policy.violations},
               {"waivers", waivers}};
  }
  j["policy"] = verdict;
  j["coverage"] = {{"packers", r.coverage.packers},
                   {"classes", r.coverage.classes},
                   {"short_name_classes", r.coverage.short_name_classes},
                   {"short_name_ratio", static_cast<double>(static_cast<long long>(r.coverage.short_name_ratio * 1000 + 0.5)) / 1000},
                   {"encrypted_code", r.coverage.encrypted_code},
                   {"sdk_list_incomplete", r.coverage.sdk_list_incomplete},
                   {"notes", r.coverage.notes}};
  j["diagnostics"] = diags;
  if (r.ios.present || !r.ios.bundles.empty()) j["ios"] = ios_json(r.ios);
  ordered_json stats = ordered_json::object();
  for (const auto& [k, v] : r.stats) stats[k] = v;
  j["stats"] = stats;
  return j;
}

std::string write_json_report(const ScanResult& r) {
  // Invalid UTF-8 from hostile inputs is replaced, never thrown on.
  return report_to_json(r).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sdkscope
