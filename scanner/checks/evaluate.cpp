#include "scanner/checks/evaluate.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sdkscope::checks {

int severity_rank(std::string_view s) {
  if (s == "critical") return 4;
  if (s == "high") return 3;
  if (s == "medium") return 2;
  if (s == "low") return 1;
  if (s == "info") return 0;
  return -1;
}

namespace {

int confidence_rank(std::string_view s) { return s == "high" ? 2 : s == "medium" ? 1 : s == "low" ? 0 : -1; }

// Collects the evidence of each check, then makes one finding per check that fired.
class Findings {
 public:
  explicit Findings(const Catalogue& cat) : cat_(cat) {}

  void add(const CheckDef& d, FindingLocation loc, const std::string& severity = {}, const std::string& confidence = {}) {
    auto& acc = acc_[d.info.id];
    acc.def = &d;
    const std::string& sev = severity.empty() ? d.info.severity : severity;
    const std::string& conf = confidence.empty() ? d.info.confidence : confidence;
    if (severity_rank(sev) > severity_rank(acc.severity)) acc.severity = sev;
    if (confidence_rank(conf) > confidence_rank(acc.confidence)) acc.confidence = conf;
    if (!loc.sdk.empty()) acc.sdks.insert(loc.sdk);
    acc.evidence.insert(std::move(loc));
  }
  /// A one-sentence message for this input (else a generic one is written).
  void message(const std::string& id, std::string m) { acc_[id].message = std::move(m); }

  std::vector<Finding> take() {
    std::vector<Finding> out;
    for (auto& [id, a] : acc_) {
      if (!a.def || a.evidence.empty()) continue;
      Finding f;
      f.check = id;
      f.title = a.def->info.title;
      f.category = a.def->info.category;
      f.severity = a.severity;
      f.confidence = a.confidence;
      f.sdks.assign(a.sdks.begin(), a.sdks.end());
      f.evidence_total = a.evidence.size();
      for (const auto& e : a.evidence) {
        if (f.evidence.size() == kMaxFindingEvidence) break;
        f.evidence.push_back(e);
      }
      if (!a.message.empty()) {
        f.message = a.message;
      } else {
        f.message = fmt::format("{}: {} place{}", a.def->info.title, f.evidence_total, f.evidence_total == 1 ? "" : "s");
        if (!f.sdks.empty()) f.message += fmt::format(", in code of {}", fmt::join(f.sdks, ", "));
        f.message += ".";
      }
      out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
      int sa = severity_rank(a.severity), sb = severity_rank(b.severity);
      return sa != sb ? sa > sb : a.check < b.check;
    });
    return out;
  }

  const Catalogue& catalogue() const { return cat_; }

 private:
  struct Acc {
    const CheckDef* def = nullptr;
    std::string severity, confidence, message;
    std::set<std::string> sdks;
    std::set<FindingLocation> evidence;
  };
  const Catalogue& cat_;
  std::map<std::string, Acc> acc_;
};

std::string component_kind(android::Component::Kind k) {
  switch (k) {
    case android::Component::Kind::Activity: return "activity";
    case android::Component::Kind::ActivityAlias: return "activity-alias";
    case android::Component::Kind::Service: return "service";
    case android::Component::Kind::Receiver: return "receiver";
    case android::Component::Kind::Provider: return "provider";
  }
  return "component";
}

bool has_action(const android::Component& c, std::string_view action) {
  for (const auto& f : c.intent_filters)
    for (const auto& a : f.actions)
      if (a == action) return true;
  return false;
}

bool is_launcher(const android::Component& c) {
  for (const auto& f : c.intent_filters) {
    bool main = std::find(f.actions.begin(), f.actions.end(), "android.intent.action.MAIN") != f.actions.end();
    bool launcher = std::find(f.categories.begin(), f.categories.end(), "android.intent.category.LAUNCHER") !=
                        f.categories.end() ||
                    std::find(f.categories.begin(), f.categories.end(), "android.intent.category.LEANBACK_LAUNCHER") !=
                        f.categories.end();
    if (main && launcher) return true;
  }
  return false;
}

using Builtin = std::function<void(const EvalInput&, const CheckDef&, Findings&)>;

