// Text assets: URLs in script code are endpoints; URLs in comments are licence and docs links.
#include <doctest/doctest.h>

#include "scanner/engine/android_scan.hpp"

using namespace sdkscope;

TEST_CASE("split_comments separates script code from // /* */ and <!-- --> comments") {
  std::string code, comments;
  split_comments(R"(/*! jQuery v1 | http://jquery.org/license */
var api = "https://api.bigco.cn/v1"; // see http://docs.example.org/x
var s = 'http://cdn.bigco.cn/a.js'; /* http://old.bigco.cn */ var t = `wss://push.bigco.cn/${id}`;
var esc = "quote \" http://esc.bigco.cn";)",
                 false, code, comments);
  CHECK(code.find("https://api.bigco.cn/v1") != std::string::npos);
  CHECK(code.find("http://cdn.bigco.cn/a.js") != std::string::npos);
  CHECK(code.find("wss://push.bigco.cn") != std::string::npos);
  CHECK(code.find("http://esc.bigco.cn") != std::string::npos);
  CHECK(code.find("jquery.org") == std::string::npos);
  CHECK(code.find("docs.example.org") == std::string::npos);
  CHECK(code.find("old.bigco.cn") == std::string::npos);
  CHECK(comments.find("http://jquery.org/license") != std::string::npos);
  CHECK(comments.find("http://old.bigco.cn") != std::string::npos);

  code.clear();
  comments.clear();
  split_comments("<a href=\"https://m.bigco.cn\">x</a><!-- http://dev.bigco.cn -->", true, code, comments);
  CHECK(code.find("https://m.bigco.cn") != std::string::npos);
  CHECK(comments.find("http://dev.bigco.cn") != std::string::npos);
}
