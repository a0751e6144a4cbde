#include "reports/cyclonedx_report.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>

#include <fmt/format.h>

namespace sdkscope {

namespace {

using nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// SHA-1 (FIPS 180-4), only for UUID v5 serial numbers: not used for anything security-relevant.

std::array<std::uint8_t, 20> sha1(const std::vector<std::uint8_t>& msg) {
  std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::vector<std::uint8_t> m = msg;
  const std::uint64_t bits = static_cast<std::uint64_t>(msg.size()) * 8;
  m.push_back(0x80);
  while (m.size() % 64 != 56) m.push_back(0);
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(bits >> (i * 8)));
  auto rol = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  for (std::size_t off = 0; off < m.size(); off += 64) {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = (std::uint32_t{m[off + 4 * i]} << 24) | (std::uint32_t{m[off + 4 * i + 1]} << 16) |
             (std::uint32_t{m[off + 4 * i + 2]} << 8) | std::uint32_t{m[off + 4 * i + 3]};
    for (int i = 16; i < 80; ++i) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
      else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
      else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      else f = b ^ c ^ d, k = 0xCA62C1D6;
      std::uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rol(b, 30);
      b = a;
      a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  std::array<std::uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j) out[static_cast<std::size_t>(4 * i + j)] = static_cast<std::uint8_t>(h[i] >> (24 - 8 * j));
  return out;
}

std::vector<std::uint8_t> parse_uuid(std::string_view s) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char ch : s) {
    int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else out.push_back(static_cast<std::uint8_t>(hi * 16 + v)), hi = -1;
  }
  return out;
}

std::string uuid_v5(std::string_view ns, std::string_view name) {
  auto data = parse_uuid(ns);
  data.insert(data.end(), name.begin(), name.end());
  auto h = sha1(data);
  h[6] = static_cast<std::uint8_t>((h[6] & 0x0f) | 0x50);  // version 5
  h[8] = static_cast<std::uint8_t>((h[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", h[i]);
  }
  return hex;
}

// ---------------------------------------------------------------------------------------------

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
         });
}

/// Percent-encodes what a purl component must not hold verbatim (everything but unreserved).
std::string purl_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || ch == '-' || ch == '.' || ch == '_' ||
        ch == '~')
      out += ch;
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

/// An address from the app as an IRI reference: bytes an IRI cannot hold verbatim (controls,
/// space, "<>\^`{|}) are percent-encoded; UTF-8 is kept.
std::string iri_safe(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u == 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '^' || ch == '`' || ch == '{' ||
        ch == '|' || ch == '}')
      out += fmt::format("%{:02X}", u);
    else
      out += ch;
  }
  return out;
}

double confidence_value(const std::string& c) {
  if (c == "high") return 1.0;
  if (c == "medium") return 0.7;
  return 0.4;
}

void prop(ordered_json& props, std::string_view name, const std::string& value) {
  if (!value.empty()) props.push_back({{"name", name}, {"value", value}});
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

/// purl for an SDK whose package coordinate the database knows; "" otherwise.
std::string sdk_purl(const SdkFinding& s, std::string* group) {
  std::string version = s.version.empty() ? "" : "@" + purl_escape(s.version);
  if (!s.maven.empty()) {
    auto colon = s.maven.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.maven.size()) return "";
    std::string g = s.maven.substr(0, colon), a = s.maven.substr(colon + 1);
    if (auto c2 = a.find(':'); c2 != std::string::npos) a = a.substr(0, c2);  // "g:a:v" -> g:a
    if (a.empty()) return "";
    if (group) *group = g;
    return "pkg:maven/" + purl_escape(g) + "/" + purl_escape(a) + version;
  }
  if (!s.cocoapod.empty()) return "pkg:cocoapods/" + purl_escape(s.cocoapod) + version;
  return "";
}

