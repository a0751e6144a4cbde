// Endpoint extraction: URLs, bare hosts and IP literals, the noise filters, and attribution.
#include <doctest/doctest.h>

#include "scanner/analysis/endpoints.hpp"
#include "scanner/analysis/permissions.hpp"

using namespace sdkscope;

namespace {

const PublicSuffixList& psl() {
  static PublicSuffixList p;
  return p;
}

std::vector<AddressCandidate> ex(std::string_view s, std::vector<FilteredAddress>* f = nullptr) {
  return AddressExtractor(psl()).extract(s, f);
}

std::string reason(std::string_view s) {
  std::vector<FilteredAddress> f;
  auto got = ex(s, &f);
  if (!got.empty()) return "kept";
  return f.empty() ? "ignored" : f.front().reason;
}

}  // namespace

TEST_CASE("URLs are found inside text and normalised") {
  auto got = ex("see HTTPS://User:pw@API.Example-Shop.COM:8443/v1/items?id=3#frag, then stop");
  REQUIRE(got.size() == 1);
  CHECK(got[0].scheme == "https");
  CHECK(got[0].host == "api.example-shop.com");
  CHECK(got[0].port == 8443);
  CHECK(got[0].path == "/v1/items?id=3");
  CHECK(got[0].url == "https://api.example-shop.com:8443/v1/items?id=3");

  auto two = ex("a=http://rqd.uu.qq.com/rqd/sync,wss://push.bigco.cn/ws\"");
  REQUIRE(two.size() == 2);
  CHECK(two[0].url == "http://rqd.uu.qq.com/rqd/sync");
  CHECK(two[0].host == "rqd.uu.qq.com");
  CHECK(two[1].scheme == "wss");
  CHECK(two[1].host == "push.bigco.cn");
}

TEST_CASE("a URL inside a query parameter is found too") {
  auto got = ex("https://sso.bigco.cn/login?next=https://app.bigco.cn/home");
  REQUIRE(got.size() == 2);
  CHECK(got[0].url == "https://sso.bigco.cn/login?next=https://app.bigco.cn/home");
  CHECK(got[1].url == "https://app.bigco.cn/home");
}

TEST_CASE("IP literals: in URLs always, bare only with a port") {
  auto v4 = ex("http://10.0.0.1:8080/x");
  REQUIRE(v4.size() == 1);
  CHECK(v4[0].ip_literal);
  CHECK(v4[0].port == 8080);
  auto v6 = ex("https://[2001:db8::1]:443/a");
  REQUIRE(v6.size() == 1);
  CHECK(v6[0].ip_literal);
  CHECK(v6[0].host == "2001:db8::1");
  CHECK(v6[0].url == "https://[2001:db8::1]:443/a");
  CHECK(ex("203.0.113.9:9000").size() == 1);
  CHECK(ex("1.2.3.4").empty());  // a version number as often as an address
  CHECK(reason("http://127.0.0.1/debug") == "local");
}

TEST_CASE("bare host names need a real public suffix and are not Java packages or keys") {
  CHECK(reason("api.bigco.cn") == "kept");
  CHECK(reason("android.bugly.qq.com") == "kept");
  CHECK(reason("cn.bing.com") == "kept");
  CHECK(reason("com.tencent.mm") == "java_package");
  CHECK(reason("org.apache.http.client") == "ignored");  // "client" is no public suffix
  CHECK(reason("javax.xml.transform") == "ignored");
  CHECK(reason("com.google.android.wearable.app.cn") == "java_package");
  CHECK(reason("ro.build.display.id") != "kept");
  CHECK(reason("libBugly.so") == "ignored");  // mixed case: an identifier
  CHECK(reason("libbugly.so") == "file_name");
  CHECK(reason("package-info.java") == "file_name");
  CHECK(reason("gcm.n.link") == "identifier");
  CHECK(reason("1.2.4.dev") == "version_string");
  CHECK(reason("version.name") == "identifier");
  CHECK(reason("co.uk") == "ignored");
  CHECK(reason("hello world.com") == "ignored");
}

TEST_CASE("noise filters name their reason") {
  CHECK(reason("http://schemas.android.com/apk/res/android") == "xml_namespace");
  CHECK(reason("http://www.w3.org/2001/XMLSchema") == "xml_namespace");
  CHECK(reason("http://www.apache.org/licenses/LICENSE-2.0") == "documentation");
  CHECK(reason("https://developer.android.com/reference") == "documentation");
  CHECK(reason("https://api.example.com/v1") == "example_domain");
  CHECK(reason("http://foo.test/") == "example_domain");
  CHECK(reason("https://%s/api") == "format_string");
  CHECK(reason("https://{host}/api") == "format_string");
  CHECK(reason("https://") == "fragment");
  CHECK(reason("file:///sdcard/x") == "local");
  CHECK(reason("content://com.app.provider/x") == "local");
  CHECK(reason("weixin://dl/business") == "app_scheme");
  CHECK(reason("myapp://open.bigco.cn/path") == "kept");  // custom scheme, real host
  CHECK(reason("http://no_tld_host/x") == "invalid_host");
  CHECK(reason("https://www.googleapis.com/auth/drive.file") == "oauth_scope");
  CHECK(reason("https://www.googleapis.com/upload/drive/v3/files") == "kept");
  CHECK(reason("https://github.com/square/leakcanary/issues/177") == "documentation");
  CHECK(reason("https://github.com/x/y/commit/abc") == "documentation");
  CHECK(reason("https://api.github.com/repos/x/y") == "kept");
  CHECK(reason("http://netty.io/wiki/reference-counted-objects.html") == "documentation");
  CHECK(reason("https://developers.facebook.com/docs/android/getting-started") == "documentation");
  CHECK(reason("https://graph.facebook.com/v2.0/me") == "kept");
  CHECK(reason("http://cordova.apache.org/ns/1.0") == "xml_namespace");
}

TEST_CASE("may_contain_address is a cheap superset") {
  CHECK(AddressExtractor::may_contain_address("https://a.b"));
  CHECK(AddressExtractor::may_contain_address("api.bigco.cn"));
  CHECK_FALSE(AddressExtractor::may_contain_address("hello world"));
  CHECK_FALSE(AddressExtractor::may_contain_address("abc"));
}

TEST_CASE("registrable domains come from the public suffix list") {
  CHECK(psl().registrable_domain("a.b.example.co.uk") == "example.co.uk");
  CHECK(psl().registrable_domain("android.bugly.qq.com") == "qq.com");
  CHECK(psl().registrable_domain("x.s3.amazonaws.com") != "");
  CHECK(psl().registrable_domain("10.0.0.1") == "");
  CHECK(psl().registrable_domain("foo.notatld") == "");
}

TEST_CASE("hostile strings stay linear and bounded") {
  std::string s(200000, ':');
  for (std::size_t i = 0; i < s.size(); i += 3) s[i] = '/';
  CHECK(ex(s).empty());
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "http://h" + std::to_string(i) + ".bigco.cn/ ";
  CHECK(ex(many).size() == 2000);
}
