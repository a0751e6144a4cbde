// Parser for `aapt dump xmltree` text and the structural comparison against our decoded tree.
#include "aapt_xmltree.hpp"

#include <cctype>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace sdkscope::test {
namespace {

using android::XmlAttribute;

[[noreturn]] void fail(const std::string& line, const std::string& why) {
  throw std::runtime_error("unparsed aapt line (" + why + "): " + line);
}

std::uint32_t parse_hex(const std::string& s, std::size_t& pos, const std::string& line) {
  if (s.compare(pos, 2, "0x") != 0) fail(line, "expected 0x");
  pos += 2;
  std::size_t start = pos;
  while (pos < s.size() && std::isxdigit(static_cast<unsigned char>(s[pos]))) ++pos;
  if (pos == start) fail(line, "expected hex digits");
  return static_cast<std::uint32_t>(std::stoul(s.substr(start, pos - start), nullptr, 16));
}

// A quoted, normalizeForOutput-escaped string starting at s[pos] == '"'.
std::string parse_quoted(const std::string& s, std::size_t& pos, const std::string& line) {
  if (pos >= s.size() || s[pos] != '"') fail(line, "expected quote");
  std::string out;
  for (++pos; pos < s.size(); ++pos) {
    if (s[pos] == '\\' && pos + 1 < s.size()) {
      ++pos;
      out.push_back(s[pos] == 'n' ? '\n' : s[pos]);
    } else if (s[pos] == '"') {
      ++pos;
      return out;
    } else {
      out.push_back(s[pos]);
    }
  }
  fail(line, "unterminated string");
}

// "prefix:name" -> (uri, name) through the namespace declarations seen so far.
std::pair<std::string, std::string> split_name(const std::string& qname, const std::map<std::string, std::string>& ns) {
  auto colon = qname.find(':');
  if (colon == std::string::npos) return {"", qname};
  auto prefix = qname.substr(0, colon);
  auto it = ns.find(prefix);
  return {it != ns.end() ? it->second : prefix, qname.substr(colon + 1)};
}

AaptAttr parse_attr(const std::string& body, const std::string& line, const std::map<std::string, std::string>& ns) {
  AaptAttr a;
  std::size_t pos = body.find_first_of("(=");
  if (pos == std::string::npos) fail(line, "no '='");
  std::tie(a.ns, a.name) = split_name(body.substr(0, pos), ns);
  if (body[pos] == '(') {
    ++pos;
    a.id = parse_hex(body, pos, line);
    if (body.compare(pos, 2, ")=") != 0) fail(line, "expected )=");
    pos += 2;
  } else {
    ++pos;
  }
  if (body[pos] == '"') {
    a.kind = AaptAttr::Kind::String;
    a.str = parse_quoted(body, pos, line);
  } else if (body[pos] == '@') {
    a.kind = AaptAttr::Kind::Reference;
    ++pos;
    a.data = parse_hex(body, pos, line);
  } else if (body[pos] == '?') {
    a.kind = AaptAttr::Kind::AttrReference;
    ++pos;
    a.data = parse_hex(body, pos, line);
  } else if (body.compare(pos, 6, "(null)") == 0) {
    a.kind = AaptAttr::Kind::Null;
    pos += 6;
  } else if (body.compare(pos, 6, "(type ") == 0) {
    a.kind = AaptAttr::Kind::Typed;
    pos += 6;
    a.type = parse_hex(body, pos, line);
    if (body[pos++] != ')') fail(line, "expected )");
    a.data = parse_hex(body, pos, line);
  } else {
    fail(line, "unknown value form");
  }
  if (body.compare(pos, 7, " (Raw: ") == 0) {
    pos += 7;
    a.raw = parse_quoted(body, pos, line);
    if (body.compare(pos, 1, ")") != 0) fail(line, "expected ) after raw");
    ++pos;
  }
  if (pos != body.size()) fail(line, "trailing text");
  return a;
}

std::string hex8(std::uint32_t v) { return fmt::format("0x{:08x}", v); }

std::string type_name(XmlAttribute::Type t) {
  switch (t) {
    case XmlAttribute::Type::String: return "String";
    case XmlAttribute::Type::Int: return "Int";
    case XmlAttribute::Type::Bool: return "Bool";
    case XmlAttribute::Type::Reference: return "Reference";
    case XmlAttribute::Type::Float: return "Float";
    case XmlAttribute::Type::Dimension: return "Dimension";
    case XmlAttribute::Type::Other: return "Other";
  }
  return "?";
}

void compare_attr(const AaptAttr& x, const XmlAttribute& y, const std::string& at, std::vector<std::string>& out) {
  auto differ = [&](const std::string& what, const std::string& theirs, const std::string& ours) {
    out.push_back(fmt::format("{} attribute {}: {} aapt={} ours={}", at, x.name, what, theirs, ours));
  };
  if (x.ns != y.ns) differ("namespace", x.ns, y.ns);
  if (x.name != y.name) differ("name", x.name, y.name);
  if (x.id != y.resource_id) differ("resource id", hex8(x.id), hex8(y.resource_id));
  auto expect_type = [&](XmlAttribute::Type t) {
    if (y.type != t) differ("type", type_name(t), type_name(y.type));
  };
  switch (x.kind) {
    case AaptAttr::Kind::String:
      expect_type(XmlAttribute::Type::String);
      if (x.str != aapt_normalize(y.str)) differ("string", x.str, y.str);
      return;  // a string's raw value is the same string in every file aapt writes
    case AaptAttr::Kind::Reference:
      expect_type(XmlAttribute::Type::Reference);
      if (x.data != y.ref) differ("reference", hex8(x.data), hex8(y.ref));
      break;
    case AaptAttr::Kind::AttrReference:
      expect_type(XmlAttribute::Type::Other);
      if (x.data != y.ref) differ("attribute reference", hex8(x.data), hex8(y.ref));
      break;
    case AaptAttr::Kind::Null:
      expect_type(XmlAttribute::Type::Other);
      break;
    case AaptAttr::Kind::Typed: {
      std::int64_t want = x.data;
      if (x.type == 0x10 || x.type == 0x11) {
        expect_type(XmlAttribute::Type::Int);
        want = static_cast<std::int32_t>(x.data);
      } else if (x.type == 0x12) {
        expect_type(XmlAttribute::Type::Bool);
        want = x.data != 0 ? 1 : 0;
      } else if (x.type == 0x04) {
        expect_type(XmlAttribute::Type::Float);
      } else if (x.type == 0x05) {
        expect_type(XmlAttribute::Type::Dimension);
      } else {
        expect_type(XmlAttribute::Type::Other);
      }
      if (want != y.num) differ("value", std::to_string(want), std::to_string(y.num));
      break;
    }
  }
  // Without a raw string our text is the typed value rendered; with one, it is the raw string.
  if (x.raw) {
    if (*x.raw != aapt_normalize(y.str)) differ("raw string", *x.raw, y.str);
  } else if (x.kind == AaptAttr::Kind::Reference) {
    if (y.str != "@" + hex8(x.data) && !(x.data == 0 && y.str == "@null")) differ("text", "@" + hex8(x.data), y.str);
  } else if (x.kind == AaptAttr::Kind::AttrReference) {
    if (y.str != "?" + hex8(x.data)) differ("text", "?" + hex8(x.data), y.str);
  } else if (x.kind == AaptAttr::Kind::Typed) {
    auto want = android::format_res_value(static_cast<std::uint8_t>(x.type), x.data);
    if (y.str != want) differ("text", want, y.str);
  }
}

void compare_element(const AaptElement& x, const android::XmlElement& y, const std::string& path,
                     std::vector<std::string>& out) {
  const std::string at = fmt::format("{}/{}(line {})", path, x.name, x.line);
  if (x.name != y.name || x.ns != y.ns) out.push_back(fmt::format("{}: element is <{}> ns '{}' in ours", at, y.name, y.ns));
  if (x.line != y.line) out.push_back(fmt::format("{}: line {} in ours", at, y.line));
  if (x.attrs.size() != y.attrs.size())
    out.push_back(fmt::format("{}: {} attributes in aapt, {} in ours", at, x.attrs.size(), y.attrs.size()));
  for (std::size_t i = 0; i < std::min(x.attrs.size(), y.attrs.size()); ++i) compare_attr(x.attrs[i], y.attrs[i], at, out);
  if (x.children.size() != y.children.size())
    out.push_back(fmt::format("{}: {} children in aapt, {} in ours", at, x.children.size(), y.children.size()));
  for (std::size_t i = 0; i < std::min(x.children.size(), y.children.size()); ++i)
    compare_element(x.children[i], y.children[i], at, out);
}

void collect_texts(const AaptElement& e, std::vector<std::size_t>& path,
                   std::vector<std::pair<std::vector<std::size_t>, std::string>>& out) {
  for (const auto& t : e.texts) out.emplace_back(path, t);
  for (std::size_t i = 0; i < e.children.size(); ++i) {
    path.push_back(i);
    collect_texts(e.children[i], path, out);
    path.pop_back();
  }
}

}  // namespace

