// CycloneDX 1.5 JSON Schema validation (valijson) for the report and corpus tests. The official
// schemas are not in the repository: scripts/fetch-schemas.sh puts them in build/schemas (or
// $SDKSCOPE_SCHEMAS) from the @cyclonedx/cyclonedx-library npm package; tests skip without them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "support/test_paths.hpp"

namespace sdkscope::test {

inline constexpr const char* kCycloneDxSchema = "bom-1.5.SNAPSHOT.schema.json";
inline constexpr const char* kCycloneDxRefs[] = {"spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"};

/// The directory holding the three schema files, or nullopt (tests then skip with a MESSAGE).
inline std::optional<std::filesystem::path> cyclonedx_schema_dir() {
  std::filesystem::path dir = source_dir() / "build" / "schemas";
  if (const char* env = std::getenv("SDKSCOPE_SCHEMAS"); env && *env) dir = env;
  if (!std::filesystem::exists(dir / kCycloneDxSchema)) return std::nullopt;
  for (const char* ref : kCycloneDxRefs)
    if (!std::filesystem::exists(dir / ref)) return std::nullopt;
  return dir;
}

inline nlohmann::json read_json_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

/// The parsed bom-1.5 schema with its two $ref'd documents resolved from `dir` (by file name:
/// "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json#/definitions/signature").
inline const valijson::Schema& cyclonedx_schema(const std::filesystem::path& dir) {
  static std::map<std::string, std::unique_ptr<valijson::Schema>> cache;
  auto& slot = cache[dir.string()];
  if (slot) return *slot;
  auto schema_doc = read_json_file(dir / kCycloneDxSchema);
  auto schema = std::make_unique<valijson::Schema>();
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(schema_doc);
  auto fetch = [dir](const std::string& uri) -> const nlohmann::json* {
    std::string name = uri.substr(uri.find_last_of('/') == std::string::npos ? 0 : uri.find_last_of('/') + 1);
    if (auto hash = name.find('#'); hash != std::string::npos) name.resize(hash);
    for (const char* ref : kCycloneDxRefs)
      if (name == ref) return new nlohmann::json(read_json_file(dir / ref));
    return nullptr;  // anything else is an error: the schema may not reach outside the three files
  };
  auto free_doc = [](const nlohmann::json* doc) { delete doc; };
  parser.populateSchema(adapter, *schema, fetch, free_doc);
  slot = std::move(schema);
  return *slot;
}

/// One line per violation of CycloneDX 1.5 (empty = valid).
inline std::vector<std::string> cyclonedx_errors(const nlohmann::json& bom, const std::filesystem::path& dir) {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(bom);
  std::vector<std::string> out;
  if (!validator.validate(cyclonedx_schema(dir), target, &results)) {
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
      std::string ctx;
      for (const auto& c : err.context) ctx += c;
      out.push_back(ctx + ": " + err.description);
    }
  }
  return out;
}

}  // namespace sdkscope::test
