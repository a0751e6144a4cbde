#include "scanner/analysis/endpoint_report.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace sdkscope {

namespace {
bool is_cleartext_scheme(const std::string& s) { return s == "http" || s == "ws" || s == "ftp" || s == "mqtt" || s == "rtmp"; }
}  // namespace

std::vector<EndpointInfo> build_endpoints(const EvidenceSet& evidence, const AddressExtractor& extractor,
                                          const PublicSuffixList& psl, const SignatureDb& db,
                                          const std::vector<SdkFinding>& sdks, const std::string& app_id,
                                          std::map<std::string, std::uint64_t>* filtered_counts,
                                          const EndpointOptions& opts) {
  std::set<std::string> detected;
  std::map<std::string, const SdkFinding*> by_id;
  for (const auto& s : sdks) {
    detected.insert(s.id);
    by_id[s.id] = &s;
  }
  // com.example.app -> example.com: the domain an app id mirrors.
  std::string mirrored;
  if (auto dot = app_id.find('.'); dot != std::string::npos) {
    auto second = app_id.find('.', dot + 1);
    mirrored = app_id.substr(dot + 1, second == std::string::npos ? std::string::npos : second - dot - 1) + "." +
               app_id.substr(0, dot);
  }
  std::string own_prefix = app_id.empty() ? "" : app_id + ".";

  struct Acc {
    EndpointInfo info;
    std::set<EndpointSource> sources;
    std::map<std::string, std::size_t> holder_sdks;  // sdk id -> occurrences
  };
  std::map<std::string, Acc> by_key;  // key: url, or "host:" + host for bare hosts
  std::vector<FilteredAddress> filtered;
  for (const auto& a : evidence.addresses) {
    filtered.clear();
    auto cands = extractor.extract(a.value, filtered_counts ? &filtered : nullptr);
    if (filtered_counts)
      for (const auto& f : filtered) ++(*filtered_counts)[f.reason];
    for (auto& c : cands) {
      std::string key = c.url.empty() ? "host:" + c.host + (c.port ? ":" + std::to_string(*c.port) : "") : c.url;
      auto [it, fresh] = by_key.try_emplace(key);
      Acc& acc = it->second;
      if (fresh) {
        acc.info.url = c.url;
        acc.info.host = c.host;
        acc.info.scheme = c.scheme;
        acc.info.port = c.port;
        acc.info.ip_literal = c.ip_literal;
        acc.info.domain = c.ip_literal ? "" : psl.registrable_domain(c.host);
        acc.info.cleartext = is_cleartext_scheme(c.scheme);
      }
      acc.sources.insert({evidence.locations[a.location], a.holder});
      if (!a.holder.empty()) {
        if (auto hit = db.match_class(a.holder); hit && detected.count(db.sdks()[hit->record].id))
          ++acc.holder_sdks[db.sdks()[hit->record].id];
      }
    }
  }

  // A bare host already present in a URL adds nothing but noise: keep the URL entries.
  std::set<std::string> url_hosts;
  for (const auto& [key, acc] : by_key)
    if (!acc.info.url.empty()) url_hosts.insert(acc.info.host);

  std::vector<EndpointInfo> out;
  for (auto& [key, acc] : by_key) {
    if (acc.info.url.empty() && url_hosts.count(acc.info.host)) continue;
    EndpointInfo e = std::move(acc.info);
    if (!acc.holder_sdks.empty()) {
      // The SDK whose code loads the string most often (ties: smallest id, for determinism).
      e.sdk = std::max_element(acc.holder_sdks.begin(), acc.holder_sdks.end(), [](const auto& x, const auto& y) {
                return x.second < y.second || (x.second == y.second && x.first > y.first);
              })->first;
    } else if (!e.ip_literal) {
      for (const auto& hit : db.match_domain(e.host))
        if (detected.count(db.sdks()[hit.record].id)) {
          e.sdk = db.sdks()[hit.record].id;
          break;
        }
    }
    if (const VendorRecord* owner = e.ip_literal ? nullptr : db.domain_owner(e.host)) {
      e.owner_id = owner->id;
      e.owner_name = owner->name;
      e.owner_country = owner->country;
    } else if (!e.sdk.empty()) {
      const auto& v = by_id.at(e.sdk)->vendor;
      e.owner_id = v.id;
      e.owner_name = v.name;
      e.owner_country = v.country;
    }
    bool own_code_only = !own_prefix.empty() && !acc.sources.empty() &&
                         std::all_of(acc.sources.begin(), acc.sources.end(),
                                     [&](const EndpointSource& s) { return s.holder.rfind(own_prefix, 0) == 0; });
    e.first_party = e.owner_id.empty() && e.sdk.empty() && ((!mirrored.empty() && e.domain == mirrored) || own_code_only);
    for (const auto& s : acc.sources) {
      if (e.sources.size() >= opts.max_sources) break;
      e.sources.push_back(s);
    }
    out.push_back(std::move(e));
  }
  // A registrable domain the app's own code uses is the app's: its other hosts and resource
  // strings on that domain are first party too, unless a vendor owns it.
  std::set<std::string> own_domains;
  for (const auto& e : out)
    if (e.first_party && !e.domain.empty()) own_domains.insert(e.domain);
  for (auto& e : out)
    if (!e.first_party && e.owner_id.empty() && e.sdk.empty() && own_domains.count(e.domain)) e.first_party = true;
  std::sort(out.begin(), out.end(), [](const EndpointInfo& a, const EndpointInfo& b) {
    return a.host != b.host ? a.host < b.host : a.url < b.url;
  });
  return out;
}

}  // namespace sdkscope
