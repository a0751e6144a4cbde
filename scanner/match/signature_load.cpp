// Loading and validating signatures/ (JSON -> records). Every problem is reported with the file
// and record it sits in; one invalid record stops the load, because a silently skipped rule is a
// missed SDK in every scan after it.
#include <algorithm>
#include <fstream>
#include <set>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "scanner/match/signature_db.hpp"
#include "scanner/match/signature_db_internal.hpp"

namespace sdkscope {

namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> kDataCategories = {
    "location", "contacts", "camera", "microphone", "phone", "device_identity", "advertising_id", "sms",
    "call_log", "calendar", "storage", "media", "body_sensors", "health", "physical_activity", "accounts",
    "network", "wifi", "bluetooth", "nearby_devices", "installed_apps", "notifications", "biometrics",
    "clipboard", "usage_data", "crash_logs", "performance_data", "purchase_history", "user_content",
    "browsing_history", "search_history", "contact_info", "financial_info", "identifiers", "keystrokes", "other",
    "system", "background", "overlay", "accessibility", "account_sync", "nfc"};

const std::set<std::string, std::less<>> kCategories = {
    "advertising", "analytics",   "attribution", "crash_reporting", "performance", "push",
    "social",      "login",       "payments",    "maps_location",   "fingerprinting", "hotfix",
    "web_engine",  "backend",     "messaging",   "speech",          "captcha",     "ui",
    "networking",  "app_framework", "support",   "security",        "mediation",   "consent",
    "media",       "marketing_automation", "customer_support", "feature_flags", "packer"};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool valid_country(std::string_view c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

std::optional<json> read_json(const std::filesystem::path& p, std::vector<std::string>& errors) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    errors.push_back(fmt::format("{}: cannot open", p.string()));
    return std::nullopt;
  }
  try {
    return json::parse(in);
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("{}: invalid JSON: {}", p.string(), e.what()));
    return std::nullopt;
  }
}

// Reads an optional string field; records a type error.
std::string get_string(const json& obj, const char* key, const std::string& ctx, std::vector<std::string>& errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) {
    errors.push_back(fmt::format("{}: '{}' must be a string", ctx, key));
    return {};
  }
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const json& obj, const char* key, const std::string& ctx,
                                     std::vector<std::string>& errors) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) {
    errors.push_back(fmt::format("{}: '{}' must be an array of strings", ctx, key));
    return out;
  }
  for (const auto& v : *it) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      errors.push_back(fmt::format("{}: '{}' holds a non-string or empty value", ctx, key));
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::uint32_t get_min(const json& obj, const std::string& ctx, std::vector<std::string>& errors) {
  auto it = obj.find("min_classes");
  if (it == obj.end()) return 1;
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > 100000) {
    errors.push_back(fmt::format("{}: 'min_classes' must be a positive integer", ctx));
    return 1;
  }
  return static_cast<std::uint32_t>(it->get<std::uint64_t>());
}

void check_unknown_keys(const json& obj, std::initializer_list<std::string_view> known, const std::string& ctx,
                        std::vector<std::string>& errors) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      errors.push_back(fmt::format("{}: unknown field '{}'", ctx, it.key()));
  }
}

// Name rules: literal, or "re:<RE2>" that must compile.
void check_patterns(const std::vector<std::string>& values, const std::string& ctx, const char* field,
                    std::vector<std::string>& errors) {
  for (const auto& v : values) {
    if (!is_regex_rule(v)) continue;
    RE2 re(regex_body(v), RE2::Quiet);
    if (!re.ok()) errors.push_back(fmt::format("{}: {} has an invalid regex '{}': {}", ctx, field, v, re.error()));
  }
}

// Package prefixes are dotted names; exact class names may also hold '$' (inner classes).
void check_java_name(const std::string& p, bool is_class, const std::string& ctx, std::vector<std::string>& errors) {
  bool ok = !p.empty() && p.front() != '.' && p.back() != '.' && p.find("..") == std::string::npos &&
            p.find_first_of(is_class ? " /*^()[]|\\" : " /*$^()[]|\\") == std::string::npos;
  if (!ok)
    errors.push_back(fmt::format("{}: '{}' is not a dotted Java {}", ctx, p, is_class ? "class name" : "package prefix"));
}