std::string aapt_normalize(const std::string& s) {
  // normalizeForOutput works on a C string, so aapt shows everything up to the first NUL; its
  // escapes (\\, \n, \") are undone by parse_quoted, so the rest compares as plain text.
  return s.substr(0, s.find('\0'));
}

AaptElement parse_aapt_xmltree(const std::string& dump) {
  AaptElement doc;  // a synthetic parent of the root
  std::map<std::string, std::string> ns;
  std::vector<std::pair<std::size_t, AaptElement*>> stack{{0, &doc}};
  bool first = true;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || line.size() < indent + 3 || line[indent + 1] != ':') fail(line, "no tag");
    const char tag = line[indent];
    const std::string body = line.substr(indent + 3);
    const std::size_t level = indent + 1;  // so the synthetic document (level 0) is below everything
    while (stack.size() > 1 && stack.back().first >= level) stack.pop_back();
    if (tag == 'N') {
      auto eq = body.find('=');
      if (eq == std::string::npos) fail(line, "namespace without '='");
      ns[body.substr(0, eq)] = body.substr(eq + 1);
    } else if (tag == 'E') {
      auto sp = body.find(" (line=");
      if (sp == std::string::npos || body.back() != ')') fail(line, "element without line");
      AaptElement e;
      std::tie(e.ns, e.name) = split_name(body.substr(0, sp), ns);
      e.line = static_cast<std::uint32_t>(std::stoul(body.substr(sp + 7)));
      AaptElement* parent = stack.back().second;
      if (parent == &doc && !first) fail(line, "second root");
      first = false;
      parent->children.push_back(std::move(e));
      stack.emplace_back(level, &parent->children.back());
    } else if (tag == 'A') {
      if (stack.back().second == &doc) fail(line, "attribute outside an element");
      stack.back().second->attrs.push_back(parse_attr(body, line, ns));
    } else if (tag == 'C') {
      std::size_t pos = 0;
      stack.back().second->texts.push_back(parse_quoted(body, pos, line));
    } else {
      fail(line, "unknown tag");
    }
  }
  if (doc.children.size() != 1) throw std::runtime_error("aapt dump has no root element");
  return std::move(doc.children.front());
}

