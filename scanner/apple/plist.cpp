// parse_plist: untrusted bytes -> libplist 2.2 -> nlohmann::json, with the input bounded, the
// structure pre-checked (plist_precheck.cpp) and every libplist allocation freed on every path.
#include "scanner/apple/plist.hpp"

#include <fmt/format.h>
#include <plist/plist.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>

#include "scanner/apple/plist_precheck.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {
namespace {

struct PlistFree {
  void operator()(void* p) const { plist_free(static_cast<plist_t>(p)); }
};
using PlistPtr = std::unique_ptr<void, PlistFree>;
struct CFree {
  void operator()(void* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, CFree>;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
/// libplist 2.2 and Converter recurse once per level; past this a thread's stack is at risk
/// whatever the caller asks for.
constexpr std::size_t kMaxDepthCeiling = 512;
/// Seconds from 1970-01-01 to 2001-01-01, the epoch of plist dates.
constexpr std::int64_t kAppleEpoch = 978307200;

std::string base64(const char* p, std::uint64_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(static_cast<std::size_t>((n + 2) / 3 * 4));
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  std::uint64_t i = 0;
  for (; i + 2 < n; i += 3) {
    const std::uint32_t v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < n) {
    const std::uint32_t v = (b[i] << 16) | (i + 1 < n ? b[i + 1] << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// "YYYY-MM-DDTHH:MM:SSZ" (plus ".ffffff" when there are microseconds), proleptic Gregorian UTC.
std::string iso8601(std::int32_t sec, std::int32_t usec) {
  std::int64_t t = kAppleEpoch + sec;
  std::int64_t micros = usec;
  while (micros < 0) {
    micros += 1'000'000;
    --t;
  }
  t += micros / 1'000'000;
  micros %= 1'000'000;
  std::int64_t days = t / 86400, secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
  if (micros) out += fmt::format(".{:06}", micros);
  return out + "Z";
}

/// libplist 2.2 keeps every integer in a uint64 and marks values above INT64_MAX with a private
/// length field, readable only through its writer: its XML output prints the node signed unless
/// it is such an unsigned value. Only integers with the top bit set need the question asked.
nlohmann::json integer_value(plist_t node) {
  std::uint64_t v = 0;
  plist_get_uint_val(node, &v);
  if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(v);
  char* xml = nullptr;
  std::uint32_t len = 0;
  plist_to_xml(node, &xml, &len);
  CString owned(xml);
  std::string_view text = xml ? std::string_view(xml, len) : std::string_view();
  if (text.find("<integer>-") != std::string_view::npos) return static_cast<std::int64_t>(v);
  return v;
}

class Converter {
 public:
  explicit Converter(const PlistLimits& limits) : limits_(limits) {}

  /// nullopt when a limit is hit (message in error()).
  std::optional<nlohmann::json> convert(plist_t node, std::size_t depth) {
    if (depth > limits_.max_depth) {
      error_ = fmt::format("plist nested deeper than {} levels", limits_.max_depth);
      return std::nullopt;
    }
    if (++nodes_ > limits_.max_nodes) {
      error_ = fmt::format("plist holds more than {} values", limits_.max_nodes);
      return std::nullopt;
    }
    switch (plist_get_node_type(node)) {
      case PLIST_BOOLEAN: {
        std::uint8_t b = 0;
        plist_get_bool_val(node, &b);
        return nlohmann::json(b != 0);
      }
      case PLIST_UINT:
        return integer_value(node);
      case PLIST_UID: {
        std::uint64_t v = 0;
        plist_get_uid_val(node, &v);
        return nlohmann::json(v);
      }
      case PLIST_REAL: {
        double d = 0;
        plist_get_real_val(node, &d);
        return nlohmann::json(d);
      }
      case PLIST_STRING:
      case PLIST_KEY: {
        std::uint64_t len = 0;
        const char* s = plist_get_string_ptr(node, &len);
        return nlohmann::json(s ? sanitize_utf8(std::string_view(s, static_cast<std::size_t>(len))) : std::string());
      }
      case PLIST_DATA: {
        std::uint64_t len = 0;
        const char* p = plist_get_data_ptr(node, &len);
        return nlohmann::json(p ? base64(p, len) : std::string());
      }
      case PLIST_DATE: {
        std::int32_t sec = 0, usec = 0;
        plist_get_date_val(node, &sec, &usec);
        return nlohmann::json(iso8601(sec, usec));
      }
      case PLIST_ARRAY: {
        nlohmann::json out = nlohmann::json::array();
        const std::uint32_t n = plist_array_get_size(node);
        for (std::uint32_t i = 0; i < n; ++i) {
          plist_t item = plist_array_get_item(node, i);
          if (!item) continue;
          auto v = convert(item, depth + 1);
          if (!v) return std::nullopt;
          out.push_back(std::move(*v));
        }
        return out;
      }
      case PLIST_DICT: {
        nlohmann::json out = nlohmann::json::object();
        plist_dict_iter it = nullptr;
        plist_dict_new_iter(node, &it);
        CString owned_iter(static_cast<char*>(it));
        for (;;) {
          char* key = nullptr;
          plist_t value = nullptr;
          plist_dict_next_item(node, it, &key, &value);
          CString owned_key(key);
          if (!value) break;
          auto v = convert(value, depth + 1);
          if (!v) return std::nullopt;
          out[key ? sanitize_utf8(key) : std::string()] = std::move(*v);
        }
        return out;
      }
      default:
        return nlohmann::json();
    }
  }

  const std::string& error() const { return error_; }

 private:
  const PlistLimits& limits_;
  std::size_t nodes_ = 0;
  std::string error_;
};

/// UTF-16 (with a byte-order mark) to UTF-8; unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(Bytes in, bool big_endian) {
  std::string out;
  out.reserve(in.size());
  auto unit = [&](std::size_t i) -> std::uint32_t {
    return big_endian ? (in[i] << 8) | in[i + 1] : in[i] | (in[i + 1] << 8);
  };
  auto put = [&](std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  for (std::size_t i = 2; i + 1 < in.size(); i += 2) {
    std::uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < in.size()) {
      std::uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        put(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    put(u >= 0xD800 && u <= 0xDFFF ? 0xFFFD : u);
  }
  return out;
}

}  // namespace

std::optional<nlohmann::json> parse_plist(Bytes data, Diagnostics& diags, const std::string& where,
                                          const PlistLimits& requested) {
  try {
    PlistLimits limits = requested;
    limits.max_depth = std::min(limits.max_depth, kMaxDepthCeiling);
    const std::size_t max_bytes = std::min<std::size_t>(limits.max_bytes, std::numeric_limits<std::uint32_t>::max());
    if (data.size() > max_bytes) {
      diags.warn("plist.limit", where,
                 fmt::format("plist of {} bytes exceeds the {}-byte limit", data.size(), max_bytes));
      return std::nullopt;
    }
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    const bool binary = text.starts_with("bplist");
    std::string converted;  // UTF-16 input, as UTF-8
    PlistPtr root;
    if (binary) {
      if (auto fail = detail::precheck_binary_plist(data, limits)) {
        diags.warn(fail->code, where, fail->message);
        return std::nullopt;
      }
      plist_t p = nullptr;
      plist_from_bin(text.data(), static_cast<std::uint32_t>(text.size()), &p);
      root.reset(p);
    } else {
      if (data.size() >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
        converted = utf16_to_utf8(data, data[0] == 0xFE);
        text = converted;
      } else if (text.starts_with(kUtf8Bom)) {
        text.remove_prefix(kUtf8Bom.size());
      }
      const auto first = text.find_first_not_of(" \t\r\n");
      if (first == std::string_view::npos || text[first] != '<') {
        diags.warn("plist.invalid", where, "neither a binary plist nor XML (OpenStep and JSON plists are not read)");
        return std::nullopt;
      }
      text.remove_prefix(first);
      // XML forbids NUL; libplist 2.2 would cut a key at it and then assert on the length.
      if (text.find('\0') != std::string_view::npos) {
        diags.warn("plist.invalid", where, "XML plist contains a NUL byte");
        return std::nullopt;
      }
      if (auto fail = detail::precheck_xml_plist(text, limits)) {
        diags.warn(fail->code, where, fail->message);
        return std::nullopt;
      }
      plist_t p = nullptr;
      plist_from_xml(text.data(), static_cast<std::uint32_t>(text.size()), &p);
      root.reset(p);
    }
    if (!root) {
      diags.warn("plist.invalid", where,
                 binary ? "libplist rejected the binary plist" : "libplist rejected the XML plist");
      return std::nullopt;
    }
    Converter conv(limits);
    auto out = conv.convert(static_cast<plist_t>(root.get()), 0);
    if (!out) diags.warn("plist.limit", where, conv.error());
    return out;
  } catch (const std::exception& e) {
    // bad_alloc on a huge but legal plist, or a bug: a diagnostic, never an escape.
    diags.warn("plist.invalid", where, std::string("plist could not be converted: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace sdkscope::apple
