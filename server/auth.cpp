#include "server/auth.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <charconv>
#include <fstream>

namespace sdkscope::server {

namespace {

std::array<unsigned char, 32> digest(std::string_view s) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

TokenSet::TokenSet(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens)
    if (!t.empty()) digests_.push_back(digest(t));
}

std::optional<TokenSet> TokenSet::load(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read token file " + path;
    return std::nullopt;
  }
  std::vector<std::string> tokens;
  std::string line;
  while (std::getline(in, line)) {
    auto t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.find_first_of(" \t") != std::string_view::npos) {
      error = "token file " + path + ": a token line holds blanks (one token per line)";
      return std::nullopt;
    }
    tokens.emplace_back(t);
  }
  if (tokens.empty()) {
    error = "token file " + path + " holds no token";
    return std::nullopt;
  }
  return TokenSet(tokens);
}

bool TokenSet::accepts(std::string_view authorization) const {
  if (digests_.empty()) return false;
  auto v = trim(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (v.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return false;
  }
  auto presented = digest(trim(v.substr(kScheme.size())));
  // Compare against every token, whatever matches, so timing says nothing about which one.
  bool ok = false;
  for (const auto& d : digests_) ok |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
  return ok;
}

std::optional<ListenAddress> parse_listen(std::string_view s) {
  ListenAddress a;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return std::nullopt;
    a.host = std::string(s.substr(1, close - 1));
    port = s.substr(close + 2);
  } else if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
    if (s.find(':') != colon) return std::nullopt;  // a bare IPv6 address needs brackets
    a.host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
  } else {
    port = s;
  }
  if (a.host.empty()) a.host = "127.0.0.1";
  if (port.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (ec != std::errc() || p != port.data() + port.size() || a.port < 0 || a.port > 65535) return std::nullopt;
  return a;
}

bool is_loopback_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return false;
  bool all = true;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
      all &= (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (ai->ai_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
      all &= IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) != 0;
    } else {
      all = false;
    }
  }
  ::freeaddrinfo(res);
  return all;
}

}  // namespace sdkscope::server
