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

struct SdkRecord {
  std::string id, name, vendor, part_of, description, website;
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
  std::unique_ptr<Index> index_;
};

}  // namespace sdkscope
