// `checks list`: the check catalogue (signatures/checks.json) and the policy rules, with their
// stable ids and default severities, as an aligned table or JSON.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/checks/catalogue.hpp"
#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"
#include "scanner/policy/policy.hpp"

namespace sdkscope::cli {

int run_checks_list(const ChecksArgs& args) {
  std::string dir = resolve_signatures_dir(args.common.signatures_dir);
  std::vector<std::string> errors;
  auto cat = checks::Catalogue::load(std::filesystem::path(dir) / "checks.json", errors);
  if (!cat) {
    std::fprintf(stderr, "sdkscope: invalid check catalogue: %s\n", errors.empty() ? dir.c_str() : errors.front().c_str());
    return kExitError;
  }
  std::vector<std::pair<CheckInfo, std::size_t>> rows;  // descriptor, indicator count
  for (const auto& d : cat->checks())
    if (args.platform.empty() || d.info.platform == args.platform || d.info.platform == "any")
      rows.emplace_back(d.info, d.indicators.size());
  for (auto& c : policy::policy_rule_catalogue()) rows.emplace_back(std::move(c), 0);

  std::string out;
  if (args.format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& [c, n] : rows)
      j.push_back({{"id", c.id},           {"title", c.title},           {"category", c.category},
                   {"platform", c.platform}, {"severity", c.severity},   {"confidence", c.confidence},
                   {"cwe", c.cwe},         {"masvs", c.masvs},           {"indicators", n},
                   {"description", c.description}, {"remediation", c.remediation}, {"references", c.references}});
    out = j.dump(2) + "\n";
  } else {
    std::size_t w = 2;
    for (const auto& [c, n] : rows) w = std::max(w, c.id.size());
    out += fmt::format("{:<{}}  {:<8}  {:<10}  {:<14}  {:<7}  {}\n", "ID", w, "SEVERITY", "CONFIDENCE", "CATEGORY",
                       "PLATFORM", "TITLE");
    for (const auto& [c, n] : rows)
      out += fmt::format("{:<{}}  {:<8}  {:<10}  {:<14}  {:<7}  {}\n", c.id, w, c.severity, c.confidence, c.category,
                         c.platform, c.title);
    out += fmt::format("\n{} checks (catalogue {}) and {} policy rules.\n", cat->checks().size(), cat->version(),
                       policy::policy_rule_catalogue().size());
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitError;
}

}  // namespace sdkscope::cli
