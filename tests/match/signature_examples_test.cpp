// Data-driven: every record of the shipped database detects its own must-match examples and
// none of its must-not-match examples (YARA's assert_true_rule / assert_false_rule).
#include <doctest/doctest.h>

#include "scanner/match/matcher.hpp"
#include "scanner/match/signature_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

// One example as evidence. Class examples for records with min_classes > 1 are repeated under
// distinct names in the same package, so the example tests the rule, not the stub guard.
EvidenceSet evidence_for(const EvidenceExample& ex, std::uint32_t min_classes) {
  EvidenceSet e;
  auto loc = e.add_location("example");
  e.facts.push_back({ex.kind, ex.value, loc});
  if ((ex.kind == EvidenceKind::JavaClass || ex.kind == EvidenceKind::ObjcClass) && min_classes > 1) {
    for (std::uint32_t i = 1; i < min_classes; ++i) e.facts.push_back({ex.kind, ex.value + "Extra" + std::to_string(i), loc});
  }
  return e;
}

bool detects(const std::vector<SdkFinding>& found, const std::string& id) {
  for (const auto& s : found)
    if (s.id == id) return true;
  return false;
}

}  // namespace

TEST_CASE("the shipped signature database loads and validates") {
  std::vector<std::string> errors;
  auto db = SignatureDb::load(sdkscope::test::source_dir() / "signatures", errors);
  INFO((errors.empty() ? "" : errors.front()));
  REQUIRE(db);
  CHECK(db->version() != "");
}

TEST_CASE("every record's examples match, and its counter-examples do not") {
  std::vector<std::string> errors;
  auto db = SignatureDb::load(sdkscope::test::source_dir() / "signatures", errors);
  REQUIRE(db);
  std::size_t checked = 0;
  for (const auto& rec : db->sdks()) {
    for (const auto& ex : rec.examples_match) {
      auto min = ex.kind == EvidenceKind::ObjcClass ? rec.ios.min_classes : rec.android.min_classes;
      INFO(rec.id << " must match " << to_string(ex.kind) << " " << ex.value);
      CHECK(detects(match_sdks(evidence_for(ex, min), *db), rec.id));
      ++checked;
    }
    for (const auto& ex : rec.examples_no_match) {
      auto min = ex.kind == EvidenceKind::ObjcClass ? rec.ios.min_classes : rec.android.min_classes;
      INFO(rec.id << " must not match " << to_string(ex.kind) << " " << ex.value);
      CHECK_FALSE(detects(match_sdks(evidence_for(ex, min), *db), rec.id));
      ++checked;
    }
  }
  MESSAGE(checked << " examples checked over " << db->sdks().size() << " records");
}
