// Endpoint extraction: finds URLs, host names and IP literals in strings, normalises them,
// filters the noise (XML namespaces, schema and documentation links, example domains, Java
// package names that look like hosts, format-string fragments) with a reason for each, and
// gives each the registrable domain (libpsl).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope {

/// One address found in a string, before attribution.
struct AddressCandidate {
  std::string raw;     ///< the text as found
  std::string url;     ///< normalised URL; "" for a bare host
  std::string scheme;  ///< lowercase; "" for a bare host
  std::string host;    ///< lowercase, no trailing dot; IPv6 without brackets
  std::optional<int> port;
  std::string path;    ///< path + query as found ("" or starting with '/' or '?')
  bool ip_literal = false;
};

/// Why a candidate was dropped; stable strings (listed by --show-filtered later).
struct FilteredAddress {
  std::string raw;
  std::string reason;  ///< "xml_namespace", "documentation", "example_domain", "java_package", "format_string", "invalid_host", "file_name", "local"
};

/// Public-suffix knowledge (libpsl). One instance is shared read-only by all threads.
class PublicSuffixList {
 public:
  PublicSuffixList();
  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;
  /// Registrable domain ("a.b.example.co.uk" -> "example.co.uk"); "" when none (IPs, bare TLDs).
  std::string registrable_domain(std::string_view host) const;
  /// True when `suffix` is an ICANN/private public suffix by an explicit rule (not the "*" rule).
  bool is_known_suffix(std::string_view suffix) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class AddressExtractor {
 public:
  explicit AddressExtractor(const PublicSuffixList& psl) : psl_(psl) {}

  /// Cheap test: could this string hold an address at all? (Used to skip most of a DEX pool.)
  static bool may_contain_address(std::string_view s);
  /// Every address in `text`: URLs with any scheme, and (when the whole string is one) a bare
  /// host name with a known public suffix or an IP literal with a port. Filtered candidates go
  /// to `filtered` when given.
  std::vector<AddressCandidate> extract(std::string_view text, std::vector<FilteredAddress>* filtered = nullptr) const;

 private:
  std::optional<AddressCandidate> parse_url(std::string_view url, std::vector<FilteredAddress>* filtered) const;
  std::optional<AddressCandidate> parse_bare_host(std::string_view s, std::vector<FilteredAddress>* filtered) const;
  /// "" when the host is acceptable, else the filter reason.
  std::string host_filter_reason(const AddressCandidate& c) const;
  const PublicSuffixList& psl_;
};

}  // namespace sdkscope