ordered_json sdk_evidence(const SdkFinding& s) {
  const auto& e = s.evidence;
  double conf = confidence_value(s.confidence);
  std::vector<std::string> binary, manifest;
  if (!e.class_examples.empty())
    binary.push_back(fmt::format("classes ({} matched): {}", e.class_count, join(e.class_examples, ", ")));
  else if (e.class_count)
    binary.push_back(fmt::format("classes: {} matched", e.class_count));
  if (!e.packages.empty()) binary.push_back("package prefixes: " + join(e.packages, ", "));
  if (!e.native_libs.empty()) binary.push_back("native libraries: " + join(e.native_libs, ", "));
  std::vector<std::string> ios_code, plist;
  for (const auto& o : e.other) (o.rfind("plist.key:", 0) == 0 || o.rfind("skadnetwork:", 0) == 0 ? plist : ios_code).push_back(o);
  if (!ios_code.empty()) binary.push_back("binary symbols: " + join(ios_code, ", "));
  if (!e.domains.empty()) binary.push_back("hosts in code: " + join(e.domains, ", "));
  if (!e.manifest_components.empty()) manifest.push_back("manifest components: " + join(e.manifest_components, ", "));
  if (!e.manifest_meta_data.empty()) manifest.push_back("manifest meta-data: " + join(e.manifest_meta_data, ", "));
  if (!plist.empty()) manifest.push_back("Info.plist: " + join(plist, ", "));
  ordered_json methods = ordered_json::array();
  if (!binary.empty()) methods.push_back({{"technique", "binary-analysis"}, {"confidence", conf}, {"value", join(binary, "; ")}});
  if (!manifest.empty())
    methods.push_back({{"technique", "manifest-analysis"}, {"confidence", conf}, {"value", join(manifest, "; ")}});
  ordered_json identity = {{"field", "name"}, {"confidence", conf}};
  if (!methods.empty()) identity["methods"] = methods;
  ordered_json ev = {{"identity", identity}};
  if (!e.locations.empty()) {
    ordered_json occ = ordered_json::array();
    for (const auto& l : e.locations) occ.push_back({{"location", l}});
    ev["occurrences"] = occ;
  }
  return ev;
}

}  // namespace

std::string cyclonedx_serial_number(const ScanResult& r) {
  return "urn:uuid:" + uuid_v5(kCycloneDxNamespace, r.input.sha256 + "/" + r.scanner.version + "/" + r.scanner.signatures_version);
}

