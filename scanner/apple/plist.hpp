// Property lists (XML and binary) through libplist, converted to JSON values so the rest of the
// scanner reads them without libplist types. Also the Info.plist and privacy-manifest models.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

/// Bounds on what parse_plist hands to libplist 2.2, which recurses once per nesting level and
/// copies a shared binary object once per reference: both are checked on the raw bytes first.
struct PlistLimits {
  /// Larger "plists" are not configuration; also bounds the string/data bytes a binary plist may
  /// expand to when libplist copies its shared objects.
  std::size_t max_bytes = 64u << 20;
  /// Nesting bound (root = depth 0; capped at 512). Cyclic binary plists are refused outright.
  std::size_t max_depth = 64;
  /// Values in the tree (dictionary keys not counted); a shared binary object counts once per reference.
  std::size_t max_nodes = 1'000'000;
};

/// Parses an XML or binary ("bplist00") plist into JSON (dict -> object, array -> array,
/// data -> base64 string, date -> ISO 8601 UTC string "2024-01-02T03:04:05Z", uid -> integer,
/// integer -> int64, or uint64 when above INT64_MAX, real -> double, non-finite -> null). libplist
/// 2.2 keeps dates as 32-bit seconds from 2001, so dates outside 1933-2069 come back wrapped; it
/// also reads unparsable <integer> text as 0 and unparsable <date> text as some date rather than
/// failing. XML may start with a UTF-8 BOM or whitespace, or be UTF-16 with a BOM. Strings are valid UTF-8 (bad bytes -> U+FFFD).
/// nullopt + diagnostic ("plist.invalid", "plist.limit") when unreadable. Never throws.
std::optional<nlohmann::json> parse_plist(Bytes data, Diagnostics& diags, const std::string& where,
                                          const PlistLimits& limits = {});

/// App Transport Security (Info.plist NSAppTransportSecurity); unset optionals = key absent.
struct AtsSettings {
  bool present = false;
  std::optional<bool> allows_arbitrary_loads;
  std::optional<bool> allows_arbitrary_loads_for_media;
  std::optional<bool> allows_arbitrary_loads_in_web_content;
  std::optional<bool> allows_local_networking;
  struct DomainException {
    std::string domain;
    std::optional<bool> includes_subdomains;
    std::optional<bool> allows_insecure_http_loads;
    std::string minimum_tls_version;
    std::optional<bool> requires_forward_secrecy;
  };
  std::vector<DomainException> exception_domains;
};

/// What the scanner reads from an Info.plist (app, framework or extension bundle).
struct InfoPlist {
  std::string bundle_id, name, display_name, executable, short_version, version, min_os, package_type;
  std::vector<std::string> device_capabilities;
  std::vector<std::string> url_schemes;
  std::vector<std::string> queries_schemes;  ///< LSApplicationQueriesSchemes
  AtsSettings ats;
  std::vector<std::string> skadnetwork_ids;  ///< SKAdNetworkItems[].SKAdNetworkIdentifier, lowercase
  /// NS...UsageDescription -> purpose string, plus NSLocationTemporaryUsageDescriptionDictionary
  /// (its purpose-key -> text pairs joined as "key: text; key: text").
  std::map<std::string, std::string> usage_descriptions;
  std::vector<std::string> keys;  ///< every top-level key, sorted
  std::string extension_point;    ///< NSExtension.NSExtensionPointIdentifier (app extensions;
                                  ///< EXAppExtensionAttributes.EXExtensionPointIdentifier for ExtensionKit)
};

/// Reads the Info.plist model from a parsed plist. Missing keys stay empty; wrong types are
/// reported under `where` ("plist.bad_type") and skipped. ATS exception keys are read in all
/// three spellings (NSException..., NSTemporaryException..., NSThirdPartyException...), keeping
/// the most permissive value when several are set. Never throws.
InfoPlist read_info_plist(const nlohmann::json& plist, Diagnostics& diags, const std::string& where);

/// PrivacyInfo.xcprivacy, entries in file order.
struct PrivacyManifest {
  std::optional<bool> tracking;
  std::vector<std::string> tracking_domains;
  struct CollectedData {
    std::string type;  ///< NSPrivacyCollectedDataType...
    std::optional<bool> linked, tracking;
    std::vector<std::string> purposes;
  };
  std::vector<CollectedData> collected;
  struct AccessedApi {
    std::string type;  ///< NSPrivacyAccessedAPICategory...
    std::vector<std::string> reasons;
  };
  std::vector<AccessedApi> accessed_apis;
};

/// Reads PrivacyInfo.xcprivacy. Values outside Apple's vocabulary (privacy_manifest.hpp) are kept
/// and reported as info "privacy_manifest.unknown_value"; keys outside the format as info
/// "privacy_manifest.unknown_key"; an entry without its type key as "privacy_manifest.incomplete";
/// wrong types as "plist.bad_type" (skipped). Never throws.
PrivacyManifest read_privacy_manifest(const nlohmann::json& plist, Diagnostics& diags, const std::string& where);

/// The facts of an embedded.mobileprovision.
struct ProvisioningProfile {
  std::string name, team_id, team_name, app_id, uuid;
  std::string expiration;               ///< ISO 8601
  bool get_task_allow = false;          ///< development profile
  bool provisions_all_devices = false;  ///< enterprise (in-house) distribution
  std::size_t provisioned_devices = 0;
  nlohmann::json entitlements = nlohmann::json::object();
  std::string bundle_id;               ///< app_id without its team/prefix ("com.example.app", "*", "com.example.*")
  std::string creation;                ///< CreationDate, ISO 8601
  std::string app_id_name;             ///< AppIDName
  std::vector<std::string> platforms;  ///< Platform: "iOS", "xrOS", ...
};

/// embedded.mobileprovision: a CMS (PKCS#7) SignedData envelope around an XML plist (OpenSSL).
/// The signature is not verified (offline, no trust store); the content is read. nullopt +
/// diagnostic ("mobileprovision.invalid", "mobileprovision.limit", or parse_plist's codes) when
/// unreadable; wrong-typed fields are reported ("plist.bad_type") and left empty. Never throws.
std::optional<ProvisioningProfile> parse_mobileprovision(Bytes data, Diagnostics& diags, const std::string& where);

}  // namespace sdkscope::apple
