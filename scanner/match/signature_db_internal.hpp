// Internals shared by the signature loader and the index compiler (not a public header).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scanner/match/signature_db.hpp"

namespace sdkscope {

inline bool is_regex_rule(std::string_view v) { return v.size() > 3 && v.substr(0, 3) == "re:"; }
inline std::string regex_body(std::string_view v) { return std::string(v.substr(3)); }
std::string to_lower_ascii(std::string_view s);

bool load_vendor_file(const std::filesystem::path& p, std::vector<VendorRecord>& out, std::vector<std::string>& errors);
bool load_sdk_file(const std::filesystem::path& p, const std::string& display, std::vector<SdkRecord>& out,
                   std::vector<std::string>& errors);
bool load_permission_file(const std::filesystem::path& p, std::unordered_map<std::string, PermissionRecord>& out,
                          std::vector<std::string>& errors);
/// One owner block of domains/*.json.
struct DomainOwnerBlock {
  std::string file, vendor;
  std::vector<std::string> domains;
};
bool load_domain_file(const std::filesystem::path& p, std::vector<DomainOwnerBlock>& out, std::vector<std::string>& errors);
/// The *.json files of a directory, sorted (deterministic load order); none when it is absent.
std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir);

/// signatures/apple/privacy_impacting_sdks.json: the framework names of Apple's listed SDKs.
void load_apple_listed_sdks(const std::filesystem::path& file, std::unordered_set<std::string>& listed,
                            std::vector<std::string>& errors);

/// Cross-record checks: unknown vendors/parents, duplicate ids, evidence claimed twice.
bool validate_records(const std::vector<VendorRecord>& vendors, const std::vector<SdkRecord>& sdks,
                      std::vector<std::string>& errors);

}  // namespace sdkscope
