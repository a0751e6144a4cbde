// ScanResult: the one plain data model every report writer reads. Deterministic: every list is
// sorted by the engine before it is handed out, so the same input and database give the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "scanner/model/diagnostic.hpp"

namespace sdkscope {

/// Version of the JSON report schema (docs/report-schema.md). Bumped on incompatible changes.
inline constexpr int kReportSchemaVersion = 1;

struct ScannerInfo {
  std::string version;
  std::string signatures_version;
  std::size_t signatures_count = 0;
};

struct InputInfo {
  std::string path;
  std::string sha256;
  std::uint64_t size = 0;
  std::string format;  ///< "apk", "apks", "xapk", "apkm", "aab", "dex", "so", ...
};

/// A part of the bundle that was scanned (a split, a nested APK, an AAB module).
struct BundlePart {
  std::string path;  ///< location inside the input ("" for the input itself)
  std::string kind;  ///< "base", "split", "nested", "module"
  std::string name;  ///< split or module name when known
};

struct AppInfo {
  std::string platform;  ///< "android", "ios", "" when unknown (a bare SDK artifact)
  std::string id;
  std::string name;
  std::string version_name;
  std::optional<std::int64_t> version_code;
  std::optional<int> min_sdk;
  std::optional<int> target_sdk;
  std::string min_os;  ///< iOS MinimumOSVersion ("" on Android)
  std::vector<std::string> frameworks;  ///< app frameworks (Flutter, React Native ...), by SDK id
  std::vector<BundlePart> parts;
  std::vector<std::uint8_t> icon_png;  ///< the launcher icon (PNG bytes) when the bundle has a usable one; not in the JSON report
  std::string icon_path;               ///< where it was found ("res/mipmap-xxxhdpi-v4/ic_launcher.png"); "" when none
};

struct VendorInfo {
  std::string id;
  std::string name;
  std::string country;  ///< HQ, ISO 3166-1 alpha-2
  std::string data_jurisdiction;
  std::vector<std::string> chain;  ///< parent chain names, nearest first ("ByteDance" for Volcengine)
};

struct SdkEvidence {
  std::size_t class_count = 0;
  std::vector<std::string> class_examples;  ///< a few claimed class names, sorted
  std::vector<std::string> packages;        ///< rule prefixes that matched
  std::vector<std::string> native_libs;
  std::vector<std::string> manifest_components;
  std::vector<std::string> manifest_meta_data;
  std::vector<std::string> domains;
  std::vector<std::string> other;           ///< other kinds as "kind:value"
  std::vector<std::string> locations;       ///< where the evidence sits in the bundle
};

struct SdkFinding {
  std::string id;
  std::string name;
  VendorInfo vendor;
  std::vector<std::string> categories;
  std::string confidence;  ///< "high", "medium", "low"
  std::string part_of;     ///< parent SDK id for sub-components
  std::string version;     ///< "" when not revealed
  std::string maven;       ///< Maven coordinate "group:artifact" when known ("" otherwise); CycloneDX purl
  std::string cocoapod;    ///< CocoaPods pod name when known ("" otherwise); CycloneDX purl
  SdkEvidence evidence;
};

struct PermissionInfo {
  std::string name;
  std::string platform;    ///< "android" / "ios"
  std::string protection;  ///< android: normal/dangerous/signature...; "unknown" or "custom"
  std::vector<std::string> data;  ///< data categories it opens
  std::optional<int> max_sdk;
  std::string description;  ///< platform label, or the developer's purpose string (iOS)
  std::vector<std::string> sources;  ///< bundle parts that request it
  std::vector<std::string> sdks;     ///< detected SDKs documented to need it
};

struct EndpointSource {
  std::string location;  ///< entry path
  std::string holder;    ///< class or binary holding the string
  friend bool operator<(const EndpointSource& a, const EndpointSource& b) {
    return a.location != b.location ? a.location < b.location : a.holder < b.holder;
  }
  friend bool operator==(const EndpointSource&, const EndpointSource&) = default;
};

struct EndpointInfo {
  std::string url;     ///< normalised URL, "" for a bare host
  std::string host;
  std::string domain;  ///< registrable domain (public suffix + 1), "" for IP literals
  std::string scheme;  ///< "https", "http", "wss", ... ; "" for a bare host
  std::optional<int> port;
  bool ip_literal = false;
  bool cleartext = false;
  std::string sdk;     ///< SDK id whose code holds it, or whose domain list names it
  std::string owner_id, owner_name, owner_country;  ///< from the domain table, else the SDK's vendor
  bool first_party = false;  ///< the app's own domain (from its id, or only its own code uses it)
  std::optional<bool> cleartext_allowed;  ///< the app's policy lets cleartext reach this host (unknown for artifacts)
  std::string tld_country;  ///< country of a country-code TLD (".cn" -> "CN"), "" for generic TLDs
  std::string geo_country;  ///< IP literals: country from the user's --geoip database, "" otherwise
  std::vector<EndpointSource> sources;
};

/// App Transport Security as declared (iOS Info.plist NSAppTransportSecurity).
struct AtsInfo {
  bool present = false;
  std::optional<bool> allows_arbitrary_loads, allows_arbitrary_loads_for_media, allows_arbitrary_loads_in_web_content,
      allows_local_networking;
  struct Exception {
    std::string domain;
    std::optional<bool> includes_subdomains, allows_insecure_http_loads, requires_forward_secrecy;
    std::string minimum_tls_version;
  };
  std::vector<Exception> exception_domains;
};

struct PrivacyManifestInfo {
  std::string location;  ///< where the PrivacyInfo.xcprivacy sits
  std::string owner;     ///< "app", or the framework / bundle / extension name
  std::optional<bool> tracking;
  std::vector<std::string> tracking_domains;
  struct Collected {
    std::string type;
    std::optional<bool> linked, tracking;
    std::vector<std::string> purposes;
  };
  std::vector<Collected> collected;
  struct Api {
    std::string type;
    std::vector<std::string> reasons;
  };
  std::vector<Api> accessed_apis;
};

/// Privacy-manifest audit: what the binaries do that no manifest declares.
struct PrivacyAudit {
  struct MissingReason {
    std::string category;               ///< NSPrivacyAccessedAPICategory...
    std::vector<std::string> evidence;  ///< "binary: symbol" that use the API
  };
  std::vector<MissingReason> undeclared_required_reason_apis;
  std::vector<std::string> undeclared_tracking_domains;
  std::vector<std::string> sdks_without_manifest;  ///< Apple-listed SDK frameworks shipped without one
};

struct ProvisioningInfo {
  std::string name, team_id, team_name, app_id, expiration;
  bool get_task_allow = false;
  bool provisions_all_devices = false;
  std::size_t provisioned_devices = 0;
};

struct IosBundlePart {
  std::string path, kind;  ///< kind: "app", "extension", "watch", "framework"
  std::string bundle_id, version, extension_point;
};

struct IosInfo {
  bool present = false;
  std::string min_os, build;
  std::vector<std::string> device_capabilities, url_schemes, queries_schemes, skadnetwork_ids;
  AtsInfo ats;
  std::vector<std::pair<std::string, std::string>> entitlements;  ///< key -> compact JSON value
  std::optional<ProvisioningInfo> provisioning;
  std::vector<PrivacyManifestInfo> privacy_manifests;
  PrivacyAudit privacy_audit;
  std::vector<std::string> encrypted_binaries;
  std::vector<IosBundlePart> bundles;  ///< app, extensions, watch apps, frameworks
};

/// Where the app allows cleartext (http://, ws://) traffic: Android's usesCleartextTraffic and
/// network security config, or iOS App Transport Security.
struct CleartextPolicy {
  bool known = false;
  bool default_allowed = false;
  std::string source;  ///< what decided the default ("network_security_config base-config", "targetSdkVersion >= 28" ...)
  struct Rule {
    std::string domain;
    bool include_subdomains = false;
    bool allowed = false;
  };
  std::vector<Rule> rules;