std::string sdk_of_class(const EvalInput& in, const std::string& cls) {
  return in.class_sdk ? in.class_sdk(in.class_sdk_ctx, cls) : std::string();
}

// The app's own manifests (nested APKs are other packages).
template <class Fn>
void for_app_manifests(const EvalInput& in, Fn&& fn) {
  for (const auto& m : in.manifests)
    if (!m.nested && m.manifest) fn(m);
}

const ManifestView* base_manifest(const EvalInput& in) {
  for (const auto& m : in.manifests)
    if (!m.nested && m.manifest && m.manifest->split.empty()) return &m;
  return nullptr;
}

const std::map<std::string, Builtin, std::less<>>& builtins() {
  static const std::map<std::string, Builtin, std::less<>> kBuiltins = {
      // --- Android transport ------------------------------------------------------------------
      {"android.transport.cleartext_allowed",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const auto& p = in.result.cleartext_policy;
         if (in.result.app.platform != "android" || !p.known || !p.default_allowed) return;
         const ManifestView* base = base_manifest(in);
         std::string where = p.source == "network_security_config base-config" ? in.nsc_location
                                                                                 : (base ? base->location : "");
         f.add(d, {where, p.source, "cleartext (http://) traffic is allowed to every host by default", ""});
         f.message(d.info.id, fmt::format("The app allows cleartext traffic to any host ({}).", p.source));
       }},
      {"android.transport.cleartext_domains",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         if (!in.nsc) return;
         std::vector<std::string> hosts;
         for (const auto& r : in.nsc->domains)
           if (r.cleartext_permitted.value_or(false)) {
             f.add(d, {in.nsc_location, r.domain,
                       r.include_subdomains ? "domain-config cleartextTrafficPermitted=\"true\" (with subdomains)"
                                            : "domain-config cleartextTrafficPermitted=\"true\"",
                       ""});
             hosts.push_back(r.domain);
           }
         if (!hosts.empty())
           f.message(d.info.id, fmt::format("The network security config allows cleartext to {}.", fmt::join(hosts, ", ")));
       }},
      {"android.transport.user_certificates_trusted",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         if (!in.nsc) return;
         if (in.nsc->base_trusts_user_certs)
           f.add(d, {in.nsc_location, "base-config", "trust-anchors include <certificates src=\"user\"/>", ""});
         for (const auto& r : in.nsc->domains)
           if (r.trusts_user_certs)
             f.add(d, {in.nsc_location, r.domain, "domain-config trust-anchors include <certificates src=\"user\"/>", ""});
       }},
      {"android.transport.pinning_override",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         if (!in.nsc) return;
         if (in.nsc->base_overrides_pins)
           f.add(d, {in.nsc_location, "base-config", "<certificates overridePins=\"true\"> bypasses pinning", ""});
         for (const auto& r : in.nsc->domains)
           if (r.overrides_pins)
             f.add(d, {in.nsc_location, r.domain,
                       r.pinned ? "pinned domain, but <certificates overridePins=\"true\"> bypasses the pins"
                                : "<certificates overridePins=\"true\">",
                       ""});
       }},
      // --- iOS transport ----------------------------------------------------------------------
      {"ios.transport.ats_disabled",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const auto& ats = in.result.ios.ats;
         if (!ats.allows_arbitrary_loads.value_or(false)) return;
         f.add(d, {"Info.plist", "NSAppTransportSecurity/NSAllowsArbitraryLoads", "true: ATS is off for every host", ""});
         f.message(d.info.id, "App Transport Security is disabled globally (NSAllowsArbitraryLoads = true).");
       }},
      {"ios.transport.ats_partially_disabled",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const auto& ats = in.result.ios.ats;
         if (ats.allows_arbitrary_loads_in_web_content.value_or(false))
           f.add(d, {"Info.plist", "NSAppTransportSecurity/NSAllowsArbitraryLoadsInWebContent", "true", ""});
         if (ats.allows_arbitrary_loads_for_media.value_or(false))
           f.add(d, {"Info.plist", "NSAppTransportSecurity/NSAllowsArbitraryLoadsForMedia", "true", ""});
       }},
      {"ios.transport.ats_exception_insecure",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& e : in.result.ios.ats.exception_domains) {
           if (e.allows_insecure_http_loads.value_or(false))
             f.add(d, {"Info.plist", "NSExceptionDomains/" + e.domain,
                       e.includes_subdomains.value_or(false) ? "NSExceptionAllowsInsecureHTTPLoads (with subdomains)"
                                                              : "NSExceptionAllowsInsecureHTTPLoads",
                       ""});
         }
       }},
      {"ios.transport.ats_weak_tls",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& e : in.result.ios.ats.exception_domains) {
           const auto& v = e.minimum_tls_version;
           if (v == "TLSv1.0" || v == "TLSv1.1")
             f.add(d, {"Info.plist", "NSExceptionDomains/" + e.domain, "NSExceptionMinimumTLSVersion = " + v, ""});
           if (e.requires_forward_secrecy && !*e.requires_forward_secrecy)
             f.add(d, {"Info.plist", "NSExceptionDomains/" + e.domain, "NSExceptionRequiresForwardSecrecy = false", ""},
                   "low");
         }
       }},
      // --- Android configuration --------------------------------------------------------------
      {"android.config.debuggable",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for_app_manifests(in, [&](const ManifestView& m) {
           if (m.manifest->debuggable.value_or(false))
             f.add(d, {m.location, "application", "android:debuggable=\"true\"", ""});
         });
       }},
      {"android.config.backup_enabled",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const ManifestView* base = base_manifest(in);
         if (!base || in.result.input.format == "aar") return;
         const auto& m = *base->manifest;
         if (m.allow_backup.has_value() && !*m.allow_backup) return;
         std::string detail = m.allow_backup ? "android:allowBackup=\"true\"" : "android:allowBackup not set (defaults to true)";
         if (!m.full_backup_content.empty() || !m.data_extraction_rules.empty())
           detail += "; backup rules limit what is copied";
         f.add(d, {base->location, "application", detail, ""}, {}, m.allow_backup ? "high" : "medium");
       }},
      {"android.config.test_only",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for_app_manifests(in, [&](const ManifestView& m) {
           if (m.manifest->test_only.value_or(false)) f.add(d, {m.location, "application", "android:testOnly=\"true\"", ""});
         });
       }},
      {"android.config.exported_component",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         std::size_t n = 0;
         for_app_manifests(in, [&](const ManifestView& m) {
           for (const auto& c : m.manifest->components) {
             if (!c.exported || !c.permission.empty()) continue;
             bool provider = c.kind == android::Component::Kind::Provider;
             if (provider && (!c.read_permission.empty() && !c.write_permission.empty())) continue;
             bool activity = c.kind == android::Component::Kind::Activity ||
                             c.kind == android::Component::Kind::ActivityAlias;
             if (activity && is_launcher(c)) continue;  // the launcher entry must be exported
             std::string detail = fmt::format("exported {} without a permission{}", component_kind(c.kind),
                                              c.exported_attr ? "" : " (exported by its intent filter)");
             // Activities are meant to be started by others (deep links); services, receivers and
             // providers expose code and data.
             f.add(d, {m.location, c.name, detail, sdk_of_class(in, c.name)}, activity ? "low" : "medium");
             ++n;
           }
         });
         if (n) f.message(d.info.id, fmt::format("{} component{} can be reached by any app without a permission.", n, n == 1 ? "" : "s"));
       }},
      {"android.config.task_hijacking",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const ManifestView* base = base_manifest(in);
         if (!base) return;
         const auto& m = *base->manifest;
         const int min_sdk = m.min_sdk.value_or(1);
         for (const auto& c : m.components) {
           if (c.kind != android::Component::Kind::Activity && c.kind != android::Component::Kind::ActivityAlias) continue;
           if (c.allow_task_reparenting.value_or(false))
             f.add(d, {base->location, c.name, "android:allowTaskReparenting=\"true\"", sdk_of_class(in, c.name)});
           auto affinity = c.task_affinity ? c.task_affinity : m.task_affinity;
           if (affinity && !affinity->empty() && affinity->rfind(m.package, 0) != 0)
             f.add(d, {base->location, c.name, "android:taskAffinity=\"" + *affinity + "\" names another task",
                       sdk_of_class(in, c.name)});
           // StrandHogg (CVE-2020-0096 family): a singleTask activity in the default affinity can
           // have a malicious activity placed on its task on Android 10 and older.
           if ((c.launch_mode == "singleTask" || c.launch_mode == "singleInstance") && !(affinity && affinity->empty()) &&
               min_sdk < 30)
             f.add(d, {base->location, c.name,
                       fmt::format("launchMode=\"{}\" with the default taskAffinity, minSdkVersion {} < 30", c.launch_mode,
                                   min_sdk),
                       sdk_of_class(in, c.name)},
                   {}, "low");
         }
       }},
      // --- input capture ----------------------------------------------------------------------
      {"android.input.custom_keyboard",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for_app_manifests(in, [&](const ManifestView& m) {
           for (const auto& c : m.manifest->components)
             if (c.kind == android::Component::Kind::Service &&
                 (c.permission == "android.permission.BIND_INPUT_METHOD" || has_action(c, "android.view.InputMethod")))
               f.add(d, {m.location, c.name, "input method service: sees every key typed while it is the active keyboard",
                         sdk_of_class(in, c.name)});
         });
       }},
      {"android.input.accessibility_service",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for_app_manifests(in, [&](const ManifestView& m) {
           for (const auto& c : m.manifest->components)
             if (c.kind == android::Component::Kind::Service &&
                 (c.permission == "android.permission.BIND_ACCESSIBILITY_SERVICE" ||
                  has_action(c, "android.accessibilityservice.AccessibilityService")))
               f.add(d, {m.location, c.name, "accessibility service: can read screen content and typed text once enabled",
                         sdk_of_class(in, c.name)});
         });
       }},
      {"ios.input.keyboard_extension",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& b : in.result.ios.bundles)
           if (b.extension_point == "com.apple.keyboard-service")
             f.add(d, {b.path, b.bundle_id, "custom keyboard extension (NSExtensionPointIdentifier com.apple.keyboard-service)", ""});
       }},
      // --- privacy ----------------------------------------------------------------------------
      {"privacy.data_flow_china",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         std::vector<std::string> vendors;
         for (const auto& fl : in.result.data_flows) {
           if (!fl.china) continue;
           std::string chain = fl.vendor.chain.empty() ? "" : fmt::format(" ({})", fmt::join(fl.vendor.chain, " > "));
           std::string detail = fmt::format("{}{} SDKs {} can send {} to {}", fl.vendor.name, chain, fmt::join(fl.sdks, ", "),
                                            fl.data.empty() ? std::string("data") : fmt::format("{}", fmt::join(fl.data, ", ")),
                                            fmt::join(fl.destinations, ", "));
           bool device = std::find(fl.data.begin(), fl.data.end(), "device_identity") != fl.data.end() ||
                         std::find(fl.data.begin(), fl.data.end(), "identifiers") != fl.data.end();
           for (const auto& s : fl.sdks) f.add(d, {"", fl.vendor.id, detail, s}, device ? "" : "low");
           vendors.push_back(fl.vendor.name);
         }
         if (!vendors.empty())
           f.message(d.info.id, fmt::format("SDKs of vendors based in China ({}) are embedded and can send data there.",
                                            fmt::join(vendors, ", ")));
       }},
      {"ios.privacy.undeclared_required_reason_api",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& m : in.result.ios.privacy_audit.undeclared_required_reason_apis)
           for (const auto& e : m.evidence) {
             auto colon = e.find(": ");
             f.add(d, {colon == std::string::npos ? "" : e.substr(0, colon), m.category,
                       colon == std::string::npos ? e : "uses " + e.substr(colon + 2), ""});
           }
       }},
      {"ios.privacy.undeclared_tracking_domain",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& h : in.result.ios.privacy_audit.undeclared_tracking_domains)
           f.add(d, {"", h, "tracking host not in any NSPrivacyTrackingDomains", ""});
       }},
      {"ios.privacy.sdk_without_manifest",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& s : in.result.ios.privacy_audit.sdks_without_manifest)
           f.add(d, {s, s, "on Apple's list of privacy-impacting SDKs, shipped without PrivacyInfo.xcprivacy", ""});
       }},
      // --- concealment ------------------------------------------------------------------------
      {"android.concealment.obfuscation",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         const auto& c = in.result.coverage;
         if (c.classes < 200 || c.short_name_ratio < 0.5) return;
         f.add(d, {"", "", fmt::format("{} of {} classes ({:.0f}%) have one- or two-letter names", c.short_name_classes,
                                       c.classes, 100 * c.short_name_ratio),
                   ""});
       }},
      {"any.concealment.encrypted_code",
       [](const EvalInput& in, const CheckDef& d, Findings& f) {
         for (const auto& l : in.encrypted_code) f.add(d, {l, "", "code stored encrypted: not readable by a static scan", ""});
         for (const auto& l : in.result.ios.encrypted_binaries)
           f.add(d, {l, "", "FairPlay-encrypted (LC_ENCRYPTION_INFO cryptid 1): classes and strings of encrypted segments unreadable", ""});
       }},
  };
  return kBuiltins;
}