std::vector<std::string> compare_with_aapt(const AaptElement& aapt, const android::XmlParseResult& ours) {
  std::vector<std::string> out;
  if (!ours.root) {
    out.push_back("our decoder found no root element");
    return out;
  }
  compare_element(aapt, *ours.root, "", out);
  std::vector<std::pair<std::vector<std::size_t>, std::string>> texts;
  std::vector<std::size_t> path;
  collect_texts(aapt, path, texts);
  if (texts.size() != ours.texts.size())
    out.push_back(fmt::format("{} text nodes in aapt, {} in ours", texts.size(), ours.texts.size()));
  for (std::size_t i = 0; i < std::min(texts.size(), ours.texts.size()); ++i) {
    if (texts[i].first != ours.texts[i].path || texts[i].second != aapt_normalize(ours.texts[i].text))
      out.push_back(fmt::format("text {}: aapt \"{}\", ours \"{}\"", i, texts[i].second, ours.texts[i].text));
  }
  return out;
}

std::size_t count_elements(const AaptElement& e) {
  std::size_t n = 1;
  for (const auto& c : e.children) n += count_elements(c);
  return n;
}

std::size_t count_elements(const android::XmlElement& e) {
  std::size_t n = 1;
  for (const auto& c : e.children) n += count_elements(c);
  return n;
}

}  // namespace sdkscope::test
