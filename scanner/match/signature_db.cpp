// The compiled indexes of the signature database. Literal lookups (hash maps, a package trie, a
// domain suffix walk) answer almost every query; RE2::Set runs only for the few regex rules, in
// one linear-time pass per value (YARA's "atoms before regexes" idea).
#include "scanner/match/signature_db.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <re2/set.h>

#include "scanner/match/signature_db_internal.hpp"

namespace sdkscope {

namespace {

// A trie over dotted package segments. Node 0 is the root.
struct PackageTrie {
  struct Node {
    std::unordered_map<std::string, std::uint32_t> children;
    std::int32_t record = -1;                 // record whose package prefix ends here
    std::vector<std::uint32_t> excluded;      // records that exclude this prefix
    std::string prefix;
  };
  std::vector<Node> nodes{Node{}};

  std::uint32_t insert(std::string_view dotted) {
    std::uint32_t cur = 0;
    for (auto seg : split_dots(dotted)) {
      auto it = nodes[cur].children.find(std::string(seg));
      if (it == nodes[cur].children.end()) {
        nodes.push_back(Node{});
        auto id = static_cast<std::uint32_t>(nodes.size() - 1);
        nodes[cur].children.emplace(std::string(seg), id);
        cur = id;
      } else {
        cur = it->second;
      }
    }
    nodes[cur].prefix = std::string(dotted);
    return cur;
  }

  static std::vector<std::string_view> split_dots(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= s.size()) {
      auto pos = s.find('.', start);
      if (pos == std::string_view::npos) pos = s.size();
      out.push_back(s.substr(start, pos - start));
      start = pos + 1;
    }
    return out;
  }
};

// Literal and regex rules for one name-like evidence kind.
struct NameIndex {
  std::unordered_map<std::string, std::vector<std::uint32_t>> literal;
  std::vector<std::pair<std::uint32_t, std::string>> regex_owner;  // set index -> (record, rule)
  std::unique_ptr<RE2::Set> set;
  std::vector<std::string> pending;

  void add(std::string_view rule, std::uint32_t record) {
    if (is_regex_rule(rule)) {
      pending.push_back(regex_body(rule));
      regex_owner.emplace_back(record, std::string(rule));
    } else {
      literal[std::string(rule)].push_back(record);
    }
  }
  bool compile(std::string_view kind, std::vector<std::string>& errors) {
    if (pending.empty()) return true;
    RE2::Options opt;
    opt.set_log_errors(false);
    set = std::make_unique<RE2::Set>(opt, RE2::ANCHOR_BOTH);
    for (const auto& p : pending) {
      std::string err;
      if (set->Add(p, &err) < 0) {
        errors.push_back(fmt::format("{} regex '{}': {}", kind, p, err));
        return false;
      }
    }
    if (!set->Compile()) {
      errors.push_back(fmt::format("{} regexes: RE2 set too large to compile", kind));
      return false;
    }
    pending.clear();
    return true;
  }
};

}  // namespace

struct SignatureDb::Index {
  PackageTrie packages;
  std::unordered_map<std::string, std::uint32_t> classes;  // exact java class -> record
  std::array<NameIndex, kEvidenceKindCount> names;
  std::unordered_map<std::string, std::vector<std::uint32_t>> objc_prefixes;
  std::size_t max_objc_prefix = 0;
  std::unordered_map<std::string, std::vector<std::uint32_t>> domains;
  std::unordered_map<std::string, std::uint32_t> sdk_by_id;
  // Version rules: one RE2::Set per source finds candidate rules in one pass; the matched
  // rule's own RE2 then extracts the capture groups.
  struct VersionRegex {
    std::uint32_t record, rank;
    std::unique_ptr<RE2> re;
    std::string holder;
  };
  std::vector<VersionRegex> version_strings, version_libs;
  std::unique_ptr<RE2::Set> version_string_set, version_lib_set;
  std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, std::uint32_t>>> version_files;
  std::unordered_map<std::string, std::uint32_t> vendor_by_id;
};

SignatureDb::SignatureDb() = default;
SignatureDb::~SignatureDb() = default;
SignatureDb::SignatureDb(SignatureDb&&) noexcept = default;
SignatureDb& SignatureDb::operator=(SignatureDb&&) noexcept = default;

