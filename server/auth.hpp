// Bearer tokens (--token-file) and the listen-address rule: without tokens the server only
// listens on loopback.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::server {

/// The accepted tokens, kept only as SHA-256 digests; checking a presented token compares
/// against every digest in constant time.
class TokenSet {
 public:
  TokenSet() = default;
  explicit TokenSet(const std::vector<std::string>& tokens);
  /// One token per line; blank lines and lines starting with '#' are skipped, surrounding
  /// blanks trimmed. nullopt and `error` set when the file cannot be read or holds no token.
  static std::optional<TokenSet> load(const std::string& path, std::string& error);

  bool empty() const { return digests_.empty(); }
  std::size_t size() const { return digests_.size(); }
  /// True when `authorization` (the header's value) is "Bearer <token>" with a known token.
  bool accepts(std::string_view authorization) const;

 private:
  std::vector<std::array<unsigned char, 32>> digests_;
};

/// "HOST:PORT", "[V6]:PORT" or ":PORT" / "PORT" (loopback) -> host and port. nullopt on bad syntax.
struct ListenAddress {
  std::string host;
  int port = 0;
};
std::optional<ListenAddress> parse_listen(std::string_view s);

/// True when every address `host` resolves to is a loopback address (127.0.0.0/8, ::1).
bool is_loopback_host(const std::string& host);

}  // namespace sdkscope::server
