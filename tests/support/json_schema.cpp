#include "support/json_schema.hpp"

#include <fstream>
#include <map>
#include <memory>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "support/cyclonedx_schema.hpp"

// Both validators live in this one file: valijson's templates are the most expensive code in the
// test build, so they are instantiated once.

namespace sdkscope::test {

namespace {

/// One line per violation of `schema` (empty = valid).
std::vector<std::string> validate(const valijson::Schema& schema, const nlohmann::json& doc) {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  std::vector<std::string> out;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
      std::string ctx;
      for (const auto& c : err.context) ctx += c;
      out.push_back(ctx + ": " + err.description);
    }
  }
  return out;
}

nlohmann::json read_json_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

/// The parsed bom-1.5 schema with its two $ref'd documents resolved from `dir` (by file name:
/// "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json#/definitions/signature").
const valijson::Schema& cyclonedx_schema(const std::filesystem::path& dir) {
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

}  // namespace

std::vector<std::string> schema_errors(const std::filesystem::path& schema_file, const nlohmann::json& doc) {
  nlohmann::json schema_doc = read_json_file(schema_file);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  return validate(schema, doc);
}

std::vector<std::string> cyclonedx_errors(const nlohmann::json& bom, const std::filesystem::path& dir) {
  return validate(cyclonedx_schema(dir), bom);
}

}  // namespace sdkscope::test