VendorRecord parse_vendor(const json& v, const std::string& ctx, std::vector<std::string>& errors) {
  VendorRecord r;
  check_unknown_keys(v, {"id", "name", "legal_name", "parent", "country", "data_jurisdiction", "website", "sources", "notes"},
                     ctx, errors);
  r.id = get_string(v, "id", ctx, errors);
  r.name = get_string(v, "name", ctx, errors);
  r.legal_name = get_string(v, "legal_name", ctx, errors);
  r.parent = get_string(v, "parent", ctx, errors);
  r.country = get_string(v, "country", ctx, errors);
  r.data_jurisdiction = get_string(v, "data_jurisdiction", ctx, errors);
  r.website = get_string(v, "website", ctx, errors);
  r.sources = get_strings(v, "sources", ctx, errors);
  if (!valid_id(r.id)) errors.push_back(fmt::format("{}: invalid vendor id '{}'", ctx, r.id));
  if (r.name.empty()) errors.push_back(fmt::format("{}: vendor has no name", ctx));
  if (!valid_country(r.country)) errors.push_back(fmt::format("{}: country '{}' is not ISO 3166-1 alpha-2", ctx, r.country));
  if (!r.data_jurisdiction.empty() && !valid_country(r.data_jurisdiction))
    errors.push_back(fmt::format("{}: data_jurisdiction '{}' is not ISO 3166-1 alpha-2", ctx, r.data_jurisdiction));
  if (r.sources.empty()) errors.push_back(fmt::format("{}: vendor has no sources", ctx));
  return r;
}

void parse_examples(const json& rec, const char* key, std::vector<EvidenceExample>& out, const std::string& ctx,
                    std::vector<std::string>& errors) {
  auto it = rec.find(key);
  if (it == rec.end()) return;
  if (!it->is_array()) {
    errors.push_back(fmt::format("{}: tests.{} must be an array", ctx, key));
    return;
  }
  for (const auto& e : *it) {
    if (!e.is_object() || !e.contains("kind") || !e.contains("value") || !e["kind"].is_string() ||
        !e["value"].is_string()) {
      errors.push_back(fmt::format("{}: tests.{} entries need string 'kind' and 'value'", ctx, key));
      continue;
    }
    EvidenceExample ex;
    if (!parse_evidence_kind(e["kind"].get<std::string>(), ex.kind)) {
      errors.push_back(fmt::format("{}: tests.{} has unknown evidence kind '{}'", ctx, key, e["kind"].get<std::string>()));
      continue;
    }
    ex.value = e["value"].get<std::string>();
    out.push_back(std::move(ex));
  }
}

