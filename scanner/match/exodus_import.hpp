// `sdkscope signatures import-exodus`: turns an Exodus Privacy tracker export (the ETIP JSON API
// format, {"trackers": {id: {name, code_signature, network_signature, website, categories}}})
// into a signature directory a user loads beside ours with --extra-signatures.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/match/signature_db.hpp"

namespace sdkscope {

struct ExodusImport {
  nlohmann::json vendors;  ///< {"vendors": [...]}: one placeholder vendor, country unknown ("ZZ")
  nlohmann::json sdks;     ///< {"sdks": [...]}
  std::size_t trackers = 0, imported = 0;
  std::vector<std::string> skipped;  ///< "id name: reason", one per tracker or rule left out
};

/// Converts the export. A code signature becomes package prefixes only where it is a plain dotted
/// prefix ("com.foo.bar." or "com\\.foo\\.bar"); regexes with wildcards or alternation groups
/// cannot be turned into segment-exact prefixes and are skipped with a reason. Prefixes `base`
/// already claims are left to our records. Network signatures become domains where they are plain
/// host names. Never throws; a malformed export yields skipped entries.
ExodusImport import_exodus(const nlohmann::json& exodus, const SignatureDb& base);

}  // namespace sdkscope
