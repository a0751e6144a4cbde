// App Bundle resource tables (aapt.pb.ResourceTable): ids, names, default-configuration choice,
// alias chains, file references and the string list, against the protoc-encoded fixture.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scanner/android/resources_pb.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::android {

TEST_CASE("aab: resources.pb fixture decodes ids, names and default values") {
  auto bytes = test::read_file(test::testdata("aab/resources.pb"));
  Diagnostics diags;
  auto result = parse_resources_pb(bytes, diags, "base/resources.pb");
  CHECK(diags.empty());
  CHECK(result.complete);
  const ResourceTable& t = result.table;

  // The feature package comes first in the file; the app package is chosen by id 0x7f.
  CHECK(t.package == "com.example.aabdemo");

  CHECK(t.names.at(0x7f010000) == "attr/appTheme");
  CHECK(t.names.at(0x7f020000) == "string/app_name");
  CHECK(t.names.at(0x7f020007) == "string/product_default");
  CHECK(t.names.at(0x7f050000) == "integer/google_play_services_version");
  CHECK(t.names.at(0x7f060000) == "array/endpoints");
  CHECK(t.names.at(0x80020000) == "string/feature_title");
  CHECK(t.names.size() == 16);

  SUBCASE("the default configuration wins even when a locale comes first") {
    CHECK(t.value(0x7f020000) == std::optional<std::string>("AAB Demo"));
  }
  SUBCASE("with no default configuration, the first configuration's value is taken") {
    CHECK(t.value(0x7f020002) == std::optional<std::string>("Nur auf Deutsch"));
    CHECK(t.value(0x7f030000) == std::optional<std::string>("res/mipmap-xxhdpi-v4/ic_launcher.png"));
  }
  SUBCASE("a product-only configuration counts as the default one") {
    CHECK(t.value(0x7f020007) == std::optional<std::string>("product value"));
  }
  SUBCASE("styled strings, file references and other packages") {
    CHECK(t.value(0x7f020001) == std::optional<std::string>("https://api.example.com/v1/"));
    CHECK(t.value(0x7f020004) == std::optional<std::string>("Welcome back"));
    CHECK(t.value(0x7f040000) == std::optional<std::string>("res/xml/network_security_config.xml"));
    CHECK(t.value(0x80020000) == std::optional<std::string>("Feature title"));
  }
  SUBCASE("aliases are followed; cycles are not") {
    CHECK(t.value(0x7f020003) == std::optional<std::string>("AAB Demo"));
    CHECK_FALSE(t.value(0x7f020005));
    CHECK_FALSE(t.value(0x7f020006));
  }
  SUBCASE("primitives, attributes and compound values have no string value") {
    CHECK_FALSE(t.value(0x7f050000));
    CHECK_FALSE(t.value(0x7f010000));
    CHECK_FALSE(t.value(0x7f060000));
    CHECK_FALSE(t.value(0x7f070000));
  }
  SUBCASE("strings: every distinct string value in table order, compound values included") {
    CHECK(t.strings == std::vector<std::string>{"Feature title", "Démo AAB", "AAB Demo", "https://api.example.com/v1/",
                                                "Nur auf Deutsch", "Welcome back", "v21 value", "product value",
                                                "https://cdn.example.net/assets", "wss://push.example.org/socket",
                                                "%d file", "%d files", "theme label"});
  }
}

TEST_CASE("aab: an empty resources.pb is an empty, complete table") {
  Diagnostics diags;
  auto result = parse_resources_pb({}, diags, "base/resources.pb");
  CHECK(diags.empty());
  CHECK(result.complete);
  CHECK(result.table.package.empty());
  CHECK(result.table.names.empty());
}

}  // namespace sdkscope::android
