// The signature database: SDK and vendor records loaded from signatures/, validated, and compiled
// once into read-only indexes (package trie, literal maps, RE2 sets, domain suffix map) that all
// scan threads share. Format and rules: signatures/README.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scanner/model/evidence.hpp"

namespace sdkscope {

struct VendorRecord {
  std::string id, name, legal_name, parent, country, data_jurisdiction, website;
  std::vector<std::string> sources;
};

struct EvidenceExample {
  EvidenceKind kind;
  std::string value;
};

struct AndroidRules {
  std::vector<std::string> packages, classes, exclude, native_libs, components, meta_data, permissions;
  std::uint32_t min_classes = 1;
  bool empty() const {
    return packages.empty() && classes.empty() && native_libs.empty() && components.empty() && meta_data.empty();
  }
};

struct IosRules {
  std::vector<std::string> frameworks, classes, class_prefixes, swift_modules, symbols, plist_keys, skadnetwork_ids;
  std::uint32_t min_classes = 1;
  bool empty() const {
    return frameworks.empty() && classes.empty() && class_prefixes.empty() && swift_modules.empty() &&
           symbols.empty() && plist_keys.empty() && skadnetwork_ids.empty();
  }
};

/// Where an artifact reveals an SDK's version (signatures/README.md "versions").
struct VersionRule {
  enum class From { File, String, NativeLib };
  From from = From::File;
  std::string pattern;  ///< file path (File), or "re:..." (String, NativeLib)
  std::string holder;   ///< String: class prefix whose code loads the string ("" = any)
};

struct SdkRecord {
  std::string id, name, vendor, part_of, description, website;
  std::vector<std::string> collects;  ///< data categories the vendor documents collecting
  std::string collects_source;
  std::vector<VersionRule> versions;
  std::vector<std::string> categories;
  AndroidRules android;
  IosRules ios;
  std::vector<std::string> domains;
  std::vector<EvidenceExample> examples_match, examples_no_match;
  std::vector<std::string> sources;
  std::string file;  ///< which sdks/*.json it came from
};

struct PermissionRecord {
  std::string protection;
  std::vector<std::string> data;
  std::string label;
  bool removed = false;
};

/// A match of one evidence value against the compiled rules.
struct RuleHit {
  std::uint32_t record;
  std::string rule;  ///< the rule text that matched (prefix, literal or "re:...")
};

class SignatureDb {
 public:
  ~SignatureDb();
  SignatureDb(SignatureDb&&) noexcept;
  SignatureDb& operator=(SignatureDb&&) noexcept;

  /// Loads and validates every file of a signature directory. On failure returns nullopt and
  /// fills `errors` with one line per problem ("sdks/x.json: record 'a.b': unknown vendor 'q'").
  static std::optional<SignatureDb> load(const std::filesystem::path& dir, std::vector<std::string>& errors);
  /// Adds the records of another directory (user signatures beside ours); same validation.
  bool add_directory(const std::filesystem::path& dir, std::vector<std::string>& errors);

  std::string_view version() const { return version_; }
  /// The directory the database was loaded from (other tables beside it are read by their owners).
  const std::filesystem::path& dir() const { return dir_; }
  /// signatures/apple/privacy_impacting_sdks.json: Apple's list of privacy-impacting SDKs.
  bool is_apple_listed_sdk(std::string_view framework) const { return apple_listed_.count(std::string(framework)) > 0; }
  const std::vector<SdkRecord>& sdks() const { return sdks_; }
  const std::vector<VendorRecord>& vendors() const { return vendors_; }
  const SdkRecord* find_sdk(std::string_view id) const;
  const VendorRecord* find_vendor(std::string_view id) const;
  const PermissionRecord* find_permission(std::string_view name) const;
  std::size_t permission_count() const { return permissions_.size(); }

  /// The record claiming a Java class (exact class rules, else the longest package prefix whose
  /// record does not exclude it). nullopt when unclaimed.
  std::optional<RuleHit> match_class(std::string_view java_class) const;
  /// Records whose literal or regex rules of `kind` match `value` (not JavaClass, not Domain).
  std::vector<RuleHit> match_name(EvidenceKind kind, std::string_view value) const;
  /// Version rules: a string (with the class whose code loads it, "" when unknown), a native
  /// library file name, or a bundle file path. Each hit is (record, rule rank, version).
  struct VersionHit {
    std::uint32_t record, rank;
    std::string version;
  };
  std::vector<VersionHit> match_version_string(std::string_view s, std::string_view holder) const;
  std::vector<VersionHit> match_version_native_lib(std::string_view file_name) const;
  /// Records whose "file" version rule names this bundle path (e.g. META-INF/x.version).
  std::vector<VersionHit> version_file_rules(std::string_view path) const;
  /// True when any record has a "file" rule for this path (cheap pre-check before reading it).
  bool is_version_file(std::string_view path) const;
  /// Cheap pre-check: could any version-string rule match `s` (ignoring holders)?
  bool may_be_version_string(std::string_view s) const;
  /// Longest string the version-string rules need to look at (skip longer pool strings).
  static constexpr std::size_t kMaxVersionString = 128;

  /// The vendor owning `host` or its nearest listed parent domain (domains/*.json); nullptr when none.
  const VendorRecord* domain_owner(std::string_view host) const;
  std::size_t owned_domain_count() const { return domain_owners_.size(); }
  /// Records listing `host` or a parent domain of it (label-boundary suffix).
  std::vector<RuleHit> match_domain(std::string_view host) const;

 private:
  SignatureDb();
  bool compile(std::vector<std::string>& errors);
  struct Index;
  std::string version_;
  std::vector<VendorRecord> vendors_;
  std::vector<SdkRecord> sdks_;
  std::unordered_map<std::string, PermissionRecord> permissions_;
  std::unordered_map<std::string, std::string> domain_owners_;
  std::unordered_set<std::string> apple_listed_;
  std::filesystem::path dir_;  // registrable domain -> vendor id
  std::unique_ptr<Index> index_;
};

}  // namespace sdkscope
