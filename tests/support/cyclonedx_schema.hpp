// CycloneDX 1.5 JSON Schema validation (valijson) for the report and corpus tests. The official
// schemas are not in the repository: scripts/fetch-schemas.sh puts them in build/schemas (or
// $SDKSCOPE_SCHEMAS) from the @cyclonedx/cyclonedx-library npm package; tests skip without them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

/// One line per violation of CycloneDX 1.5 (empty = valid). The schema is parsed once per
/// directory. Compiled in json_schema.cpp beside schema_errors: valijson's templates are the
/// most expensive code in the test build, so no test includes them.
std::vector<std::string> cyclonedx_errors(const nlohmann::json& bom, const std::filesystem::path& dir);

}  // namespace sdkscope::test