  /// The most specific rule naming the host (exact, then subdomain rules), else the default.
  bool allows(const std::string& host) const {
    const Rule* best = nullptr;
    for (const auto& r : rules) {
      bool exact = host == r.domain;
      bool sub = r.include_subdomains && host.size() > r.domain.size() &&
                 host.compare(host.size() - r.domain.size(), r.domain.size(), r.domain) == 0 &&
                 host[host.size() - r.domain.size() - 1] == '.';
      if (!exact && !sub) continue;
      if (!best || r.domain.size() > best->domain.size() || (exact && best->domain == r.domain)) best = &r;
    }
    return best ? best->allowed : default_allowed;
  }
};

/// An address-like string dropped by the noise filters (reported with --show-filtered).
struct FilteredEndpoint {
  std::string raw, reason, location;
  friend bool operator<(const FilteredEndpoint& a, const FilteredEndpoint& b) {
    return std::tie(a.reason, a.raw, a.location) < std::tie(b.reason, b.raw, b.location);
  }
  friend bool operator==(const FilteredEndpoint&, const FilteredEndpoint&) = default;
};

/// Data leaving the app for one third party (vendor): who, which SDKs, where, what it can get.
struct DataFlow {
  VendorInfo vendor;
  std::vector<std::string> sdks;
  std::vector<std::string> endpoints;       ///< hosts its SDKs' code holds or its domains name (capped)
  std::vector<std::string> data;            ///< categories: what its SDKs document collecting + what the app's permissions let them read
  std::vector<std::string> destinations;    ///< ISO countries: vendor HQ / data jurisdiction, endpoint owners, ccTLDs
  bool cross_border = false;                ///< any destination outside the home jurisdiction
  std::string legal_hook;                   ///< e.g. "GDPR Chapter V (Art. 44-50)"
  std::vector<std::string> transfer_notes;  ///< per destination: adequacy or the safeguards a transfer needs
  bool china = false;                       ///< the vendor or its parent chain is based in China
};


/// One entry of the check catalogue (signatures/checks.json) or a policy rule: what SARIF calls a
/// rule. Carried in the result so every writer can describe a finding without the database.
struct CheckInfo {
  std::string id;          ///< stable: "android.transport.cleartext_allowed", "policy.deny_vendor_country"
  std::string title;
  std::string category;    ///< transport, configuration, crypto, secrets, fingerprinting, input_capture,
                           ///< dynamic_code, anti_analysis, concealment, privacy, policy
  std::string platform;    ///< "android", "ios" or "any"
  std::string severity;    ///< default severity: "critical", "high", "medium", "low", "info"
  std::string confidence;  ///< default confidence: "high", "medium", "low"
  std::string description;  ///< one paragraph: what it means and why it matters
  std::string remediation;
  std::vector<std::string> cwe;         ///< "CWE-319"
  std::vector<std::string> masvs;       ///< OWASP MASVS v2 control ids: "MASVS-NETWORK-1"
  std::vector<std::string> references;  ///< URLs (platform docs, MASTG tests)
};

/// Where one piece of a finding's evidence sits.
struct FindingLocation {
  std::string artifact;  ///< entry inside the bundle: "classes2.dex", "split.apk!/lib/arm64-v8a/libx.so",
                         ///< "AndroidManifest.xml", "Payload/X.app/Info.plist"; "" for the input as a whole
  std::string logical;   ///< class, component, binary symbol, plist key path, host
  std::string detail;    ///< what was seen there: "calls javax.crypto.Cipher.getInstance", "const-string \"DESede\""
  std::string sdk;       ///< SDK id whose code holds it ("" for the app's own code or unknown)
  friend bool operator<(const FindingLocation& a, const FindingLocation& b) {
    return std::tie(a.artifact, a.logical, a.detail, a.sdk) < std::tie(b.artifact, b.logical, b.detail, b.sdk);
  }
  friend bool operator==(const FindingLocation&, const FindingLocation&) = default;
};

/// One check (or policy rule) that fired on this input.
struct Finding {
  std::string check;       ///< CheckInfo::id
  std::string title;       ///< the check's title
  std::string category;
  std::string severity;    ///< may differ from the check's default (e.g. raised when an SDK is involved)
  std::string confidence;
  std::string message;     ///< one sentence specific to this input
  std::vector<std::string> sdks;  ///< SDKs whose code holds the evidence, sorted
  std::vector<FindingLocation> evidence;  ///< sorted, capped at kMaxFindingEvidence
  std::size_t evidence_total = 0;  ///< evidence items before the cap
  bool waived = false;             ///< a policy allowlist entry covers it (kept for the record, not counted)
  std::string waiver;              ///< the allowlist entry's justification when waived
};
inline constexpr std::size_t kMaxFindingEvidence = 20;

/// The policy gate's verdict (--policy FILE).
struct PolicyVerdict {
  bool evaluated = false;
  std::string name;     ///< the policy's "name"
  std::string path;     ///< file it was read from (as given)
  bool passed = true;   ///< no unwaived violation
  std::size_t violations = 0;  ///< unwaived policy findings
  struct Waiver {
    std::string rule;           ///< allowlist entry's target: a check id, "sdk:ID", "vendor:ID", "domain:HOST"
    std::string justification;
    std::string expires;        ///< YYYY-MM-DD or ""
    bool expired = false;       ///< an expired entry waives nothing and is itself reported
    std::size_t used = 0;       ///< findings it waived
  };
  std::vector<Waiver> waivers;
};

/// How much of the code the SDK matching could see: packers and heavy renaming hide SDKs, so an
/// empty or short SDK list is then not evidence of absence.
struct AnalysisCoverage {
  std::vector<std::string> packers;    ///< packer / protector ids detected ("jiagu", "legu" ...)
  std::size_t classes = 0;             ///< classes defined in DEX / JAR code
  std::size_t short_name_classes = 0;  ///< classes whose simple name is one or two letters
  double short_name_ratio = 0;         ///< short_name_classes / classes
  bool encrypted_code = false;         ///< DEX or binaries stored encrypted (assets, FairPlay)
  bool sdk_list_incomplete = false;    ///< the SDK list may miss SDKs (see notes)
  std::vector<std::string> notes;      ///< why, one sentence each
};

struct ScanResult {
  ScannerInfo scanner;
  InputInfo input;
  AppInfo app;
  std::vector<SdkFinding> sdks;
  std::vector<PermissionInfo> permissions;
  std::vector<EndpointInfo> endpoints;
  std::vector<FilteredEndpoint> filtered_endpoints;  ///< only with ScanOptions::show_filtered
  std::string home_jurisdiction;  ///< what data_flows measure transfers against ("EU" by default)
  std::vector<DataFlow> data_flows;
  std::vector<Diagnostic> diagnostics;
  IosInfo ios;  ///< reported only for iOS inputs
  CleartextPolicy cleartext_policy;
  std::vector<Finding> findings;  ///< sorted by severity (critical first), then check id
  std::vector<CheckInfo> checks;  ///< descriptors of every check and policy rule evaluated, sorted by id
  PolicyVerdict policy;
  AnalysisCoverage coverage;
  /// Scan statistics (entries read, classes, strings ...), reported for transparency.
  std::map<std::string, std::uint64_t> stats;
};

}  // namespace sdkscope