SdkRecord parse_sdk(const json& s, const std::string& file, std::vector<std::string>& errors) {
  SdkRecord r;
  r.file = file;
  std::string id = s.contains("id") && s["id"].is_string() ? s["id"].get<std::string>() : "?";
  std::string ctx = fmt::format("{}: record '{}'", file, id);
  check_unknown_keys(s, {"id", "name", "vendor", "categories", "part_of", "description", "website", "android", "ios",
                         "domains", "collects", "versions", "tests", "sources", "notes"},
                     ctx, errors);
  r.id = get_string(s, "id", ctx, errors);
  r.name = get_string(s, "name", ctx, errors);
  r.vendor = get_string(s, "vendor", ctx, errors);
  r.part_of = get_string(s, "part_of", ctx, errors);
  r.description = get_string(s, "description", ctx, errors);
  r.website = get_string(s, "website", ctx, errors);
  r.categories = get_strings(s, "categories", ctx, errors);
  r.domains = get_strings(s, "domains", ctx, errors);
  r.sources = get_strings(s, "sources", ctx, errors);
  if (!valid_id(r.id)) errors.push_back(fmt::format("{}: invalid id (use [a-z0-9._-])", ctx));
  if (r.name.empty()) errors.push_back(fmt::format("{}: no name", ctx));
  if (r.sources.empty()) errors.push_back(fmt::format("{}: no sources (every record says where its facts come from)", ctx));
  if (r.categories.empty()) errors.push_back(fmt::format("{}: no categories", ctx));
  for (const auto& c : r.categories)
    if (!kCategories.count(c)) errors.push_back(fmt::format("{}: unknown category '{}'", ctx, c));
  for (const auto& d : r.domains) {
    bool ok = d.find('.') != std::string::npos && d.find_first_of("/:* ") == std::string::npos && d.front() != '.';
    if (!ok || d != to_lower_ascii(d)) errors.push_back(fmt::format("{}: '{}' is not a lowercase host name", ctx, d));
  }

  if (auto c = s.find("collects"); c != s.end()) {
    if (!c->is_object()) {
      errors.push_back(ctx + ": collects must be an object");
    } else {
      check_unknown_keys(*c, {"data", "source"}, ctx + " collects", errors);
      r.collects = get_strings(*c, "data", ctx + " collects", errors);
      r.collects_source = get_string(*c, "source", ctx + " collects", errors);
      for (const auto& d : r.collects)
        if (!kDataCategories.count(d)) errors.push_back(fmt::format("{}: collects has unknown data category '{}'", ctx, d));
      if (r.collects_source.empty()) errors.push_back(fmt::format("{}: collects needs a source URL", ctx));
    }
  }
  if (auto v = s.find("versions"); v != s.end()) {
    if (!v->is_array()) {
      errors.push_back(ctx + ": versions must be an array");
    } else {
      for (const auto& rule : *v) {
        VersionRule vr;
        if (!rule.is_object()) {
          errors.push_back(ctx + ": versions entries must be objects");
          continue;
        }
        check_unknown_keys(rule, {"file", "string", "native_lib", "holder"}, ctx + " versions", errors);
        if (rule.contains("file")) {
          vr.from = VersionRule::From::File;
          vr.pattern = get_string(rule, "file", ctx, errors);
        } else if (rule.contains("string")) {
          vr.from = VersionRule::From::String;
          vr.pattern = get_string(rule, "string", ctx, errors);
          vr.holder = get_string(rule, "holder", ctx, errors);
        } else if (rule.contains("native_lib")) {
          vr.from = VersionRule::From::NativeLib;
          vr.pattern = get_string(rule, "native_lib", ctx, errors);
        } else {
          errors.push_back(ctx + ": a versions entry needs file, string or native_lib");
          continue;
        }
        if (vr.from != VersionRule::From::File) {
          if (!is_regex_rule(vr.pattern)) {
            errors.push_back(fmt::format("{}: version rule '{}' must be a re: pattern with a capture group", ctx, vr.pattern));
          } else {
            RE2 re(regex_body(vr.pattern), RE2::Quiet);
            if (!re.ok() || re.NumberOfCapturingGroups() < 1)
              errors.push_back(fmt::format("{}: version regex '{}' is invalid or has no capture group", ctx, vr.pattern));
          }
        }
        r.versions.push_back(std::move(vr));
      }
    }
  }

  if (auto a = s.find("android"); a != s.end()) {
    std::string actx = ctx + " android";
    if (!a->is_object()) {
      errors.push_back(actx + ": must be an object");
    } else {
      check_unknown_keys(*a, {"packages", "classes", "exclude", "min_classes", "native_libs", "components", "meta_data",
                              "permissions"},
                         actx, errors);
      auto& ar = r.android;
      ar.packages = get_strings(*a, "packages", actx, errors);
      ar.classes = get_strings(*a, "classes", actx, errors);
      ar.exclude = get_strings(*a, "exclude", actx, errors);
      ar.native_libs = get_strings(*a, "native_libs", actx, errors);
      ar.components = get_strings(*a, "components", actx, errors);
      ar.meta_data = get_strings(*a, "meta_data", actx, errors);
      ar.permissions = get_strings(*a, "permissions", actx, errors);
      ar.min_classes = get_min(*a, actx, errors);
      for (const auto& p : ar.packages) check_java_name(p, false, actx + " packages", errors);
      for (const auto& p : ar.exclude) check_java_name(p, false, actx + " exclude", errors);
      for (const auto& p : ar.classes) check_java_name(p, true, actx + " classes", errors);
      check_patterns(ar.native_libs, actx, "native_libs", errors);
      check_patterns(ar.components, actx, "components", errors);
      check_patterns(ar.meta_data, actx, "meta_data", errors);
    }
  }
  if (auto i = s.find("ios"); i != s.end()) {
    std::string ictx = ctx + " ios";
    if (!i->is_object()) {
      errors.push_back(ictx + ": must be an object");
    } else {
      check_unknown_keys(*i, {"frameworks", "classes", "class_prefixes", "swift_modules", "symbols", "plist_keys",
                              "skadnetwork_ids", "min_classes"},
                         ictx, errors);
      auto& ir = r.ios;
      ir.frameworks = get_strings(*i, "frameworks", ictx, errors);
      ir.classes = get_strings(*i, "classes", ictx, errors);
      ir.class_prefixes = get_strings(*i, "class_prefixes", ictx, errors);
      ir.swift_modules = get_strings(*i, "swift_modules", ictx, errors);
      ir.symbols = get_strings(*i, "symbols", ictx, errors);
      ir.plist_keys = get_strings(*i, "plist_keys", ictx, errors);
      ir.skadnetwork_ids = get_strings(*i, "skadnetwork_ids", ictx, errors);
      ir.min_classes = get_min(*i, ictx, errors);
      for (const auto& p : ir.class_prefixes)
        if (p.size() < 3) errors.push_back(fmt::format("{}: class prefix '{}' is shorter than 3 characters", ictx, p));
      check_patterns(ir.frameworks, ictx, "frameworks", errors);
      check_patterns(ir.classes, ictx, "classes", errors);
      check_patterns(ir.symbols, ictx, "symbols", errors);
    }
  }
  if (r.android.empty() && r.ios.empty())
    errors.push_back(fmt::format("{}: has no detection rule (android or ios)", ctx));

  if (auto t = s.find("tests"); t != s.end()) {
    if (!t->is_object()) {
      errors.push_back(ctx + ": tests must be an object");
    } else {
      check_unknown_keys(*t, {"match", "no_match"}, ctx + " tests", errors);
      parse_examples(*t, "match", r.examples_match, ctx, errors);
      parse_examples(*t, "no_match", r.examples_no_match, ctx, errors);
    }
  }
  if (r.examples_match.empty()) errors.push_back(fmt::format("{}: needs at least one tests.match example", ctx));
  return r;
}

}  // namespace

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool load_vendor_file(const std::filesystem::path& p, std::vector<VendorRecord>& out, std::vector<std::string>& errors) {
  auto j = read_json(p, errors);
  if (!j) return false;
  if (!j->is_object() || !j->contains("vendors") || !(*j)["vendors"].is_array()) {
    errors.push_back(fmt::format("{}: expected {{\"vendors\": [...]}}", p.filename().string()));
    return false;
  }
  std::size_t n = 0;
  for (const auto& v : (*j)["vendors"]) {
    std::string ctx = fmt::format("{}: vendor #{}", p.filename().string(), n++);
    if (!v.is_object()) {
      errors.push_back(ctx + ": must be an object");
      continue;
    }
    if (v.contains("id") && v["id"].is_string()) ctx = fmt::format("{}: vendor '{}'", p.filename().string(), v["id"].get<std::string>());
    out.push_back(parse_vendor(v, ctx, errors));
  }
  return true;
}

