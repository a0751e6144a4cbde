// parse_mobileprovision: embedded.mobileprovision is a CMS SignedData (RFC 5652) whose
// encapsulated content is an XML plist; OpenSSL unwraps it, parse_plist reads the plist.
//
// The signature is deliberately not verified: the scan is offline and has no Apple trust store,
// and the profile's claims (team, entitlements, devices) are what the report describes, not
// something it vouches for. A re-signed or forged profile reads the same way.
#include <fmt/format.h>
#include <openssl/cms.h>
#include <openssl/err.h>

#include <memory>

#include "scanner/apple/plist.hpp"
#include "scanner/apple/plist_fields.hpp"

namespace sdkscope::apple {
namespace {

/// Real profiles are 5-100 KB (a development profile lists at most a few hundred device UDIDs);
/// anything far larger is not a profile.
constexpr std::size_t kMaxProfileBytes = 8u << 20;

struct CmsFree {
  void operator()(CMS_ContentInfo* p) const { CMS_ContentInfo_free(p); }
};

void fill(const nlohmann::json& plist, Diagnostics& diags, const std::string& where, ProvisioningProfile& out) {
  detail::PlistFields f(diags, where);
  auto str = [&](std::string_view key) { return f.string(plist, key, "").value_or(""); };
  out.name = str("Name");
  out.team_name = str("TeamName");
  out.uuid = str("UUID");
  out.expiration = str("ExpirationDate");  // a date: parse_plist made it ISO 8601
  out.creation = str("CreationDate");
  out.app_id_name = str("AppIDName");
  if (auto teams = f.strings(plist, "TeamIdentifier", ""); !teams.empty()) out.team_id = teams.front();
  out.platforms = f.strings(plist, "Platform", "");
  out.provisions_all_devices = f.boolean(plist, "ProvisionsAllDevices", "").value_or(false);
  if (const auto* devices = f.array(plist, "ProvisionedDevices", "")) out.provisioned_devices = devices->size();
  if (const auto* ent = f.dict(plist, "Entitlements", "")) {
    out.entitlements = *ent;
    out.get_task_allow = f.boolean(*ent, "get-task-allow", "Entitlements").value_or(false);
    out.app_id = f.string(*ent, "application-identifier", "Entitlements").value_or("");
  }
  // application-identifier is "<prefix>.<bundle id>"; the prefix is the team id or, for old
  // App IDs, an ApplicationIdentifierPrefix entry. A wildcard App ID leaves "*" or "com.x.*".
  std::vector<std::string> prefixes = f.strings(plist, "ApplicationIdentifierPrefix", "");
  if (!out.team_id.empty()) prefixes.push_back(out.team_id);
  out.bundle_id = out.app_id;
  for (const auto& p : prefixes) {
    if (!p.empty() && out.app_id.size() > p.size() && out.app_id.compare(0, p.size(), p) == 0 &&
        out.app_id[p.size()] == '.') {
      out.bundle_id = out.app_id.substr(p.size() + 1);
      break;
    }
  }
}

}  // namespace

std::optional<ProvisioningProfile> parse_mobileprovision(Bytes data, Diagnostics& diags, const std::string& where) {
  try {
    if (data.size() > kMaxProfileBytes) {
      diags.warn(
          "mobileprovision.limit", where,
          fmt::format("{} bytes exceeds the {}-byte limit for a provisioning profile", data.size(), kMaxProfileBytes));
      return std::nullopt;
    }
    const unsigned char* p = data.data();
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(data.size())));
    ERR_clear_error();  // OpenSSL's error queue is per thread; leave it as we found it
    if (!cms) {
      diags.warn("mobileprovision.invalid", where, "not a DER-encoded CMS (PKCS#7) structure");
      return std::nullopt;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
      diags.warn("mobileprovision.invalid", where, "CMS content is not SignedData");
      return std::nullopt;
    }
    ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
    if (!content || !*content) {
      diags.warn("mobileprovision.invalid", where, "SignedData carries no content (detached signature)");
      return std::nullopt;
    }
    const Bytes plist_bytes(ASN1_STRING_get0_data(*content), static_cast<std::size_t>(ASN1_STRING_length(*content)));
    auto plist = parse_plist(plist_bytes, diags, where);
    if (!plist) return std::nullopt;
    if (!plist->is_object()) {
      detail::PlistFields(diags, where).bad_type("(root)", "dictionary", *plist);
      return std::nullopt;
    }
    ProvisioningProfile out;
    fill(*plist, diags, where, out);
    return out;
  } catch (const std::exception& e) {
    ERR_clear_error();
    diags.warn("mobileprovision.invalid", where, std::string("profile could not be read: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace sdkscope::apple
