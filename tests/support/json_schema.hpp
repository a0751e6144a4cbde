// JSON Schema validation for report tests (valijson, draft-07 subset).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sdkscope::test {

/// Validates `doc` against the schema file; returns one line per violation (empty = valid).
std::vector<std::string> schema_errors(const std::filesystem::path& schema_file, const nlohmann::json& doc);

}  // namespace sdkscope::test
