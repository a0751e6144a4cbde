// The JSON report read back into the model. Mirrors reports/json_report.cpp key by key; a key the
// writer leaves out (or writes as null) reads as the model's default, so the round trip is exact.
#include "reports/json_read.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace sdkscope {

namespace {

using nlohmann::json;

// A report that breaks the contract: the message names the key.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json* field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string str(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v) return {};
  if (!v->is_string()) throw ReadError(std::string("'") + key + "' is not a string");
  return v->get<std::string>();
}

bool boolean(const json& obj, const char* key, bool fallback = false) {
  const json* v = field(obj, key);
  if (!v) return fallback;
  if (!v->is_boolean()) throw ReadError(std::string("'") + key + "' is not a boolean");
  return v->get<bool>();
}

std::optional<bool> opt_bool(const json& obj, const char* key) {
  if (!field(obj, key)) return std::nullopt;
  return boolean(obj, key);
}

template <typename T>
std::optional<T> opt_int(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw ReadError(std::string("'") + key + "' is not an integer");
  return v->get<T>();
}

std::uint64_t count(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v) return 0;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0))
    throw ReadError(std::string("'") + key + "' is not a count");
  return v->get<std::uint64_t>();
}

double number(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v) return 0;
  if (!v->is_number()) throw ReadError(std::string("'") + key + "' is not a number");
  return v->get<double>();
}

// The elements of an array (empty when absent); anything else is an error.
const json& array(const json& obj, const char* key) {
  static const json kEmpty = json::array();
  const json* v = field(obj, key);
  if (!v) return kEmpty;
  if (!v->is_array()) throw ReadError(std::string("'") + key + "' is not an array");
  return *v;
}

const json& object(const json& obj, const char* key) {
  static const json kEmpty = json::object();
  const json* v = field(obj, key);
  if (!v) return kEmpty;
  if (!v->is_object()) throw ReadError(std::string("'") + key + "' is not an object");
  return *v;
}

