#include "scanner/android/text_xml.hpp"

#include <pugixml.hpp>

#include <cstdlib>
#include <map>

namespace sdkscope::android {

namespace {

constexpr std::size_t kMaxDepth = 256;  ///< same bound as AXML: the tree is built recursively

using NsScope = std::map<std::string, std::string>;

void split_qname(const std::string& q, std::string& prefix, std::string& local) {
  auto colon = q.find(':');
  if (colon == std::string::npos) {
    prefix.clear();
    local = q;
  } else {
    prefix = q.substr(0, colon);
    local = q.substr(colon + 1);
  }
}

void type_value(XmlAttribute& a, const std::string& v) {
  a.str = v;
  if (v == "true" || v == "false") {
    a.type = XmlAttribute::Type::Bool;
    a.num = v == "true";
  } else if (!v.empty() && v[0] == '@') {
    a.type = XmlAttribute::Type::Reference;
  } else if (!v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '-')) {
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 0);
    if (end && *end == '\0') {
      a.type = XmlAttribute::Type::Int;
      a.num = n;
    }
  }
}

bool convert(const pugi::xml_node& node, const NsScope& parent_scope, XmlElement& out, std::size_t depth,
             std::vector<std::size_t>& path, std::vector<XmlText>& texts, Diagnostics& diags, const std::string& where) {
  if (depth > kMaxDepth) {
    diags.warn("xml.limit", where, "elements nested deeper than 256 levels; the rest is not read");
    return false;
  }
  NsScope scope = parent_scope;
  for (auto attr : node.attributes()) {
    std::string n = attr.name();
    if (n == "xmlns") scope[""] = attr.value();
    else if (n.rfind("xmlns:", 0) == 0) scope[n.substr(6)] = attr.value();
  }
  std::string prefix, local;
  split_qname(node.name(), prefix, local);
  out.name = local;
  if (auto it = scope.find(prefix); it != scope.end()) out.ns = it->second;
  for (auto attr : node.attributes()) {
    std::string n = attr.name();
    if (n == "xmlns" || n.rfind("xmlns:", 0) == 0) continue;
    XmlAttribute a;
    split_qname(n, prefix, local);
    a.name = local;
    if (!prefix.empty()) {
      auto it = scope.find(prefix);
      a.ns = it != scope.end() ? it->second : prefix;
    }
    if (a.ns == kAndroidNs)
      if (auto id = android_attr_id(a.name)) a.resource_id = *id;
    type_value(a, attr.value());
    out.attrs.push_back(std::move(a));
  }
  for (auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      std::string text = child.value();
      // Whitespace between elements is layout, not content (aapt drops it too).
      if (text.find_first_not_of(" \t\r\n") != std::string::npos) texts.push_back({path, text, 0});
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    XmlElement c;
    path.push_back(out.children.size());
    bool ok = convert(child, scope, c, depth + 1, path, texts, diags, where);
    path.pop_back();
    out.children.push_back(std::move(c));
    if (!ok) return false;
  }
  return true;
}

}  // namespace

XmlParseResult parse_text_xml(Bytes data, Diagnostics& diags, const std::string& where) {
  XmlParseResult result;
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(data.data(), data.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) diags.warn("xml.invalid", where, std::string("not well-formed XML: ") + parsed.description());
  pugi::xml_node root = doc.document_element();
  if (!root) return result;
  XmlElement tree;
  std::vector<std::size_t> path;
  bool complete = convert(root, NsScope{}, tree, 0, path, result.texts, diags, where);
  result.root = std::move(tree);
  result.ok = parsed && complete;
  return result;
}

}  // namespace sdkscope::android
