// Builds the Manifest model from a decoded AndroidManifest tree (AXML, protobuf or text XML),
// reading attributes the way the platform's package parser does and resolving resource references.
#include "scanner/android/manifest.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace sdkscope::android {
namespace {

using Type = XmlAttribute::Type;

// PermissionInfo.PROTECTION_* (base, low 4 bits) and PROTECTION_FLAG_* names as written in
// attrs_manifest.xml's protectionLevel flags. Bits not listed render as hex.
constexpr std::array<std::string_view, 5> kProtectionBases = {"normal", "dangerous", "signature",
                                                               "signatureOrSystem", "internal"};
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 20> kProtectionFlags = {{
    {0x10, "privileged"},         {0x20, "development"},   {0x40, "appop"},
    {0x80, "pre23"},              {0x100, "installer"},    {0x200, "verifier"},
    {0x400, "preinstalled"},      {0x800, "setup"},        {0x1000, "instant"},
    {0x2000, "runtime"},          {0x4000, "oem"},         {0x8000, "vendorPrivileged"},
    {0x10000, "textClassifier"},  {0x20000, "wellbeing"},  {0x40000, "documenter"},
    {0x80000, "configurator"},    {0x100000, "incidentReportApprover"},
    {0x200000, "appPredictor"},   {0x800000, "companion"}, {0x1000000, "retailDemo"},
}};

std::string protection_level_text(std::int64_t level) {
  const auto v = static_cast<std::uint32_t>(level);
  std::string out = (v & 0xf) < kProtectionBases.size() ? std::string(kProtectionBases[v & 0xf])
                                                         : fmt::format("0x{:x}", v & 0xf);
  std::uint32_t rest = v & ~0xfu;
  for (const auto& [bit, name] : kProtectionFlags) {
    if (rest & bit) {
      out += "|";
      out += name;
      rest &= ~bit;
    }
  }
  if (rest != 0) out += fmt::format("|0x{:x}", rest);
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  auto res = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Reads one manifest with its resources; each accessor mirrors a TypedArray getter.
class ManifestBuilder {
 public:
  ManifestBuilder(const ResourceTable* res, Diagnostics& diags, const std::string& where)
      : res_(res), diags_(diags), where_(where) {}

  Manifest build(const XmlElement& root) {
    if (root.name != "manifest")
      diags_.warn("manifest.bad_root", where_, fmt::format("root element is <{}>, not <manifest>", root.name));
    if (const auto* a = root.plain_attr("package")) m_.package = a->str;
    if (const auto* a = root.plain_attr("split")) m_.split = a->str;
    m_.shared_user_id = text_attr(root, "sharedUserId");
    if (auto code = int_attr(root, "versionCode")) {
      const auto major = int_attr(root, "versionCodeMajor").value_or(0);
      m_.version_code = major != 0 ? (major << 32) | static_cast<std::uint32_t>(*code) : *code;
    }
    m_.version_name = text_attr(root, "versionName");
    if (auto v = int_attr(root, "compileSdkVersion")) m_.compile_sdk = static_cast<int>(*v);
    bool seen_application = false;
    for (const auto& child : root.children) {
      const std::string& tag = child.name;
      if (tag == "uses-sdk") {
        // Android applies every <uses-sdk> in order; the last value written wins.
        if (auto v = int_attr(child, "minSdkVersion")) m_.min_sdk = static_cast<int>(*v);
        if (auto v = int_attr(child, "targetSdkVersion")) m_.target_sdk = static_cast<int>(*v);
      } else if (tag == "uses-permission" || tag == "uses-permission-sdk-23" || tag == "uses-permission-sdk-m") {
        UsesPermission p{text_attr(child, "name"), std::nullopt, tag};
        if (auto v = int_attr(child, "maxSdkVersion")) p.max_sdk = static_cast<int>(*v);
        if (p.name.empty()) {
          missing_name(child);
        } else {
          m_.uses_permissions.push_back(std::move(p));
        }
      } else if (tag == "permission") {
        DeclaredPermission p{text_attr(child, "name"), "normal"};
        if (const auto* a = child.android_attr("protectionLevel"))
          p.protection_level = a->type == Type::Int ? protection_level_text(a->num) : a->str;
        if (p.name.empty()) {
          missing_name(child);
        } else {
          m_.permissions.push_back(std::move(p));
        }
      } else if (tag == "queries") {
        read_queries(child);
      } else if (tag == "application") {
        if (seen_application) {
          diags_.warn("manifest.multiple_applications", where_,
                      fmt::format("second <application> at line {} ignored, as Android rejects it", child.line));
          continue;
        }
        seen_application = true;
        read_application(child);
      }
    }
    return std::move(m_);
  }

 private:
  // Expands ".Foo" and "Foo" against the package, as PackageParser.buildClassName does.
  std::string class_name(const std::string& n) const {
    if (n.empty()) return n;
    if (n[0] == '.') return m_.package + n;
    if (n.find('.') == std::string::npos) return m_.package + "." + n;
    return n;
  }

  std::string reference_text(std::uint32_t id) const {
    if (res_) {
      if (auto v = res_->value(id)) return *v;
    }
    return fmt::format("@0x{:08x}", id);
  }

  // The attribute as text: strings as written, numbers in decimal, booleans as true/false,
  // references resolved through the resource table (or kept as "@0x7f......").
  std::string text_of(const XmlAttribute& a) const {
    switch (a.type) {
      case Type::Reference:
        return reference_text(a.ref);
      case Type::Int:
        return std::to_string(a.num);
      case Type::Bool:
        return a.num != 0 ? "true" : "false";
      default:
        return a.str;
    }
  }

  std::string text_attr(const XmlElement& e, std::string_view name) const {
    const auto* a = e.android_attr(name);
    return a ? text_of(*a) : std::string();
  }

  std::optional<std::int64_t> int_attr(const XmlElement& e, std::string_view name) const {
    const auto* a = e.android_attr(name);
    if (!a) return std::nullopt;
    if (a->type == Type::Int) return a->num;
    auto v = parse_int(text_of(*a));  // text XML, a string resource, or a codename like "Q"
    if (!v)
      diags_.info("manifest.not_a_number", where_,
                  fmt::format("<{}> android:{}=\"{}\" is not a number", e.name, name, text_of(*a)));
    return v;
  }

  std::optional<bool> bool_attr(const XmlElement& e, std::string_view name) const {
    const auto* a = e.android_attr(name);
    if (!a) return std::nullopt;
    if (a->type == Type::Bool || a->type == Type::Int) return a->num != 0;
    const std::string t = text_of(*a);
    if (t == "true") return true;
    if (t == "false") return false;
    diags_.info("manifest.not_a_boolean", where_,
                fmt::format("<{}> android:{}=\"{}\" is not a boolean", e.name, name, t));
    return std::nullopt;
  }

  bool has_attr(const XmlElement& e, std::string_view name) const { return e.android_attr(name) != nullptr; }

  // android:launchMode: an enum (attrs_manifest.xml: standard=0, singleTop=1, singleTask=2,
  // singleInstance=3, singleInstancePerTask=4) in binary manifests, the name in text ones.
  static std::string launch_mode(const std::string& v) {
    static constexpr std::string_view kModes[] = {"standard", "singleTop", "singleTask", "singleInstance",
                                                  "singleInstancePerTask"};
    if (v.size() == 1 && v[0] >= '0' && v[0] <= '4') return std::string(kModes[v[0] - '0']);
    return v;
  }

  void missing_name(const XmlElement& e) const {
    diags_.info("manifest.missing_name", where_, fmt::format("<{}> at line {} has no android:name", e.name, e.line));
  }

  void read_application(const XmlElement& app) {
    m_.application_name = class_name(text_attr(app, "name"));
    m_.label = text_attr(app, "label");
    m_.icon = text_attr(app, "icon");
    m_.debuggable = bool_attr(app, "debuggable");
    m_.allow_backup = bool_attr(app, "allowBackup");
    m_.uses_cleartext_traffic = bool_attr(app, "usesCleartextTraffic");
    m_.test_only = bool_attr(app, "testOnly");
    m_.full_backup_content = text_attr(app, "fullBackupContent");
    m_.network_security_config = text_attr(app, "networkSecurityConfig");
    m_.data_extraction_rules = text_attr(app, "dataExtractionRules");
    if (has_attr(app, "taskAffinity")) m_.task_affinity = text_attr(app, "taskAffinity");
    for (const auto& child : app.children) {
      const std::string& tag = child.name;
      if (tag == "meta-data") {
        read_meta_data(child, "application");
      } else if (tag == "activity") {
        read_component(child, Component::Kind::Activity);
      } else if (tag == "activity-alias") {
        read_component(child, Component::Kind::ActivityAlias);
      } else if (tag == "service") {
        read_component(child, Component::Kind::Service);
      } else if (tag == "receiver") {
        read_component(child, Component::Kind::Receiver);
      } else if (tag == "provider") {
        read_component(child, Component::Kind::Provider);
      }
    }
  }

  void read_component(const XmlElement& e, Component::Kind kind) {
    Component c;
    c.kind = kind;
    c.name = class_name(text_attr(e, "name"));
    if (c.name.empty()) missing_name(e);
    c.exported_attr = bool_attr(e, "exported");
    c.permission = text_attr(e, "permission");
    if (kind == Component::Kind::Provider) c.authorities = split_authorities(text_attr(e, "authorities"));
    if (kind == Component::Kind::ActivityAlias) c.target_activity = class_name(text_attr(e, "targetActivity"));
    if (kind == Component::Kind::Provider) {
      c.read_permission = text_attr(e, "readPermission");
      c.write_permission = text_attr(e, "writePermission");
    }
    if (kind == Component::Kind::Activity || kind == Component::Kind::ActivityAlias) {
      if (has_attr(e, "taskAffinity")) c.task_affinity = text_attr(e, "taskAffinity");
      c.launch_mode = launch_mode(text_attr(e, "launchMode"));
      c.allow_task_reparenting = bool_attr(e, "allowTaskReparenting");
    }
    for (const auto& child : e.children) {
      if (child.name == "intent-filter") {
        c.intent_filters.push_back(read_intent_filter(child));
      } else if (child.name == "meta-data") {
        read_meta_data(child, c.name);
      }
    }
    c.exported = c.exported_attr.value_or(!c.intent_filters.empty());
    m_.components.push_back(std::move(c));
  }

  IntentFilter read_intent_filter(const XmlElement& f) const {
    IntentFilter out;
    for (const auto& child : f.children) {
      if (child.name == "action") {
        if (auto n = text_attr(child, "name"); !n.empty()) out.actions.push_back(std::move(n));
      } else if (child.name == "category") {
        if (auto n = text_attr(child, "name"); !n.empty()) out.categories.push_back(std::move(n));
      } else if (child.name == "data") {
        if (auto s = text_attr(child, "scheme"); !s.empty()) out.data_schemes.push_back(std::move(s));
        if (auto h = text_attr(child, "host"); !h.empty()) out.data_hosts.push_back(std::move(h));
      }
    }
    return out;
  }

  void read_meta_data(const XmlElement& e, const std::string& parent) {
    MetaData md;
    md.name = text_attr(e, "name");
    md.value = text_attr(e, "value");
    md.resource = text_attr(e, "resource");
    md.parent = parent;
    if (md.name.empty()) {
      missing_name(e);
      return;
    }
    m_.meta_data.push_back(std::move(md));
  }

  void read_queries(const XmlElement& q) {
    for (const auto& child : q.children) {
      if (child.name == "package") {
        if (auto n = text_attr(child, "name"); !n.empty()) m_.queries_packages.push_back(std::move(n));
      } else if (child.name == "intent") {
        for (const auto& part : child.children)
          if (part.name == "action")
            if (auto n = text_attr(part, "name"); !n.empty()) m_.queries_intent_actions.push_back(std::move(n));
      } else if (child.name == "provider") {
        for (auto& a : split_authorities(text_attr(child, "authorities"))) m_.queries_providers.push_back(std::move(a));
      }
    }
  }

  static std::vector<std::string> split_authorities(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t end = std::min(s.find(';', start), s.size());
      if (end > start) out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  const ResourceTable* res_;
  Diagnostics& diags_;
  const std::string& where_;
  Manifest m_;
};

}  // namespace

Manifest build_manifest(const XmlElement& root, const ResourceTable* resources, Diagnostics& diags,
                        const std::string& where) {
  try {
    return ManifestBuilder(resources, diags, where).build(root);
  } catch (const std::exception& e) {  // bad_alloc on a hostile tree; nothing else throws here
    diags.error("manifest.internal", where, e.what());
    return {};
  }
}

}  // namespace sdkscope::android
