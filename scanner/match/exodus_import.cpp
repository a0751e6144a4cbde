#include "scanner/match/exodus_import.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace sdkscope {

namespace {

// An Exodus signature alternative as a literal ("com\\.foo\\.bar\\." -> "com.foo.bar."), or
// nullopt when it is a real regex (wildcards, classes, groups, anchors). `allowed` says which
// characters a literal of this kind may hold; `lower` folds ASCII upper case (host names).
template <typename Allowed>
std::optional<std::string> unescape_literal(const std::string& sig, Allowed allowed, bool lower) {
  std::string out;
  for (std::size_t i = 0; i < sig.size(); ++i) {
    char c = sig[i];
    if (c == '\\' && i + 1 < sig.size() && sig[i + 1] == '.') {
      out += '.';
      ++i;
    } else if (lower && c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (allowed(c)) {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// "com.foo.bar." -> "com.foo.bar"; "" when it is a regex or not a dotted package.
std::string plain_prefix(const std::string& sig) {
  auto out = unescape_literal(sig, [](char c) { return alnum(c) || c == '_' || c == '.'; }, false);
  if (!out) return {};
  while (!out->empty() && out->back() == '.') out->pop_back();
  if (out->empty() || out->front() == '.' || out->find("..") != std::string::npos || out->find('.') == std::string::npos) return {};
  return *out;
}

// "api\\.foo\\.io" -> "api.foo.io"; "" when it is a regex or not a dotted host.
std::string plain_host(const std::string& sig) {
  auto out = unescape_literal(sig, [](char c) { return alnum(c) || c == '-' || c == '.'; }, true);
  if (!out) return {};
  while (!out->empty() && out->front() == '.') out->erase(out->begin());
  if (out->find('.') == std::string::npos || out->back() == '.') return {};
  return *out;
}

std::vector<std::string> split_alternatives(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '|') {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string category_of(const std::string& exodus) {
  if (exodus == "Advertisement") return "advertising";
  if (exodus == "Crash reporting") return "crash_reporting";
  if (exodus == "Location") return "maps_location";
  if (exodus == "Identification") return "fingerprinting";
  return "analytics";  // Analytics, Profiling
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "tracker" : out.substr(0, 60);
}

}  // namespace

ExodusImport import_exodus(const nlohmann::json& exodus, const SignatureDb& base) {
  ExodusImport out;
  out.vendors = {{"vendors",
                  {{{"id", "exodus-import"},
                    {"name", "Unverified (imported from Exodus Privacy)"},
                    {"country", "ZZ"},
                    {"sources", {"https://reports.exodus-privacy.eu.org/en/trackers/"}},
                    {"notes", "placeholder vendor: Exodus records name no company or country"}}}}};
  out.sdks = {{"sdks", nlohmann::json::array()}};
  if (!exodus.is_object() || !exodus.contains("trackers") || !exodus["trackers"].is_object()) {
    out.skipped.push_back("export: expected {\"trackers\": {...}}");
    return out;
  }
  std::set<std::string> claimed;  // prefixes taken by earlier imported records
  for (const auto& [key, t] : exodus["trackers"].items()) {
    ++out.trackers;
    if (!t.is_object()) {
      out.skipped.push_back(key + ": not an object");
      continue;
    }
    std::string name = t.value("name", std::string("tracker ") + key);
    std::string label = key + " " + name;
    std::vector<std::string> packages, domains;
    for (const auto& alt : split_alternatives(t.value("code_signature", std::string()))) {
      std::string p = plain_prefix(alt);
      if (p.empty()) {
        out.skipped.push_back(fmt::format("{}: code signature '{}' is a regex, not a package prefix", label, alt));
        continue;
      }
      // Our records, and earlier imports, keep what they already claim.
      std::string probe = p + ".ImportProbe";
      if (auto hit = base.match_class(probe); hit && hit->rule == p) {
        out.skipped.push_back(fmt::format("{}: '{}' is already claimed by {}", label, p, base.sdks()[hit->record].id));
        continue;
      }
      if (!claimed.insert(p).second) {
        out.skipped.push_back(fmt::format("{}: '{}' already imported for another tracker", label, p));
        continue;
      }
      packages.push_back(p);
    }
    for (const auto& alt : split_alternatives(t.value("network_signature", std::string()))) {
      std::string h = plain_host(alt);
      if (!h.empty()) domains.push_back(h);
    }
    if (packages.empty()) {
      out.skipped.push_back(fmt::format("{}: no usable package prefix", label));
      continue;
    }
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    std::vector<std::string> cats;
    for (const auto& c : t.value("categories", nlohmann::json::array()))
      if (c.is_string()) cats.push_back(category_of(c.get<std::string>()));
    if (cats.empty()) cats.push_back("analytics");
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    nlohmann::json sources = {fmt::format("https://reports.exodus-privacy.eu.org/en/trackers/{}/", key)};
    if (t.contains("website") && t["website"].is_string() && !t["website"].get<std::string>().empty())
      sources.push_back(t["website"]);
    nlohmann::json rec = {{"id", fmt::format("exodus.{}-{}", key, slug(name))},
                          {"name", name},
                          {"vendor", "exodus-import"},
                          {"categories", cats},
                          {"description", "Imported from an Exodus Privacy export; not reviewed by sdkscope"},
                          {"android", {{"packages", packages}}},
                          {"tests", {{"match", {{{"kind", "dex.class"}, {"value", packages.front() + ".Example"}}}}}},
                          {"sources", sources}};
    if (!domains.empty()) rec["domains"] = domains;
    out.sdks["sdks"].push_back(std::move(rec));
    ++out.imported;
  }
  return out;
}

}  // namespace sdkscope
