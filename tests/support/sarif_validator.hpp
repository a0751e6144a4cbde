// Runs Microsoft's SARIF Multitool (scripts/fetch-sarif-validator.sh) over SARIF files and returns
// its error-level results (schema violations JSON1xxx and SARIF1xxx rule errors). Warnings such as
// SARIF2017 ("region absent": sdkscope's locations are entries of a bundle, not lines of text) are
// counted but do not fail.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"

namespace sdkscope::test {

inline std::optional<std::filesystem::path> sarif_multitool() {
  std::filesystem::path dir = std::getenv("SDKSCOPE_SARIF_TOOL_DIR") ? std::getenv("SDKSCOPE_SARIF_TOOL_DIR")
                                                                      : (build_dir() / "tools" / "sarif").string();
  auto tool = dir / "Sarif.Multitool";
  if (!std::filesystem::exists(tool)) return std::nullopt;
  return tool;
}

struct SarifValidation {
  std::vector<std::string> errors;  ///< "file: RULE message"
  std::size_t warnings = 0;
  bool ran = false;
};

/// Validates every file in `files` with one Multitool run.
inline SarifValidation validate_sarif(const std::filesystem::path& tool, const std::vector<std::filesystem::path>& files) {
  SarifValidation v;
  auto out = std::filesystem::temp_directory_path() / ("sdkscope-sarif-validation-" + std::to_string(::getpid()) + ".sarif");
  std::filesystem::remove(out);
  std::string cmd = "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 300 '" + tool.string() + "' validate";
  for (const auto& f : files) cmd += " '" + f.string() + "'";
  cmd += " -o '" + out.string() + "' >/dev/null 2>&1";
  int code = 0;
  run(cmd, &code);
  std::ifstream in(out);
  if (!in) {
    v.errors.push_back("the validator wrote no log (exit " + std::to_string(code) + ")");
    return v;
  }
  auto log = nlohmann::json::parse(in, nullptr, false);
  std::filesystem::remove(out);
  if (log.is_discarded() || !log.contains("runs")) {
    v.errors.push_back("unreadable validator log");
    return v;
  }
  v.ran = true;
  for (const auto& run : log["runs"])
    for (const auto& r : run.value("results", nlohmann::json::array())) {
      std::string level = r.value("level", "warning");
      if (level != "error") {
        ++v.warnings;
        continue;
      }
      std::string where;
      if (r.contains("locations") && !r["locations"].empty())
        where = r["locations"][0]["physicalLocation"]["artifactLocation"].value("uri", "");
      std::string msg = r["message"].value("text", "");
      if (msg.empty() && r["message"].contains("arguments")) msg = r["message"]["arguments"].dump();
      v.errors.push_back(where + ": " + r.value("ruleId", "?") + " " + msg);
    }
  return v;
}

}  // namespace sdkscope::test
