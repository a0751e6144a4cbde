#include "support/json_schema.hpp"

#include <fstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace sdkscope::test {

std::vector<std::string> schema_errors(const std::filesystem::path& schema_file, const nlohmann::json& doc) {
  std::ifstream in(schema_file);
  nlohmann::json schema_doc = nlohmann::json::parse(in);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
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

}  // namespace sdkscope::test
