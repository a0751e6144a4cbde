// The DEX reader's method and field uses per class, which the code checks are built on.
#include <doctest/doctest.h>

#include <algorithm>

#include "scanner/bundle/archive.hpp"
#include "scanner/dex/dex_file.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

dex::DexFile positive_dex() {
  auto bytes = std::make_shared<const std::vector<std::uint8_t>>(test::read_file(test::testdata("checks/android/positive.apk")));
  Diagnostics diags;
  std::string err;
  auto archive = Archive::open(bytes, Limits{}, diags, "positive.apk", &err);
  REQUIRE(archive);
  ReadBudget budget;
  for (const auto& e : archive->entries())
    if (e.name == "classes.dex") {
      auto data = archive->read(e, Limits{}, budget, diags, "classes.dex");
      REQUIRE(data);
      auto res = dex::parse_dex(*data, diags, "classes.dex");
      REQUIRE(res.ok);
      return res.dex;
    }
  FAIL("no classes.dex");
  return {};
}

bool uses(const dex::DexFile& d, const std::vector<std::string>& refs, const std::vector<dex::RefUse>& used,
          const std::string& cls, const std::string& ref) {
  return std::any_of(used.begin(), used.end(), [&](const dex::RefUse& u) {
    return d.classes[u.class_idx] == cls && refs[u.ref_idx] == ref;
  });
}

}  // namespace

TEST_CASE("method and field uses are recorded per class, sorted and unique") {
  auto d = positive_dex();
  CHECK(uses(d, d.method_refs, d.method_uses, "com.fixture.checks.WeakCipher", "javax.crypto.Cipher.getInstance"));
  CHECK(uses(d, d.method_refs, d.method_uses, "com.fixture.checks.Fingerprint",
             "android.telephony.TelephonyManager.getDeviceId"));
  CHECK(uses(d, d.field_refs, d.field_uses, "com.fixture.checks.Fingerprint", "android.os.Build.SERIAL"));
  CHECK_FALSE(uses(d, d.method_refs, d.method_uses, "com.fixture.checks.WeakHash", "javax.crypto.Cipher.getInstance"));
  auto key = [](const dex::RefUse& u) { return std::make_pair(u.class_idx, u.ref_idx); };
  CHECK(std::is_sorted(d.method_uses.begin(), d.method_uses.end(),
                       [&](const dex::RefUse& a, const dex::RefUse& b) { return key(a) < key(b); }));
  CHECK(std::adjacent_find(d.method_uses.begin(), d.method_uses.end()) == d.method_uses.end());
  CHECK(d.field_refs.size() >= 1);
}