std::vector<std::string> strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : array(obj, key)) {
    if (!v.is_string()) throw ReadError(std::string("'") + key + "' holds a non-string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

VendorInfo vendor(const json& v) {
  return {str(v, "id"), str(v, "name"), str(v, "country"), str(v, "data_jurisdiction"), strings(v, "chain")};
}

SdkFinding sdk(const json& j) {
  SdkFinding s;
  s.id = str(j, "id");
  s.name = str(j, "name");
  s.vendor = vendor(object(j, "vendor"));
  s.categories = strings(j, "categories");
  s.confidence = str(j, "confidence");
  s.part_of = str(j, "part_of");
  s.version = str(j, "version");
  s.maven = str(j, "maven");
  s.cocoapod = str(j, "cocoapod");
  const json& ev = object(j, "evidence");
  const json& classes = object(ev, "classes");
  s.evidence.class_count = count(classes, "count");
  s.evidence.class_examples = strings(classes, "examples");
  s.evidence.packages = strings(classes, "packages");
  s.evidence.native_libs = strings(ev, "native_libs");
  s.evidence.manifest_components = strings(ev, "manifest_components");
  s.evidence.manifest_meta_data = strings(ev, "manifest_meta_data");
  s.evidence.domains = strings(ev, "domains");
  s.evidence.other = strings(ev, "other");
  s.evidence.locations = strings(ev, "locations");
  return s;
}

PermissionInfo permission(const json& j) {
  PermissionInfo p;
  p.name = str(j, "name");
  p.platform = str(j, "platform");
  p.protection = str(j, "protection");
  p.data = strings(j, "data");
  p.max_sdk = opt_int<int>(j, "max_sdk");
  p.description = str(j, "description");
  p.sources = strings(j, "sources");
  p.sdks = strings(j, "sdks");
  return p;
}

EndpointInfo endpoint(const json& j) {
  EndpointInfo e;
  e.url = str(j, "url");
  e.host = str(j, "host");
  e.domain = str(j, "domain");
  e.scheme = str(j, "scheme");
  e.port = opt_int<int>(j, "port");
  e.ip_literal = boolean(j, "ip_literal");
  e.cleartext = boolean(j, "cleartext");
  e.sdk = str(j, "sdk");
  const json& owner = object(j, "owner");
  e.owner_id = str(owner, "id");
  e.owner_name = str(owner, "name");
  e.owner_country = str(owner, "country");
  e.first_party = boolean(j, "first_party");
  e.cleartext_allowed = opt_bool(j, "cleartext_allowed");
  e.tld_country = str(j, "tld_country");
  e.geo_country = str(j, "geo_country");
  for (const auto& s : array(j, "sources")) e.sources.push_back({str(s, "location"), str(s, "holder")});
  return e;
}

DataFlow data_flow(const json& j) {
  DataFlow f;
  f.vendor = vendor(object(j, "vendor"));
  f.sdks = strings(j, "sdks");
  f.endpoints = strings(j, "endpoints");
  f.data = strings(j, "data");
  f.destinations = strings(j, "destinations");
  f.cross_border = boolean(j, "cross_border");
  f.legal_hook = str(j, "legal_hook");
  f.transfer_notes = strings(j, "transfer_notes");
  f.china = boolean(j, "china");
  return f;
}

Severity severity(const std::string& s) {
  if (s == "info") return Severity::info;
  if (s == "warning") return Severity::warning;
  if (s == "error") return Severity::error;
  throw ReadError("unknown diagnostic severity '" + s + "'");
}

IosInfo ios(const json& j) {
  IosInfo i;
  i.present = true;
  i.min_os = str(j, "min_os");
  i.build = str(j, "build");
  i.device_capabilities = strings(j, "device_capabilities");
  i.url_schemes = strings(j, "url_schemes");
  i.queries_schemes = strings(j, "queries_schemes");
  i.skadnetwork_ids = strings(j, "skadnetwork_ids");
  const json& ats = object(j, "ats");
  i.ats.present = boolean(ats, "present");
  i.ats.allows_arbitrary_loads = opt_bool(ats, "allows_arbitrary_loads");
  i.ats.allows_arbitrary_loads_for_media = opt_bool(ats, "allows_arbitrary_loads_for_media");
  i.ats.allows_arbitrary_loads_in_web_content = opt_bool(ats, "allows_arbitrary_loads_in_web_content");
  i.ats.allows_local_networking = opt_bool(ats, "allows_local_networking");
  for (const auto& e : array(ats, "exception_domains")) {
    AtsInfo::Exception x;
    x.domain = str(e, "domain");
    x.includes_subdomains = opt_bool(e, "includes_subdomains");
    x.allows_insecure_http_loads = opt_bool(e, "allows_insecure_http_loads");
    x.minimum_tls_version = str(e, "minimum_tls_version");
    x.requires_forward_secrecy = opt_bool(e, "requires_forward_secrecy");
    i.ats.exception_domains.push_back(std::move(x));
  }
  // The writer parses each value from compact JSON; dumping it back gives the same text.
  for (const auto& [k, v] : object(j, "entitlements").items()) i.entitlements.emplace_back(k, v.dump());
  if (const json* p = field(j, "provisioning")) {
    if (!p->is_object()) throw ReadError("'provisioning' is not an object");
    ProvisioningInfo prov;
    prov.name = str(*p, "name");
    prov.team_id = str(*p, "team_id");
    prov.team_name = str(*p, "team_name");
    prov.app_id = str(*p, "app_id");
    prov.expiration = str(*p, "expiration");
    prov.get_task_allow = boolean(*p, "get_task_allow");
    prov.provisions_all_devices = boolean(*p, "provisions_all_devices");
    prov.provisioned_devices = count(*p, "provisioned_devices");
    i.provisioning = std::move(prov);
  }
  i.encrypted_binaries = strings(j, "encrypted_binaries");
  for (const auto& b : array(j, "bundles"))
    i.bundles.push_back({str(b, "path"), str(b, "kind"), str(b, "bundle_id"), str(b, "version"), str(b, "extension_point")});
  for (const auto& m : array(j, "privacy_manifests")) {
    PrivacyManifestInfo pm;
    pm.location = str(m, "location");
    pm.owner = str(m, "owner");
    pm.tracking = opt_bool(m, "tracking");
    pm.tracking_domains = strings(m, "tracking_domains");
    for (const auto& c : array(m, "collected_data"))
      pm.collected.push_back({str(c, "type"), opt_bool(c, "linked"), opt_bool(c, "tracking"), strings(c, "purposes")});
    for (const auto& a : array(m, "accessed_apis")) pm.accessed_apis.push_back({str(a, "type"), strings(a, "reasons")});
    i.privacy_manifests.push_back(std::move(pm));
  }
  const json& audit = object(j, "privacy_audit");
  for (const auto& m : array(audit, "undeclared_required_reason_apis"))
    i.privacy_audit.undeclared_required_reason_apis.push_back({str(m, "category"), strings(m, "evidence")});
  i.privacy_audit.undeclared_tracking_domains = strings(audit, "undeclared_tracking_domains");
  i.privacy_audit.sdks_without_manifest = strings(audit, "sdks_without_manifest");
  return i;
}

Finding finding(const json& j) {
  Finding f;
  f.check = str(j, "check");
  f.title = str(j, "title");
  f.category = str(j, "category");
  f.severity = str(j, "severity");
  f.confidence = str(j, "confidence");
  f.message = str(j, "message");
  f.sdks = strings(j, "sdks");
  for (const auto& e : array(j, "evidence"))
    f.evidence.push_back({str(e, "artifact"), str(e, "logical"), str(e, "detail"), str(e, "sdk")});
  f.evidence_total = field(j, "evidence_total") ? count(j, "evidence_total") : f.evidence.size();
  f.waived = boolean(j, "waived");
  f.waiver = str(j, "waiver");
  return f;
}

CheckInfo check(const json& j) {
  CheckInfo c;
  c.id = str(j, "id");
  c.title = str(j, "title");
  c.category = str(j, "category");
  c.platform = str(j, "platform");
  c.severity = str(j, "severity");
  c.confidence = str(j, "confidence");
  c.description = str(j, "description");
  c.remediation = str(j, "remediation");
  c.cwe = strings(j, "cwe");
  c.masvs = strings(j, "masvs");
  c.references = strings(j, "references");
  return c;
}

PolicyVerdict policy(const json& j) {
  PolicyVerdict p;
  p.evaluated = boolean(j, "evaluated", true);
  p.name = str(j, "name");
  p.path = str(j, "path");
  p.passed = boolean(j, "passed", true);
  p.violations = count(j, "violations");
  for (const auto& w : array(j, "waivers"))
    p.waivers.push_back({str(w, "rule"), str(w, "justification"), str(w, "expires"), boolean(w, "expired"), count(w, "used")});
  return p;
}

AnalysisCoverage coverage(const json& j) {
  AnalysisCoverage c;
  c.packers = strings(j, "packers");
  c.classes = count(j, "classes");
  c.short_name_classes = count(j, "short_name_classes");
  c.short_name_ratio = number(j, "short_name_ratio");
  c.encrypted_code = boolean(j, "encrypted_code");
  c.sdk_list_incomplete = boolean(j, "sdk_list_incomplete");
  c.notes = strings(j, "notes");
  return c;
}

// Nesting depth outside strings, so a hostile file cannot make a recursive walk overflow the stack.
bool depth_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

ScanResult result(const json& j) {
  ScanResult r;
  const json& scanner = object(j, "scanner");
  r.scanner.version = str(scanner, "version");
  const json& sig = object(scanner, "signatures");
  r.scanner.signatures_version = str(sig, "version");
  r.scanner.signatures_count = count(sig, "count");

  const json& input = object(j, "input");
  r.input.path = str(input, "path");
  r.input.sha256 = str(input, "sha256");
  r.input.size = count(input, "size");
  r.input.format = str(input, "format");

  const json& app = object(j, "app");
  r.app.platform = str(app, "platform");
  r.app.id = str(app, "id");
  r.app.name = str(app, "name");
  r.app.version_name = str(app, "version_name");
  r.app.version_code = opt_int<std::int64_t>(app, "version_code");
  r.app.min_sdk = opt_int<int>(app, "min_sdk");
  r.app.target_sdk = opt_int<int>(app, "target_sdk");
  r.app.min_os = str(app, "min_os");
  r.app.frameworks = strings(app, "frameworks");
  r.app.icon_path = str(app, "icon");
  for (const auto& p : array(app, "parts")) r.app.parts.push_back({str(p, "path"), str(p, "kind"), str(p, "name")});

  for (const auto& s : array(j, "sdks")) r.sdks.push_back(sdk(s));
  for (const auto& p : array(j, "permissions")) r.permissions.push_back(permission(p));
  for (const auto& e : array(j, "endpoints")) r.endpoints.push_back(endpoint(e));
  for (const auto& f : array(j, "filtered_endpoints"))
    r.filtered_endpoints.push_back({str(f, "raw"), str(f, "reason"), str(f, "location")});
  r.home_jurisdiction = str(j, "home_jurisdiction");
  for (const auto& f : array(j, "data_flows")) r.data_flows.push_back(data_flow(f));
  if (const json* cp = field(j, "cleartext_policy")) {
    if (!cp->is_object()) throw ReadError("'cleartext_policy' is not an object");
    r.cleartext_policy.known = true;
    r.cleartext_policy.default_allowed = boolean(*cp, "default_allowed");
    r.cleartext_policy.source = str(*cp, "source");
    for (const auto& rule : array(*cp, "rules"))
      r.cleartext_policy.rules.push_back({str(rule, "domain"), boolean(rule, "include_subdomains"), boolean(rule, "allowed")});
  }
  for (const auto& d : array(j, "diagnostics"))
    r.diagnostics.push_back({str(d, "code"), severity(str(d, "severity")), str(d, "where"), str(d, "message")});
  if (const json* i = field(j, "ios")) {
    if (!i->is_object()) throw ReadError("'ios' is not an object");
    r.ios = ios(*i);
  }
  for (const auto& f : array(j, "findings")) r.findings.push_back(finding(f));
  for (const auto& c : array(j, "checks")) r.checks.push_back(check(c));
  if (const json* p = field(j, "policy")) {
    if (!p->is_object()) throw ReadError("'policy' is not an object");
    r.policy = policy(*p);
  }
  if (const json* c = field(j, "coverage")) {
    if (!c->is_object()) throw ReadError("'coverage' is not an object");
    r.coverage = coverage(*c);
  }
  for (const auto& [k, v] : object(j, "stats").items()) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
      throw ReadError("stats '" + k + "' is not a count");
    r.stats[k] = v.get<std::uint64_t>();
  }
  return r;
}

}  // namespace

bool looks_like_json_report(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

std::optional<ScanResult> read_json_report(std::string_view text, std::string& error) {
  if (!depth_within(text, kMaxReportDepth)) {
    error = "not a sdkscope report: JSON nested deeper than " + std::to_string(kMaxReportDepth) + " levels";
    return std::nullopt;
  }
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    error = "not a sdkscope report: not valid JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = "not a sdkscope report: not a JSON object";
    return std::nullopt;
  }
  auto version = j.find("schema_version");
  if (version == j.end()) {
    error = "not a sdkscope report: no schema_version";
    return std::nullopt;
  }
  if (!version->is_number_integer() || version->get<std::int64_t>() != kReportSchemaVersion) {
    error = "unsupported report schema_version " + version->dump() + " (this sdkscope reads " +
            std::to_string(kReportSchemaVersion) + ")";
    return std::nullopt;
  }
  try {
    return result(j);
  } catch (const ReadError& e) {
    error = std::string("malformed sdkscope report: ") + e.what();
  } catch (const std::exception& e) {
    error = std::string("malformed sdkscope report: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace sdkscope