bool load_sdk_file(const std::filesystem::path& p, const std::string& display, std::vector<SdkRecord>& out,
                   std::vector<std::string>& errors) {
  auto j = read_json(p, errors);
  if (!j) return false;
  if (!j->is_object() || !j->contains("sdks") || !(*j)["sdks"].is_array()) {
    errors.push_back(fmt::format("{}: expected {{\"sdks\": [...]}}", display));
    return false;
  }
  for (const auto& s : (*j)["sdks"]) {
    if (!s.is_object()) {
      errors.push_back(display + ": every sdks[] entry must be an object");
      continue;
    }
    out.push_back(parse_sdk(s, display, errors));
  }
  return true;
}

bool load_permission_file(const std::filesystem::path& p, std::unordered_map<std::string, PermissionRecord>& out,
                          std::vector<std::string>& errors) {
  auto j = read_json(p, errors);
  if (!j) return false;
  auto load_section = [&](const char* key) {
    auto it = j->find(key);
    if (it == j->end()) return;
    if (!it->is_object()) {
      errors.push_back(fmt::format("{}: '{}' must be an object", p.filename().string(), key));
      return;
    }
    for (auto e = it->begin(); e != it->end(); ++e) {
      std::string ctx = fmt::format("{}: permission '{}'", p.filename().string(), e.key());
      if (!e->is_object()) {
        errors.push_back(ctx + ": must be an object");
        continue;
      }
      PermissionRecord r;
      r.protection = get_string(*e, "protection", ctx, errors);
      r.label = get_string(*e, "label", ctx, errors);
      r.data = get_strings(*e, "data", ctx, errors);
      if (auto rm = e->find("removed"); rm != e->end() && rm->is_boolean()) r.removed = rm->get<bool>();
      if (r.protection.empty()) errors.push_back(ctx + ": no protection level");
      out.emplace(e.key(), std::move(r));
    }
  };
  load_section("permissions");
  load_section("vendor_permissions");
  load_section("keys");  // permissions/ios.json: usage-description keys
  return true;
}