ordered_json cyclonedx_bom(const ScanResult& r, const CycloneDxOptions& opts) {
  ordered_json bom;
  bom["$schema"] = "http://cyclonedx.org/schema/bom-1.5.schema.json";
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.5";
  const std::string serial = cyclonedx_serial_number(r);
  bom["serialNumber"] = serial;
  bom["version"] = 1;

  // --- metadata: the tool and the app
  ordered_json meta;
  if (!opts.timestamp.empty()) meta["timestamp"] = opts.timestamp;
  meta["lifecycles"] = ordered_json::array({{{"phase", "post-build"}}});
  ordered_json tool = {{"type", "application"}, {"bom-ref", "tool:sdkscope"}, {"name", "sdkscope"}};
  if (!r.scanner.version.empty()) tool["version"] = r.scanner.version;
  ordered_json tool_props = ordered_json::array();
  prop(tool_props, "sdkscope:signatures_version", r.scanner.signatures_version);
  prop(tool_props, "sdkscope:signatures_count", std::to_string(r.scanner.signatures_count));
  tool["properties"] = tool_props;
  meta["tools"] = {{"components", ordered_json::array({tool})}};

  const std::string app_ref = "app:" + (r.app.id.empty() ? (r.input.sha256.empty() ? std::string("input") : r.input.sha256) : r.app.id);
  ordered_json app = {{"type", "application"}, {"bom-ref", app_ref}};
  std::string input_name = r.input.path.substr(r.input.path.find_last_of("/\\") == std::string::npos ? 0 : r.input.path.find_last_of("/\\") + 1);
  app["name"] = !r.app.name.empty() ? r.app.name : !r.app.id.empty() ? r.app.id : !input_name.empty() ? input_name : "input";
  std::string version = !r.app.version_name.empty() ? r.app.version_name
                        : r.app.version_code          ? std::to_string(*r.app.version_code)
                                                      : "";
  if (!version.empty()) app["version"] = version;
  if (is_hex64(r.input.sha256)) app["hashes"] = ordered_json::array({{{"alg", "SHA-256"}, {"content", r.input.sha256}}});
  ordered_json app_props = ordered_json::array();
  prop(app_props, "sdkscope:app_id", r.app.id);
  prop(app_props, "sdkscope:platform", r.app.platform);
  if (r.app.version_code) prop(app_props, "sdkscope:version_code", std::to_string(*r.app.version_code));
  if (r.app.min_sdk) prop(app_props, "sdkscope:min_sdk", std::to_string(*r.app.min_sdk));
  if (r.app.target_sdk) prop(app_props, "sdkscope:target_sdk", std::to_string(*r.app.target_sdk));
  prop(app_props, "sdkscope:min_os", r.app.min_os);
  for (const auto& f : r.app.frameworks) prop(app_props, "sdkscope:app_framework", f);
  prop(app_props, "sdkscope:input_path", r.input.path);
  prop(app_props, "sdkscope:input_format", r.input.format);
  prop(app_props, "sdkscope:input_size", std::to_string(r.input.size));
  app["properties"] = app_props;
  meta["component"] = app;

  ordered_json meta_props = ordered_json::array();
  prop(meta_props, "sdkscope:home_jurisdiction", r.home_jurisdiction);
  for (const auto& p : r.coverage.packers) prop(meta_props, "sdkscope:packer", p);
  if (r.coverage.sdk_list_incomplete) prop(meta_props, "sdkscope:sdk_list_incomplete", "true");
  for (const auto& n : r.coverage.notes) prop(meta_props, "sdkscope:coverage_note", n);
  if (r.policy.evaluated) {
    prop(meta_props, "sdkscope:policy", r.policy.name);
    prop(meta_props, "sdkscope:policy_result", r.policy.passed ? "passed" : "failed");
    prop(meta_props, "sdkscope:policy_violations", std::to_string(r.policy.violations));
  }
  if (!meta_props.empty()) meta["properties"] = meta_props;
  bom["metadata"] = meta;

  // --- components: one per SDK
  std::set<std::string> sdk_ids;
  for (const auto& s : r.sdks) sdk_ids.insert(s.id);
  ordered_json components = ordered_json::array();
  for (const auto& s : r.sdks) {
    ordered_json c = {{"type", "library"}, {"bom-ref", "sdk:" + s.id}};
    if (!s.vendor.name.empty()) c["supplier"] = {{"name", s.vendor.name}};
    std::string group;
    std::string purl = sdk_purl(s, &group);
    if (!group.empty()) c["group"] = group;
    c["name"] = s.name.empty() ? s.id : s.name;
    if (!s.version.empty()) c["version"] = s.version;
    if (!purl.empty()) c["purl"] = purl;
    c["evidence"] = sdk_evidence(s);
    ordered_json props = ordered_json::array();
    prop(props, "sdkscope:sdk_id", s.id);
    prop(props, "sdkscope:vendor_id", s.vendor.id);
    prop(props, "sdkscope:vendor_country", s.vendor.country);
    prop(props, "sdkscope:vendor_data_jurisdiction", s.vendor.data_jurisdiction);
    for (const auto& p : s.vendor.chain) prop(props, "sdkscope:vendor_parent", p);
    for (const auto& cat : s.categories) prop(props, "sdkscope:category", cat);
    prop(props, "sdkscope:confidence", s.confidence);
    prop(props, "sdkscope:part_of", s.part_of);
    c["properties"] = props;
    components.push_back(std::move(c));
  }
  bom["components"] = components;

  // --- services: one per third-party data flow (the vendor's backend the SDKs talk to)
  std::map<std::string, std::vector<std::string>> urls_by_host;
  for (const auto& e : r.endpoints)
    if (!e.url.empty()) urls_by_host[e.host].push_back(e.url);
  std::map<std::string, std::vector<std::string>> services_by_sdk;
  std::set<std::string> service_refs;
  std::vector<std::string> service_order;
  // BOM-Link to the app component: where the data comes from (urn:cdx:SERIAL/VERSION#REF).
  std::string fragment;
  for (char ch : iri_safe(app_ref)) fragment += ch == '#' ? std::string("%23") : std::string(1, ch);
  const std::string app_link = "urn:cdx:" + serial.substr(9) + "/1#" + fragment;
  ordered_json services = ordered_json::array();
  for (const auto& f : r.data_flows) {
    std::string ref = "service:" + (f.vendor.id.empty() ? f.vendor.name : f.vendor.id);
    for (int n = 2; !service_refs.insert(ref).second; ++n) ref = fmt::format("service:{}#{}", f.vendor.id, n);
    service_order.push_back(ref);
    for (const auto& sdk : f.sdks)
      if (sdk_ids.count(sdk)) services_by_sdk[sdk].push_back(ref);
    ordered_json svc = {{"bom-ref", ref}};
    std::string vendor = f.vendor.name.empty() ? f.vendor.id : f.vendor.name;
    if (!vendor.empty()) svc["provider"] = {{"name", vendor}};
    svc["name"] = vendor.empty() ? ref : vendor;
    svc["description"] = "Backend of the vendor's SDKs in this app: " + (f.sdks.empty() ? std::string("none") : join(f.sdks, ", "));
    std::set<std::string> seen;
    ordered_json endpoints = ordered_json::array();
    for (const auto& host : f.endpoints) {
      auto it = urls_by_host.find(host);
      if (it == urls_by_host.end()) {
        if (seen.insert(iri_safe(host)).second) endpoints.push_back(iri_safe(host));
        continue;
      }
      for (const auto& u : it->second)
        if (seen.insert(iri_safe(u)).second) endpoints.push_back(iri_safe(u));
    }
    if (!endpoints.empty()) svc["endpoints"] = endpoints;
    svc["x-trust-boundary"] = f.cross_border;
    ordered_json data = ordered_json::array();
    // Direction is relative to the service (CycloneDX 1.5): the app's data enters it.
    for (const auto& d : f.data)
      data.push_back({{"flow", "inbound"}, {"classification", d}, {"source", ordered_json::array({app_link})}});
    if (!data.empty()) svc["data"] = data;
    ordered_json props = ordered_json::array();
    prop(props, "sdkscope:vendor_id", f.vendor.id);
    prop(props, "sdkscope:vendor_country", f.vendor.country);
    for (const auto& p : f.vendor.chain) prop(props, "sdkscope:vendor_parent", p);
    for (const auto& d : f.destinations) prop(props, "sdkscope:destination", d);
    prop(props, "sdkscope:cross_border", f.cross_border ? "true" : "false");
    prop(props, "sdkscope:legal_hook", f.legal_hook);
    for (const auto& n : f.transfer_notes) prop(props, "sdkscope:transfer_note", n);
    if (f.china) prop(props, "sdkscope:china", "true");
    for (const auto& sdk : f.sdks) prop(props, "sdkscope:sdk", sdk);
    svc["properties"] = props;
    services.push_back(std::move(svc));
  }
  if (!services.empty()) bom["services"] = services;

  // --- dependencies: app -> top-level SDKs; SDK -> its sub-SDKs and the services it feeds
  std::map<std::string, std::vector<std::string>> children;
  ordered_json app_deps = ordered_json::array();
  for (const auto& s : r.sdks) {
    if (!s.part_of.empty() && s.part_of != s.id && sdk_ids.count(s.part_of))
      children[s.part_of].push_back("sdk:" + s.id);
    else
      app_deps.push_back("sdk:" + s.id);
  }
  ordered_json deps = ordered_json::array();
  deps.push_back({{"ref", app_ref}, {"dependsOn", app_deps}});
  for (const auto& s : r.sdks) {
    ordered_json on = ordered_json::array();
    std::set<std::string> added;
    for (const auto& c : children[s.id])
      if (added.insert(c).second) on.push_back(c);
    for (const auto& svc : services_by_sdk[s.id])
      if (added.insert(svc).second) on.push_back(svc);
    deps.push_back({{"ref", "sdk:" + s.id}, {"dependsOn", on}});
  }
  for (const auto& ref : service_order) deps.push_back({{"ref", ref}, {"dependsOn", ordered_json::array()}});
  bom["dependencies"] = deps;

  // --- compositions: static matching cannot prove the SDK list complete
  bom["compositions"] = ordered_json::array(
      {{{"aggregate", r.coverage.sdk_list_incomplete ? "incomplete" : "unknown"},
        {"assemblies", ordered_json::array({app_ref})},
        {"dependencies", ordered_json::array({app_ref})}}});
  return bom;
}

std::string write_cyclonedx_report(const ScanResult& r, const CycloneDxOptions& opts) {
  return cyclonedx_bom(r, opts).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sdkscope
