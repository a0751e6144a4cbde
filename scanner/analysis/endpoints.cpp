// Endpoint extraction. A linear scan for "://" finds URLs (no regex, so no backtracking on
// hostile strings); a whole-string check finds bare host names. Each candidate is normalised
// (lowercase scheme and host, userinfo dropped, explicit port kept, path kept) and filtered with
// a named reason. Hosts get their registrable domain from libpsl, using only explicit suffix
// rules so that "com.tencent.mm" is not mistaken for a host under the "*" rule.
#include "scanner/analysis/endpoints.hpp"

#include <libpsl.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace sdkscope {

namespace {

constexpr std::size_t kMaxHostLength = 253;
constexpr std::size_t kMaxUrlLength = 2048;  ///< longer runs are data blobs, not endpoints

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Characters that end a URL embedded in text or code.
bool is_url_terminator(char c) {
  return static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' ||
         c == '\\' || c == '^' || c == '{' || c == '}' || c == '|' || static_cast<unsigned char>(c) == 0x7f;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}
bool host_is_or_under(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

// Schemes that address a server over the network; others need a host with a public suffix.
constexpr std::array<std::string_view, 20> kNetworkSchemes = {
    "http", "https", "ws",   "wss",   "ftp",  "ftps", "sftp", "rtmp", "rtmps", "rtsp",
    "mqtt", "mqtts", "tcp",  "udp",   "ssl",  "tls",  "grpc", "grpcs", "smtp", "imap"};
// Schemes that never name a remote server.
constexpr std::array<std::string_view, 9> kLocalSchemes = {
    "file", "content", "android.resource", "jar", "data", "about", "chrome", "asset", "res"};

// XML namespaces and schema / DTD hosts: identifiers, not servers anyone talks to.
constexpr std::array<std::string_view, 18> kXmlNamespaceHosts = {
    "schemas.android.com", "www.w3.org", "w3.org", "xmlpull.org", "www.xmlpull.org", "ns.adobe.com",
    "schemas.microsoft.com", "purl.org", "schemas.xmlsoap.org", "xml.apache.org", "xml.org", "www.xml.org",
    "json-schema.org", "schema.org", "relaxng.org", "xmlns.jcp.org", "java.sun.com", "schemas.openxmlformats.org"};
// Documentation, specification and licence sites: links in strings, not traffic.
constexpr std::array<std::string_view, 36> kDocumentationHosts = {
    "www.openssl.org", "openssl.org", "console.firebase.google.com", "support.google.com", "gcc.gnu.org",
    "capacitorjs.com",
    "www.apache.org", "apache.org",        "opensource.org",       "www.opensource.org", "www.gnu.org",
    "gnu.org",        "fsf.org",           "creativecommons.org",  "developer.android.com", "d.android.com",
    "source.android.com", "docs.oracle.com", "stackoverflow.com",  "tools.ietf.org",     "www.ietf.org",
    "datatracker.ietf.org", "www.rfc-editor.org", "www.slf4j.org", "slf4j.org",          "www.bouncycastle.org",
    "issuetracker.google.com", "crbug.com", "bugs.chromium.org",   "code.google.com",    "www.mozilla.org",
    "www.eclipse.org", "eclipse.org",      "www.unicode.org",      "unicode.org",        "www.iana.org"};
// RFC 2606 / 6761 reserved names and common placeholders.
constexpr std::array<std::string_view, 8> kExampleDomains = {
    "example.com", "example.net", "example.org", "example.edu", "yourdomain.com", "mydomain.com", "your-domain.com",
    "domain.com"};
constexpr std::array<std::string_view, 4> kReservedTlds = {"example", "test", "invalid", "localhost"};
// Java/Kotlin package roots no host name starts with: "com.tencent.mm", "org.apache.http".
constexpr std::array<std::string_view, 10> kPackageRoots = {"com", "org", "net", "androidx", "java",
                                                            "javax", "kotlin", "kotlinx", "dalvik", "sun"};
// Package roots that also begin real hosts (cn.bing.com, android.bugly.qq.com): a package only
// when the name does not end in a common host TLD.
constexpr std::array<std::string_view, 4> kAmbiguousRoots = {"android", "cn", "io", "me"};
// TLDs under which a string starting with a package root may still be a real host (cn.bing.com).
constexpr std::array<std::string_view, 10> kCommonHostTlds = {"com", "net", "org", "cn", "io", "co", "info", "top", "xyz", "cc"};
// File extensions that are also TLDs: a bare "libfoo.so" or "Foo.java" is a file, not a host.
constexpr std::array<std::string_view, 11> kFileExtTlds = {"so", "zip", "mov", "sh", "py", "md", "rs", "pro", "java", "id", "ps"};
// Android system-property roots: "ro.build.display.id", "persist.sys.x" are keys, not hosts.
constexpr std::array<std::string_view, 9> kPropertyRoots = {"ro", "persist", "sys", "debug", "init", "vendor", "gsm", "ril", "dalvik"};
// Generic TLDs accepted for a bare host (a string that is nothing but a name). Every two-letter
// ccTLD is accepted too. Other gTLDs (.name, .secure, .data, .version ...) collide with
// identifiers and keys far more often than they appear as bare hosts in code; URLs with a
// scheme accept every public suffix.
constexpr std::array<std::string_view, 40> kBareHostGtlds = {
    "com", "net", "org", "info", "biz", "io", "app", "dev", "ai", "xyz", "top", "site", "online", "cloud",
    "tech", "store", "shop", "club", "live", "vip", "mobi", "asia", "edu", "gov", "mil", "int", "link", "click",
    "games", "fun", "work", "ltd", "group", "news", "media", "network", "services", "world", "life", "global"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& arr, std::string_view v) {
  return std::find(arr.begin(), arr.end(), v) != arr.end();
}

bool parse_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    int val = 0;
    while (j < s.size() && is_digit(s[j]) && j - i < 4) val = val * 10 + (s[j++] - '0');
    if (j == i || j - i > 3 || val > 255) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > kMaxHostLength) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    char c = h[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

bool starts_with_sv(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view last_label(std::string_view h) {
  auto dot = h.rfind('.');
  return dot == std::string_view::npos ? h : h.substr(dot + 1);
}
std::string_view first_label(std::string_view h) { return h.substr(0, h.find('.')); }

// Where the URL that starts at `start` (its "://" ending at `from`) ends: at a terminator, or
// where a new "<scheme>://" begins after a separator (",wss://..."). A scheme after '=', '/',
// '?', '&', '%' or '(' is a URL inside this one's query and stays part of it.
std::size_t next_url_end(std::string_view text, std::size_t start, std::size_t from) {
  std::size_t end = from;
  while (end < text.size() && !is_url_terminator(text[end]) && end - start < kMaxUrlLength) {
    if (text.compare(end, 3, "://") == 0) {
      std::size_t s = end;
      while (s > from && is_scheme_char(text[s - 1])) --s;
      while (s < end && !is_alpha(text[s])) ++s;
      if (s > from && s < end && std::string_view("=/?&%(").find(text[s - 1]) == std::string_view::npos) {
        end = s;
        while (end > from && std::string_view(",;|").find(text[end - 1]) != std::string_view::npos) --end;
        return end;
      }
    }
    ++end;
  }
  return end;
}

// URLs whose host is real but whose path says they are not traffic: OAuth scope names
// (https://www.googleapis.com/auth/drive is an identifier), links to source, issues and wikis in
// log and error messages, developer documentation, XML namespaces under a project site.
std::string path_filter_reason(std::string_view host, std::string_view path) {
  auto has = [&](std::string_view part) { return path.find(part) != std::string_view::npos; };
  if (host == "www.googleapis.com" && starts_with_sv(path, "/auth/")) return "oauth_scope";
  if ((host == "github.com" || host == "gist.github.com" || host == "gitlab.com" || host == "bitbucket.org") &&
      (has("/issues") || has("/commit") || has("/wiki") || has("/blob/") || has("/pull/") || has("/tree/") ||
       has("/releases") || host == "gist.github.com"))
    return "documentation";
  if (host == "android.googlesource.com" || host == "chromium.googlesource.com") return "documentation";
  if (has("/wiki/")) return "documentation";
  bool doc_host = starts_with_sv(host, "developer.") || starts_with_sv(host, "developers.") || starts_with_sv(host, "docs.") ||
                  starts_with_sv(host, "dev.") || starts_with_sv(host, "help.") || starts_with_sv(host, "support.");
  if (doc_host && (starts_with_sv(path, "/docs") || starts_with_sv(path, "/doc/") || has("/help") || has("/guide")))
    return "documentation";
  if ((starts_with_sv(path, "/ns/") || starts_with_sv(path, "/xmlns/")) && path.find('?') == std::string_view::npos)
    return "xml_namespace";
  return {};
}

}  // namespace

struct PublicSuffixList::Impl {
  psl_ctx_t* psl = nullptr;
  bool owned = false;
};

PublicSuffixList::PublicSuffixList() : impl_(std::make_unique<Impl>()) {
  // Prefer the system list (Debian's publicsuffix package, kept current by apt), else the copy
  // built into libpsl.
  impl_->psl = psl_latest(nullptr);
  impl_->owned = impl_->psl != nullptr;
  if (!impl_->psl) impl_->psl = const_cast<psl_ctx_t*>(psl_builtin());
}

PublicSuffixList::~PublicSuffixList() {
  if (impl_->owned) psl_free(impl_->psl);
}

std::string PublicSuffixList::registrable_domain(std::string_view host) const {
  if (!impl_->psl || host.empty() || parse_ipv4(host) || host.find(':') != std::string_view::npos) return {};
  std::string h(host);
  const char* r = psl_registrable_domain(impl_->psl, h.c_str());
  if (!r) return {};
  // Reject registrable domains that exist only through the implicit "*" rule.
  if (!is_known_suffix(last_label(h))) return {};
  return r;
}

bool PublicSuffixList::is_known_suffix(std::string_view suffix) const {
  if (!impl_->psl) return false;
  std::string s(suffix);
  return psl_is_public_suffix2(impl_->psl, s.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool AddressExtractor::may_contain_address(std::string_view s) {
  if (s.size() < 4) return false;
  if (s.find("://") != std::string_view::npos) return true;
  // A bare host: no spaces, at least one dot, not too long.
  if (s.size() > kMaxHostLength + 6 || s.find('.') == std::string_view::npos) return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '/' || c == '\n'; });
}

std::string AddressExtractor::host_filter_reason(const AddressCandidate& c) const {
  const std::string& h = c.host;
  if (h == "localhost" || h == "127.0.0.1" || h == "0.0.0.0" || h == "::1" || h == "::" ||
      host_is_or_under(h, "localhost"))
    return "local";
  if (c.ip_literal) return {};
  for (auto d : kXmlNamespaceHosts)
    if (h == d) return "xml_namespace";
  for (auto d : kDocumentationHosts)
    if (h == d) return "documentation";
  for (auto d : kExampleDomains)
    if (host_is_or_under(h, d)) return "example_domain";
  if (contains(kReservedTlds, last_label(h))) return "example_domain";
  return {};
}

std::optional<AddressCandidate> AddressExtractor::parse_url(std::string_view url,
                                                            std::vector<FilteredAddress>* filtered) const {
  auto drop = [&](std::string reason) -> std::optional<AddressCandidate> {
    if (filtered) filtered->push_back({std::string(url), std::move(reason)});
    return std::nullopt;
  };
  auto sep = url.find("://");
  AddressCandidate c;
  c.raw = std::string(url);
  c.scheme = lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (contains(kLocalSchemes, c.scheme)) return drop("local");
  std::size_t auth_end = 0;
  while (auth_end < rest.size() && rest[auth_end] != '/' && rest[auth_end] != '?' && rest[auth_end] != '#') ++auth_end;
  std::string_view authority = rest.substr(0, auth_end);
  c.path = std::string(rest.substr(auth_end));
  if (auto hash = c.path.find('#'); hash != std::string::npos) c.path.erase(hash);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  if (authority.empty()) return drop("fragment");
  if (authority.find_first_of("%$({*") != std::string_view::npos ||
      authority.find('[', 1) != std::string_view::npos)
    return drop("format_string");
  std::string_view host_part = authority;
  std::string_view port_part;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return drop("invalid_host");
    host_part = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return drop("invalid_host");
      port_part = authority.substr(close + 2);
    }
    c.ip_literal = true;
    if (host_part.empty() || host_part.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return drop("invalid_host");
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host_part = authority.substr(0, colon);
    port_part = authority.substr(colon + 1);
  }
  if (!port_part.empty()) {
    if (port_part.size() > 5 || !std::all_of(port_part.begin(), port_part.end(), is_digit)) return drop("invalid_host");
    int port = std::atoi(std::string(port_part).c_str());
    if (port <= 0 || port > 65535) return drop("invalid_host");
    c.port = port;
  }
  c.host = lower(host_part);
  while (!c.host.empty() && c.host.back() == '.') c.host.pop_back();
  if (!c.ip_literal) c.ip_literal = parse_ipv4(c.host);
  if (!c.ip_literal && !valid_hostname(c.host)) return drop("invalid_host");
  bool network = contains(kNetworkSchemes, c.scheme);
  if (!c.ip_literal && contains(kReservedTlds, last_label(c.host))) return drop("example_domain");
  if (!c.ip_literal) {
    // Hosts must sit under a real public suffix; an app-private scheme ("weixin://dl/x") names
    // an app to open, not a server.
    bool known = c.host.find('.') != std::string::npos && psl_.is_known_suffix(last_label(c.host));
    if (!known) return drop(network ? "invalid_host" : "app_scheme");
  }
  if (auto reason = host_filter_reason(c); !reason.empty()) return drop(reason);
  if (auto reason = path_filter_reason(c.host, c.path); !reason.empty()) return drop(reason);
  // Trim punctuation that ends a sentence rather than the URL.
  while (!c.path.empty() && std::string_view(".,;:)]!").find(c.path.back()) != std::string_view::npos) c.path.pop_back();
  c.url = c.scheme + "://" + (c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host) +
          (c.port ? ":" + std::to_string(*c.port) : "") + c.path;
  return c;
}

std::optional<AddressCandidate> AddressExtractor::parse_bare_host(std::string_view s,
                                                                  std::vector<FilteredAddress>* filtered) const {
  auto drop = [&](std::string reason) -> std::optional<AddressCandidate> {
    if (filtered) filtered->push_back({std::string(s), std::move(reason)});
    return std::nullopt;
  };
  AddressCandidate c;
  c.raw = std::string(s);
  std::string_view host = s;
  // An IPv4 literal counts bare only with a port: "1.2.3.4" alone is usually a version number.
  if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = s.substr(colon + 1);
    host = s.substr(0, colon);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) return std::nullopt;
    int p = std::atoi(std::string(port).c_str());
    if (p <= 0 || p > 65535) return std::nullopt;
    c.port = p;
    if (parse_ipv4(host)) {
      c.ip_literal = true;
      c.host = std::string(host);
      if (auto reason = host_filter_reason(c); !reason.empty()) return drop(reason);
      return c;
    }
  }
  if (parse_ipv4(host)) return std::nullopt;
  if (!valid_hostname(host)) return std::nullopt;  // mixed case, spaces ...: identifiers, not hosts
  if (host.find('.') == std::string_view::npos) return std::nullopt;
  auto tld = last_label(host);
  if (!psl_.is_known_suffix(tld)) return std::nullopt;
  if (contains(kFileExtTlds, tld)) return drop("file_name");
  auto first = first_label(host);
  std::size_t labels = static_cast<std::size_t>(std::count(host.begin(), host.end(), '.')) + 1;
  if (contains(kPropertyRoots, first) && (labels == 2 || !contains(kCommonHostTlds, tld))) return drop("system_property");
  if (contains(kPackageRoots, first)) return drop("java_package");
  if (contains(kAmbiguousRoots, first) && (labels == 2 || !contains(kCommonHostTlds, tld))) return drop("java_package");
  if (tld.size() != 2 && !contains(kBareHostGtlds, tld)) return drop("identifier");
  // Keys and versions shaped like names: "gcm.n.link", "google.c.a.tc" (one-letter inner labels),
  // "1.2.4.dev" (numbers before the TLD), "tbs_downloading_com.x" (underscores).
  if (host.find('_') != std::string_view::npos) return drop("identifier");
  {
    auto labels_v = std::vector<std::string_view>();
    std::size_t st = 0;
    while (st <= host.size()) {
      auto d = host.find('.', st);
      if (d == std::string_view::npos) d = host.size();
      labels_v.push_back(host.substr(st, d - st));
      st = d + 1;
    }
    bool all_numeric = true, short_inner = false;
    for (std::size_t i = 0; i + 1 < labels_v.size(); ++i) {
      if (!std::all_of(labels_v[i].begin(), labels_v[i].end(), is_digit)) all_numeric = false;
      if (i > 0 && labels_v[i].size() == 1) short_inner = true;
    }
    if (all_numeric) return drop("version_string");
    if (short_inner) return drop("identifier");
  }
  c.host = std::string(host);
  if (psl_.registrable_domain(c.host).empty()) return std::nullopt;  // a bare public suffix ("co.uk")
  if (auto reason = host_filter_reason(c); !reason.empty()) return drop(reason);
  return c;
}