std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool load_domain_file(const std::filesystem::path& p, std::vector<DomainOwnerBlock>& out, std::vector<std::string>& errors) {
  auto j = read_json(p, errors);
  if (!j) return false;
  std::string file = "domains/" + p.filename().string();
  if (!j->is_object() || !j->contains("owners") || !(*j)["owners"].is_array()) {
    errors.push_back(file + ": expected {\"owners\": [...]}");
    return false;
  }
  for (const auto& o : (*j)["owners"]) {
    std::string ctx = file + ": owner";
    if (!o.is_object()) {
      errors.push_back(ctx + " must be an object");
      continue;
    }
    check_unknown_keys(o, {"vendor", "domains", "sources", "notes"}, ctx, errors);
    DomainOwnerBlock b;
    b.file = file;
    b.vendor = get_string(o, "vendor", ctx, errors);
    b.domains = get_strings(o, "domains", ctx, errors);
    if (get_strings(o, "sources", ctx, errors).empty()) errors.push_back(fmt::format("{} '{}': no sources", ctx, b.vendor));
    for (const auto& d : b.domains) {
      bool ok = d.find('.') != std::string::npos && d.find_first_of("/:* ") == std::string::npos && d.front() != '.' &&
                d == to_lower_ascii(d);
      if (!ok) errors.push_back(fmt::format("{} '{}': '{}' is not a lowercase domain", ctx, b.vendor, d));
    }
    out.push_back(std::move(b));
  }
  return true;
}

void load_apple_listed_sdks(const std::filesystem::path& file, std::unordered_set<std::string>& listed,
                            std::vector<std::string>& errors) {
  if (!std::filesystem::exists(file)) return;
  auto j = read_json(file, errors);
  if (!j) return;
  for (const auto& s : j->value("sdks", json::array()))
    for (const auto& f : s.value("frameworks", json::array()))
      if (f.is_string()) listed.insert(f.get<std::string>());
}

bool validate_records(const std::vector<VendorRecord>& vendors, const std::vector<SdkRecord>& sdks,
                      std::vector<std::string>& errors) {
  std::size_t before = errors.size();
  std::unordered_set<std::string> vendor_ids;
  for (const auto& v : vendors)
    if (!vendor_ids.insert(v.id).second) errors.push_back(fmt::format("vendors: duplicate vendor id '{}'", v.id));
  for (const auto& v : vendors) {
    if (!v.parent.empty() && !vendor_ids.count(v.parent))
      errors.push_back(fmt::format("vendors: '{}' has unknown parent '{}'", v.id, v.parent));
  }
  // Parent chains must end: a cycle would loop the report's vendor chain.
  std::unordered_map<std::string, std::string> parent_of;
  for (const auto& v : vendors) parent_of[v.id] = v.parent;
  for (const auto& v : vendors) {
    std::string cur = v.parent;
    for (std::size_t steps = 0; !cur.empty(); ++steps) {
      if (steps > vendors.size() || cur == v.id) {
        errors.push_back(fmt::format("vendors: parent chain of '{}' is cyclic", v.id));
        break;
      }
      auto it = parent_of.find(cur);
      cur = it == parent_of.end() ? "" : it->second;
    }
  }
  std::unordered_map<std::string, std::string> sdk_ids;
  for (const auto& s : sdks) {
    if (!sdk_ids.emplace(s.id, s.file).second)
      errors.push_back(fmt::format("{}: duplicate record id '{}' (also in {})", s.file, s.id, sdk_ids[s.id]));
    if (!vendor_ids.count(s.vendor)) errors.push_back(fmt::format("{}: record '{}': unknown vendor '{}'", s.file, s.id, s.vendor));
  }
  for (const auto& s : sdks) {
    if (!s.part_of.empty() && (!sdk_ids.count(s.part_of) || s.part_of == s.id))
      errors.push_back(fmt::format("{}: record '{}': part_of names unknown record '{}'", s.file, s.id, s.part_of));
  }
  // No evidence is claimed twice: a prefix, class or literal rule belongs to one record.
  std::unordered_map<std::string, std::string> owner;
  auto claim = [&](const std::string& key, const SdkRecord& s) {
    auto [it, fresh] = owner.emplace(key, s.id);
    if (!fresh && it->second != s.id)
      errors.push_back(fmt::format("{}: record '{}': {} is already claimed by '{}'", s.file, s.id, key, it->second));
  };
  for (const auto& s : sdks) {
    for (const auto& p : s.android.packages) claim("package " + p, s);
    for (const auto& c : s.android.classes) claim("class " + c, s);
    for (const auto& l : s.android.native_libs) claim("native lib " + l, s);
    for (const auto& c : s.android.components) claim("component " + c, s);
    for (const auto& f : s.ios.frameworks) claim("framework " + f, s);
    for (const auto& c : s.ios.classes) claim("objc class " + c, s);
    for (const auto& c : s.ios.class_prefixes) claim("objc prefix " + c, s);
    for (const auto& m : s.ios.swift_modules) claim("swift module " + m, s);
  }
  return errors.size() == before;
}

}  // namespace sdkscope
