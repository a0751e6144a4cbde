// End-to-end: `sdkscope scan --format html` embeds the app icon the scan found; JSON names it.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope::test;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int scan(const std::filesystem::path& input, const std::string& format, const std::filesystem::path& out) {
  int code = -1;
  run("'" + (build_dir() / "sdkscope").string() + "' scan '" + input.string() + "' --format " + format + " -o '" +
          out.string() + "' 2>/dev/null",
      &code);
  return code;
}

}  // namespace

TEST_CASE("scan --format html: the launcher icon as a data: URI in the header") {
  auto dir = temp_dir("icon_cli");
  auto apk = testdata("icons/apks/legacy.apk");
  CHECK(scan(apk, "html", dir / "r.html") == 0);
  std::string html = slurp(dir / "r.html");
  CHECK(html.find("<img class=\"icon\" alt=\"app icon\" src=\"data:image/png;base64,iVBORw0KGgo") != std::string::npos);

  CHECK(scan(apk, "json", dir / "r.json") == 0);
  auto j = nlohmann::json::parse(slurp(dir / "r.json"));
  CHECK(j["app"]["icon"] == "res/mipmap-xxhdpi-v4/ic_launcher.png");

  // No android:icon in the demo app: no <img>, "icon": null.
  CHECK(scan(testdata("apps/demo.apk"), "html", dir / "d.html") == 0);
  CHECK(slurp(dir / "d.html").find("data:image/png") == std::string::npos);
}