std::vector<AddressCandidate> AddressExtractor::extract(std::string_view text,
                                                        std::vector<FilteredAddress>* filtered) const {
  std::vector<AddressCandidate> out;
  std::size_t pos = 0;
  bool any_url = false;
  while ((pos = text.find("://", pos)) != std::string_view::npos) {
    std::size_t start = pos;
    while (start > 0 && is_scheme_char(text[start - 1]) && pos - start < 24) --start;
    while (start < pos && !is_alpha(text[start])) ++start;  // a scheme begins with a letter
    std::size_t end = next_url_end(text, start, pos + 3);
    if (start < pos && pos + 3 < text.size() && std::string_view("{%$").find(text[pos + 3]) != std::string_view::npos) {
      // "https://{host}/x", "http://%s/x": a template filled at run time.
      any_url = true;
      if (filtered) filtered->push_back({std::string(text.substr(start, end - start)), "format_string"});
    } else if (start < pos) {
      any_url = true;
      if (auto c = parse_url(text.substr(start, end - start), filtered)) out.push_back(std::move(*c));
    }
    // Continue after this "://", not after the URL: a URL in a query parameter is found too.
    pos += 3;
  }
  if (!any_url) {
    std::string_view t = text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (!t.empty() && t.size() <= kMaxHostLength + 6)
      if (auto c = parse_bare_host(t, filtered)) out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace sdkscope