// Indicator checks: group code hits by holder, then test each indicator's co-occurrence rules.
void run_indicators(const EvalInput& in, Findings& out) {
  const auto& cat = in.catalogue;
  // (location, holder) -> primitives present, and the hits of each.
  struct Group {
    std::uint32_t location;
    const std::string* holder;
    std::vector<std::uint32_t> hits;  // indices into in.hits
    std::set<std::uint32_t> prims;
  };
  std::vector<Group> groups;
  std::map<std::pair<std::uint32_t, std::string_view>, std::size_t> group_of;
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> groups_with;  // primitive -> groups
  for (std::uint32_t i = 0; i < in.hits.size(); ++i) {
    const auto& h = in.hits[i];
    auto [it, fresh] = group_of.emplace(std::make_pair(h.location, std::string_view(h.holder)), groups.size());
    if (fresh) groups.push_back({h.location, &h.holder, {}, {}});
    auto& g = groups[it->second];
    g.hits.push_back(i);
    if (g.prims.insert(h.primitive).second) groups_with[h.primitive].push_back(it->second);
  }

  std::set<std::string> permissions;
  for (const auto& p : in.result.permissions) permissions.insert(p.name);
  std::set<std::string> entitlements;
  for (const auto& [k, v] : in.result.ios.entitlements) entitlements.insert(k);

  for (const auto& d : cat.checks()) {
    if (d.info.platform != "any" && !in.result.app.platform.empty() && d.info.platform != in.result.app.platform) continue;
    std::set<std::pair<std::size_t, std::uint32_t>> taken;  // (group, primitive): first indicator wins
    for (const auto& ind : d.indicators) {
      const auto& p = cat.primitives()[ind.what];
      if (!is_code_kind(p.kind)) {
        if (p.kind == Kind::Permission && permissions.count(p.value)) {
          for (const auto& perm : in.result.permissions)
            if (perm.name == p.value)
              out.add(d, {perm.sources.empty() ? std::string() : perm.sources.front(), p.value,
                          ind.detail.empty() ? "requests " + p.value : ind.detail, ""},
                      ind.severity, ind.confidence);
        } else if (p.kind == Kind::Entitlement && entitlements.count(p.value)) {
          out.add(d, {"", p.value, ind.detail.empty() ? "entitlement " + p.value : ind.detail, ""}, ind.severity,
                  ind.confidence);
        } else if (p.kind == Kind::SdkCategory || p.kind == Kind::SdkId) {
          for (const auto& s : in.result.sdks) {
            bool hit = p.kind == Kind::SdkId ? s.id == p.value
                                             : std::find(s.categories.begin(), s.categories.end(), p.value) !=
                                                   s.categories.end();
            if (!hit) continue;
            std::string where = s.evidence.locations.empty() ? std::string() : s.evidence.locations.front();
            out.add(d, {where, s.id, ind.detail.empty() ? s.name : fmt::format("{}: {}", s.name, ind.detail), s.id},
                    ind.severity, ind.confidence);
          }
        }
        continue;
      }
      auto it = groups_with.find(ind.what);
      if (it == groups_with.end()) continue;
      for (std::size_t gi : it->second) {
        const auto& g = groups[gi];
        bool ok = std::all_of(ind.with.begin(), ind.with.end(), [&](std::uint32_t w) { return g.prims.count(w) > 0; }) &&
                  std::none_of(ind.without.begin(), ind.without.end(), [&](std::uint32_t w) { return g.prims.count(w) > 0; });
        if (!ok || !taken.insert({gi, ind.what}).second) continue;
        for (std::uint32_t hi : g.hits) {
          const auto& h = in.hits[hi];
          if (h.primitive != ind.what) continue;
          std::string value = p.mask ? mask_secret(h.value) : h.value;
          std::string detail = ind.detail.empty() ? fmt::format("{} {}", to_string(p.kind), value)
                                                  : fmt::format("{} ({} {})", ind.detail, to_string(p.kind), value);
          out.add(d,
                  {h.location < in.locations.size() ? in.locations[h.location] : std::string(), *g.holder, detail,
                   hi < in.hit_sdks.size() ? in.hit_sdks[hi] : std::string()},
                  ind.severity, ind.confidence);
        }
      }
    }
  }
}

}  // namespace