std::optional<SignatureDb> SignatureDb::load(const std::filesystem::path& dir, std::vector<std::string>& errors) {
  SignatureDb db;
  std::size_t before = errors.size();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    errors.push_back(fmt::format("{}: not a signature directory", dir.string()));
    return std::nullopt;
  }
  {
    std::ifstream in(dir / "db.json");
    try {
      auto j = nlohmann::json::parse(in);
      if (j.value("schema", 0) != 1) errors.push_back("db.json: unsupported schema (expected 1)");
      db.version_ = j.value("version", std::string());
      if (db.version_.empty()) errors.push_back("db.json: no version");
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("db.json: {}", e.what()));
    }
  }
  if (!db.add_directory(dir, errors)) return std::nullopt;
  if (std::filesystem::exists(dir / "permissions" / "android.json"))
    load_permission_file(dir / "permissions" / "android.json", db.permissions_, errors);
  if (std::filesystem::exists(dir / "permissions" / "ios.json"))
    load_permission_file(dir / "permissions" / "ios.json", db.permissions_, errors);
  load_apple_listed_sdks(dir / "apple" / "privacy_impacting_sdks.json", db.apple_listed_, errors);
  db.dir_ = dir;
  if (errors.size() != before) return std::nullopt;
  return db;
}

bool SignatureDb::add_directory(const std::filesystem::path& dir, std::vector<std::string>& errors) {
  std::size_t before = errors.size();
  if (std::filesystem::exists(dir / "vendors.json")) load_vendor_file(dir / "vendors.json", vendors_, errors);
  for (const auto& f : json_files(dir / "vendors")) load_vendor_file(f, vendors_, errors);
  for (const auto& f : json_files(dir / "sdks")) load_sdk_file(f, "sdks/" + f.filename().string(), sdks_, errors);
  std::vector<DomainOwnerBlock> owners;
  for (const auto& f : json_files(dir / "domains")) load_domain_file(f, owners, errors);
  if (errors.size() != before) return false;
  if (!validate_records(vendors_, sdks_, errors)) return false;
  std::unordered_set<std::string> vendor_ids;
  for (const auto& v : vendors_) vendor_ids.insert(v.id);
  for (const auto& block : owners) {
    if (!vendor_ids.count(block.vendor))
      errors.push_back(fmt::format("{}: unknown vendor '{}'", block.file, block.vendor));
    for (const auto& d : block.domains) {
      auto [it, fresh] = domain_owners_.emplace(d, block.vendor);
      if (!fresh && it->second != block.vendor)
        errors.push_back(fmt::format("{}: domain '{}' is owned by both '{}' and '{}'", block.file, d, it->second, block.vendor));
    }
  }
  if (errors.size() != before) return false;
  return compile(errors);
}

bool SignatureDb::compile(std::vector<std::string>& errors) {
  auto idx = std::make_unique<Index>();
  for (std::uint32_t i = 0; i < vendors_.size(); ++i) idx->vendor_by_id[vendors_[i].id] = i;
  for (std::uint32_t r = 0; r < sdks_.size(); ++r) {
    const auto& s = sdks_[r];
    idx->sdk_by_id[s.id] = r;
    for (const auto& p : s.android.packages) idx->packages.nodes[idx->packages.insert(p)].record = static_cast<std::int32_t>(r);
    for (const auto& p : s.android.exclude) idx->packages.nodes[idx->packages.insert(p)].excluded.push_back(r);
    for (const auto& c : s.android.classes) idx->classes[c] = r;
    auto add = [&](EvidenceKind k, const std::vector<std::string>& rules) {
      for (const auto& v : rules) idx->names[static_cast<std::size_t>(k)].add(v, r);
    };
    add(EvidenceKind::NativeLib, s.android.native_libs);
    add(EvidenceKind::ManifestComponent, s.android.components);
    add(EvidenceKind::ManifestMetaData, s.android.meta_data);
    add(EvidenceKind::MachoFramework, s.ios.frameworks);
    add(EvidenceKind::ObjcClass, s.ios.classes);
    add(EvidenceKind::SwiftModule, s.ios.swift_modules);
    add(EvidenceKind::MachoSymbol, s.ios.symbols);
    add(EvidenceKind::PlistKey, s.ios.plist_keys);
    add(EvidenceKind::SkAdNetwork, s.ios.skadnetwork_ids);
    for (const auto& p : s.ios.class_prefixes) {
      idx->objc_prefixes[p].push_back(r);
      idx->max_objc_prefix = std::max(idx->max_objc_prefix, p.size());
    }
    for (const auto& d : s.domains) idx->domains[d].push_back(r);
    for (std::uint32_t rank = 0; rank < s.versions.size(); ++rank) {
      const auto& v = s.versions[rank];
      if (v.from == VersionRule::From::File) {
        idx->version_files[v.pattern].emplace_back(r, rank);
        continue;
      }
      auto& list = v.from == VersionRule::From::String ? idx->version_strings : idx->version_libs;
      list.push_back({r, rank, std::make_unique<RE2>(regex_body(v.pattern), RE2::Quiet), v.holder});
    }
  }
  auto build_set = [&](std::vector<Index::VersionRegex>& list, std::unique_ptr<RE2::Set>& set) {
    if (list.empty()) return true;
    RE2::Options opt;
    opt.set_log_errors(false);
    set = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
    for (const auto& v : list)
      if (set->Add(v.re->pattern(), nullptr) < 0) return false;
    return set->Compile();
  };
  if (!build_set(idx->version_strings, idx->version_string_set) || !build_set(idx->version_libs, idx->version_lib_set))
    errors.push_back("version rules: RE2 set failed to compile");
  bool ok = true;
  for (int k = 0; k < kEvidenceKindCount; ++k)
    ok = idx->names[static_cast<std::size_t>(k)].compile(to_string(static_cast<EvidenceKind>(k)), errors) && ok;
  index_ = std::move(idx);
  return ok;
}

