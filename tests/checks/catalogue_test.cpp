#include <doctest/doctest.h>

#include <set>

#include "scanner/checks/catalogue.hpp"
#include "scanner/checks/evaluate.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::checks;

namespace {

std::optional<Catalogue> parse(const std::string& checks_json, std::vector<std::string>& errors) {
  return Catalogue::parse(R"({"version": "t", "checks": )" + checks_json + "}", errors);
}

const char* kCheck = R"({"id": "t.crypto.x", "title": "T", "category": "crypto", "platform": "android",
  "severity": "medium", "confidence": "high", "description": "d", "remediation": "r", "cwe": ["CWE-327"], "masvs": [],
  "references": [], "indicators": [INDICATORS]})";

std::string with_indicators(const std::string& ind) {
  std::string s = kCheck;
  s.replace(s.find("INDICATORS"), 10, ind);
  return "[" + s + "]";
}

}  // namespace

TEST_CASE("the shipped catalogue validates and its builtins are exactly the implemented ones") {
  std::vector<std::string> errors;
  auto cat = Catalogue::load(test::source_dir() / "signatures" / "checks.json", errors);
  for (const auto& e : errors) MESSAGE(e);
  REQUIRE(cat);
  std::set<std::string> catalogue_builtins, implemented;
  for (const auto& d : cat->checks()) {
    CAPTURE(d.info.id);
    CHECK(!d.info.description.empty());
    CHECK(!d.info.remediation.empty());
    CHECK((!d.info.cwe.empty() || !d.info.masvs.empty()));
    if (d.builtin) catalogue_builtins.insert(d.info.id);
  }
  for (const auto& id : builtin_check_ids()) implemented.insert(id);
  CHECK(catalogue_builtins == implemented);
}

TEST_CASE("catalogue errors name the check and the problem") {
  std::vector<std::string> errors;
  CHECK_FALSE(parse(with_indicators(R"({"kind": "dex.nope", "value": "x"})"), errors));
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front().find("unknown kind") != std::string::npos);

  errors.clear();
  CHECK_FALSE(parse(with_indicators(R"({"kind": "dex.string", "match": "regex", "value": "(unclosed"})"), errors));
  CHECK_FALSE(errors.empty());

  errors.clear();  // "with" relates code facts only
  CHECK_FALSE(parse(with_indicators(R"({"kind": "dex.method", "value": "a.B.c", "with": [{"kind": "permission", "value": "p"}]})"), errors));
  CHECK_FALSE(errors.empty());

  errors.clear();  // args on a non-call kind
  CHECK_FALSE(parse(with_indicators(R"({"kind": "dex.method", "value": "a.B.c", "args": {"0": 1}})"), errors));
  CHECK_FALSE(errors.empty());

  errors.clear();  // duplicate ids
  std::string one = with_indicators(R"({"kind": "dex.method", "value": "a.B.c"})");
  std::string two = "[" + one.substr(1, one.size() - 2) + "," + one.substr(1, one.size() - 2) + "]";
  CHECK_FALSE(parse(two, errors));
  CHECK_FALSE(errors.empty());

  errors.clear();  // unknown keys are errors, not silently ignored
  CHECK_FALSE(parse(with_indicators(R"({"kind": "dex.method", "value": "a.B.c", "withh": []})"), errors));
  CHECK_FALSE(errors.empty());

  errors.clear();
  auto ok = parse(with_indicators(R"({"kind": "dex.method", "value": "a.B.c"})"), errors);
  CHECK(ok);
  CHECK(errors.empty());
}

TEST_CASE("string matching: exact, full regex, search, keylike, and AnyString for every code kind") {
  std::vector<std::string> errors;
  auto cat = parse(with_indicators(R"({"kind": "dex.string", "value": "DESede"},
      {"kind": "dex.string", "match": "regex", "value": "(?i)rc4"},
      {"kind": "string", "match": "search", "value": "AKIA[0-9A-Z]{16}"},
      {"kind": "dex.string", "match": "keylike"},
      {"kind": "macho.call", "value": "_CCCrypt", "args": {"1": 2}, "arg_bits": {"2": 2}})"),
                   errors);
  REQUIRE(cat);
  std::vector<std::uint32_t> out;
  cat->match_string(Kind::DexString, "DESede", out);
  CHECK(out.size() == 1);
  out.clear();
  cat->match_string(Kind::DexString, "xRC4", out);  // full match only
  CHECK(out.empty());
  cat->match_string(Kind::DexString, "RC4", out);
  CHECK(out.size() == 1);
  out.clear();
  cat->match_string(Kind::NativeString, "key=AKIAIOSFODNN7EXAMPLE;", out);  // "string" applies to native too
  CHECK(out.size() == 1);
  out.clear();
  cat->match_string(Kind::DexString, "Zx9kLm2Qp7vR4tW8", out);
  CHECK(out.size() == 1);

  std::uint32_t call = 0;
  for (std::uint32_t i = 0; i < cat->primitives().size(); ++i)
    if (cat->primitives()[i].kind == Kind::MachoCall) call = i;
  std::array<std::optional<std::uint64_t>, 8> args{};
  args[1] = 2;
  args[2] = 3;  // kCCOptionPKCS7Padding | kCCOptionECBMode
  CHECK(cat->call_matches(call, args));
  args[2] = 1;
  CHECK_FALSE(cat->call_matches(call, args));
  args[2] = std::nullopt;  // unknown is never a match
  CHECK_FALSE(cat->call_matches(call, args));
}

TEST_CASE("looks_like_key separates key material from names, paths and text") {
  CHECK(looks_like_key("Zx9kLm2Qp7vR4tW8"));
  CHECK(looks_like_key("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
  CHECK(looks_like_key("q8F2+xLw9/ZkP3vN0bR7tY6uM1sJ4hGd"));
  CHECK_FALSE(looks_like_key("AES/CBC/PKCS5Padding"));
  CHECK_FALSE(looks_like_key("getInstalledPackages"));
  CHECK_FALSE(looks_like_key("mContentDescription"));
  CHECK_FALSE(looks_like_key("https://example.com/a"));
  CHECK_FALSE(looks_like_key("short"));
  CHECK_FALSE(looks_like_key("this is a sentence of text"));
  CHECK_FALSE(looks_like_key("com.example.app.MainActivity"));
  CHECK_FALSE(looks_like_key("%s/%s?key=%d&x=%s"));
  CHECK(mask_secret("AKIAIOSFODNN7EXAMPLE") == "AKIA...LE (20 chars)");
  CHECK(mask_secret("abc") == "*** (3 chars)");
}

TEST_CASE("short class names: the simple name after the last '.' or '$'") {
  CHECK(is_short_class_name("a.b.c"));
  CHECK(is_short_class_name("com.x.ab"));
  CHECK(is_short_class_name("com.x.Main$a"));
  CHECK_FALSE(is_short_class_name("com.x.Main"));
  CHECK_FALSE(is_short_class_name("com.x.abc"));
}