bool is_short_class_name(std::string_view c) {
  auto cut = c.find_last_of(".$");
  auto simple = cut == std::string_view::npos ? c : c.substr(cut + 1);
  return !simple.empty() && simple.size() <= 2;
}

AnalysisCoverage assess_coverage(const ScanResult& r, std::size_t classes, std::size_t short_name_classes,
                                 const std::vector<std::string>& encrypted_code) {
  AnalysisCoverage c;
  c.classes = classes;
  c.short_name_classes = short_name_classes;
  c.short_name_ratio = classes ? static_cast<double>(short_name_classes) / static_cast<double>(classes) : 0.0;
  for (const auto& s : r.sdks)
    if (std::find(s.categories.begin(), s.categories.end(), "packer") != s.categories.end()) c.packers.push_back(s.id);
  c.encrypted_code = !encrypted_code.empty() || !r.ios.encrypted_binaries.empty();
  if (!c.packers.empty())
    c.notes.push_back(fmt::format("The code is packed ({}): the real DEX is decrypted at run time, so SDKs inside it "
                                  "are not visible and an empty or short SDK list is not evidence of absence.",
                                  fmt::join(c.packers, ", ")));
  if (!encrypted_code.empty())
    c.notes.push_back(fmt::format("{} code file{} stored encrypted ({}); SDKs inside cannot be seen.",
                                  encrypted_code.size(), encrypted_code.size() == 1 ? " is" : "s are",
                                  encrypted_code.front()));
  if (!r.ios.encrypted_binaries.empty())
    c.notes.push_back(fmt::format("{} binar{} FairPlay-encrypted (an App Store download): class and string evidence "
                                  "in encrypted segments is missing; scan a decrypted copy for a full inventory.",
                                  r.ios.encrypted_binaries.size(), r.ios.encrypted_binaries.size() == 1 ? "y is" : "ies are"));
  if (classes >= 200 && c.short_name_ratio >= 0.5)
    c.notes.push_back(fmt::format("{:.0f}% of classes have one- or two-letter names: renamed (obfuscated) SDK packages "
                                  "are matched only through their native libraries, manifest entries and endpoints.",
                                  100 * c.short_name_ratio));
  c.sdk_list_incomplete = !c.notes.empty();
  return c;
}

std::vector<Finding> evaluate(const EvalInput& in) {
  Findings out(in.catalogue);
  const auto& table = builtins();
  for (const auto& d : in.catalogue.checks()) {
    if (!d.builtin) continue;
    if (d.info.platform != "any" && !in.result.app.platform.empty() && d.info.platform != in.result.app.platform) continue;
    if (auto it = table.find(d.info.id); it != table.end()) it->second(in, d, out);
  }
  run_indicators(in, out);
  return out.take();
}

std::vector<std::string> builtin_check_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, fn] : builtins()) ids.push_back(id);
  return ids;
}

}  // namespace sdkscope::checks