namespace {
// All capture groups of a matched version rule, joined with "." (libjcore332.so -> 3.3.2).
std::optional<std::string> extract_version(const RE2& re, std::string_view s) {
  int n = re.NumberOfCapturingGroups();
  if (n <= 0 || n > 8) return std::nullopt;
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
  if (!re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, groups.data(), n + 1))
    return std::nullopt;
  std::string out;
  for (int i = 1; i <= n; ++i) {
    if (groups[static_cast<std::size_t>(i)].empty()) continue;
    if (!out.empty()) out += '.';
    out.append(groups[static_cast<std::size_t>(i)].data(), groups[static_cast<std::size_t>(i)].size());
  }
  if (out.empty()) return std::nullopt;
  return out;
}
}  // namespace

std::vector<SignatureDb::VersionHit> SignatureDb::match_version_string(std::string_view s, std::string_view holder) const {
  std::vector<VersionHit> out;
  if (!index_->version_string_set || s.size() > kMaxVersionString) return out;
  std::vector<int> matched;
  if (!index_->version_string_set->Match(re2::StringPiece(s.data(), s.size()), &matched)) return out;
  for (int m : matched) {
    const auto& v = index_->version_strings[static_cast<std::size_t>(m)];
    if (!v.holder.empty()) {
      bool inside = holder.size() > v.holder.size() && holder.substr(0, v.holder.size()) == v.holder &&
                    holder[v.holder.size()] == '.';
      if (!inside && holder != v.holder) continue;
    }
    if (auto ver = extract_version(*v.re, s)) out.push_back({v.record, v.rank, *ver});
  }
  return out;
}

std::vector<SignatureDb::VersionHit> SignatureDb::match_version_native_lib(std::string_view file_name) const {
  std::vector<VersionHit> out;
  if (!index_->version_lib_set) return out;
  std::vector<int> matched;
  if (!index_->version_lib_set->Match(re2::StringPiece(file_name.data(), file_name.size()), &matched)) return out;
  for (int m : matched) {
    const auto& v = index_->version_libs[static_cast<std::size_t>(m)];
    if (auto ver = extract_version(*v.re, file_name)) out.push_back({v.record, v.rank, *ver});
  }
  return out;
}

bool SignatureDb::may_be_version_string(std::string_view s) const {
  if (!index_->version_string_set || s.size() > kMaxVersionString || s.size() < 2) return false;
  if (std::none_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return index_->version_string_set->Match(re2::StringPiece(s.data(), s.size()), nullptr);
}

bool SignatureDb::is_version_file(std::string_view path) const {
  return index_->version_files.count(std::string(path)) > 0;
}

std::vector<SignatureDb::VersionHit> SignatureDb::version_file_rules(std::string_view path) const {
  std::vector<VersionHit> out;
  if (auto it = index_->version_files.find(std::string(path)); it != index_->version_files.end())
    for (const auto& [record, rank] : it->second) out.push_back({record, rank, ""});
  return out;
}

const SdkRecord* SignatureDb::find_sdk(std::string_view id) const {
  auto it = index_->sdk_by_id.find(std::string(id));
  return it == index_->sdk_by_id.end() ? nullptr : &sdks_[it->second];
}

const VendorRecord* SignatureDb::find_vendor(std::string_view id) const {
  auto it = index_->vendor_by_id.find(std::string(id));
  return it == index_->vendor_by_id.end() ? nullptr : &vendors_[it->second];
}

const PermissionRecord* SignatureDb::find_permission(std::string_view name) const {
  auto it = permissions_.find(std::string(name));
  return it == permissions_.end() ? nullptr : &it->second;
}

std::optional<RuleHit> SignatureDb::match_class(std::string_view java_class) const {
  if (auto it = index_->classes.find(std::string(java_class)); it != index_->classes.end())
    return RuleHit{it->second, std::string(java_class)};
  // Walk the trie segment by segment, remembering each record's rule depth and the depth of its
  // exclusions; the deepest rule whose record is not excluded below it wins.
  const auto& nodes = index_->packages.nodes;
  std::uint32_t cur = 0;
  struct Candidate {
    std::uint32_t node;
    std::uint32_t record;
  };
  std::array<Candidate, 16> cands{};
  std::size_t ncand = 0;
  std::array<std::uint32_t, 16> excluded{};
  std::size_t nexcl = 0;
  std::size_t start = 0;
  while (start <= java_class.size()) {
    auto pos = java_class.find('.', start);
    if (pos == std::string_view::npos) pos = java_class.size();
    auto& children = nodes[cur].children;
    auto it = children.find(std::string(java_class.substr(start, pos - start)));
    if (it == children.end()) break;
    cur = it->second;
    if (nodes[cur].record >= 0 && ncand < cands.size())
      cands[ncand++] = {cur, static_cast<std::uint32_t>(nodes[cur].record)};
    for (auto r : nodes[cur].excluded)
      if (nexcl < excluded.size()) excluded[nexcl++] = r;
    start = pos + 1;
  }
  for (std::size_t i = ncand; i-- > 0;) {
    bool is_excluded = std::find(excluded.begin(), excluded.begin() + static_cast<std::ptrdiff_t>(nexcl),
                                 cands[i].record) != excluded.begin() + static_cast<std::ptrdiff_t>(nexcl);
    if (!is_excluded) return RuleHit{cands[i].record, nodes[cands[i].node].prefix};
  }
  return std::nullopt;
}

std::vector<RuleHit> SignatureDb::match_name(EvidenceKind kind, std::string_view value) const {
  std::vector<RuleHit> hits;
  const auto& ni = index_->names[static_cast<std::size_t>(kind)];
  if (auto it = ni.literal.find(std::string(value)); it != ni.literal.end())
    for (auto r : it->second) hits.push_back({r, std::string(value)});
  // ObjC classes: an exact class rule wins; else the longest matching prefix, so "FBSDKLogin"
  // (Login) and "FBSDK" (core) split Meta's namespace the way Java package prefixes do.
  if (kind == EvidenceKind::ObjcClass && hits.empty() && index_->max_objc_prefix > 0) {
    for (std::size_t len = std::min(index_->max_objc_prefix, value.size()); len >= 3; --len) {
      auto it = index_->objc_prefixes.find(std::string(value.substr(0, len)));
      if (it == index_->objc_prefixes.end()) continue;
      for (auto r : it->second) hits.push_back({r, std::string(value.substr(0, len)) + "*"});
      break;
    }
  }
  if (ni.set) {
    std::vector<int> matched;
    if (ni.set->Match(re2::StringPiece(value.data(), value.size()), &matched)) {
      std::sort(matched.begin(), matched.end());
      for (int m : matched) hits.push_back({ni.regex_owner[static_cast<std::size_t>(m)].first,
                                            ni.regex_owner[static_cast<std::size_t>(m)].second});
    }
  }
  return hits;
}

const VendorRecord* SignatureDb::domain_owner(std::string_view host) const {
  std::string h = to_lower_ascii(host);
  std::string_view rest = h;
  while (!rest.empty()) {
    if (auto it = domain_owners_.find(std::string(rest)); it != domain_owners_.end()) return find_vendor(it->second);
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::vector<RuleHit> SignatureDb::match_domain(std::string_view host) const {
  std::vector<RuleHit> hits;
  std::string h = to_lower_ascii(host);
  std::string_view rest = h;
  // Try the host itself, then each parent on a label boundary (a.b.qq.com -> b.qq.com -> qq.com).
  while (!rest.empty()) {
    if (auto it = index_->domains.find(std::string(rest)); it != index_->domains.end()) {
      for (auto r : it->second) hits.push_back({r, std::string(rest)});
      break;  // the most specific listed domain wins
    }
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return hits;
}

}  // namespace sdkscope
