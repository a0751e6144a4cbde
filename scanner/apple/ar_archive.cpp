// The ar format (ar(5); BSD 4.4 and System V/GNU long names). After the 8-byte magic, members
// follow one another, each a 60-byte text header and its data, padded to an even offset:
//   name[16] date[12] uid[6] gid[6] mode[8] size[10] fmag[2] = "`\n"     (decimal, space padded)
// BSD (Apple's ar, libtool): a name "#1/NN" means the real name is the first NN bytes of the data
// (NUL padded) and `size` counts them; "__.SYMDEF" / "__.SYMDEF SORTED" (and _64) hold the
// ranlib symbol table. GNU: "/" is the symbol table, "//" a table of long names ending in "/\n",
// "/NN" an offset into it; short names end with "/".
#include "scanner/apple/ar_archive.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "scanner/util/strings.hpp"

namespace sdkscope::apple {

namespace {

constexpr char kMagic[] = "!<arch>\n";
constexpr std::size_t kMagicSize = 8;
constexpr std::size_t kHeaderSize = 60;

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

/// A decimal header field (space padded); nullopt when it holds anything else.
std::optional<std::size_t> decimal(std::string_view field) {
  field = trim_right(field);
  if (field.empty()) return std::nullopt;
  std::size_t v = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (SIZE_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

bool is_symbol_table(std::string_view name) {
  return starts_with(name, "__.SYMDEF") || name == "/" || name == "/SYM64/";
}

}  // namespace

bool is_ar_archive(Bytes data) {
  return data.size() >= kMagicSize && std::memcmp(data.data(), kMagic, kMagicSize) == 0;
}

std::vector<ArMember> list_ar_members(Bytes data, std::size_t max_members, Diagnostics& diags,
                                      const std::string& where) {
  std::vector<ArMember> members;
  if (!is_ar_archive(data)) {
    diags.warn("ar.bad_member", where, "no archive magic \"!<arch>\\n\"");
    return members;
  }
  const ByteReader r(data);
  std::string_view gnu_names;  // the "//" member's data
  std::size_t off = kMagicSize;
  auto bad = [&](const std::string& what) {
    diags.warn("ar.bad_member", where, "member header at offset " + std::to_string(off) + ": " + what);
  };
  while (off < data.size()) {
    if (data.size() - off < kHeaderSize) {
      // A lone padding byte after the last member is normal; anything longer is a cut header.
      if (data.size() - off > 1 || data[off] != '\n') bad("truncated header");
      break;
    }
    const std::string_view hdr = r.chars(off, kHeaderSize);
    const auto size = decimal(hdr.substr(48, 10));
    if (hdr.substr(58, 2) != "`\n" || !size) {
      bad("not a member header (bad terminator or size field)");
      break;
    }
    std::string_view raw_name = trim_right(hdr.substr(0, 16));
    std::size_t data_off = off + kHeaderSize;
    std::size_t data_size = *size;
    bool clipped = false;
    if (data_size > data.size() - data_off) {
      diags.warn("ar.bad_member", where,
                 "member at offset " + std::to_string(off) + " claims " + std::to_string(data_size) +
                     " bytes, only " + std::to_string(data.size() - data_off) + " remain; read clipped");
      data_size = data.size() - data_off;
      clipped = true;
    }
    std::string name;
    if (starts_with(raw_name, "#1/")) {
      const auto len = decimal(raw_name.substr(3));
      if (!len || *len > data_size) {
        bad("BSD long name length does not fit the member");
        break;
      }
      name = std::string(trim_right(r.chars(data_off, *len)));
      data_off += *len;
      data_size -= *len;
    } else if (raw_name == "//") {
      gnu_names = r.chars(data_off, data_size);
    } else if (raw_name.size() > 1 && raw_name[0] == '/' && raw_name != "/SYM64/") {
      const auto at = decimal(raw_name.substr(1));
      if (!at || *at >= gnu_names.size()) {
        bad("GNU long name offset outside the name table");
        break;
      }
      std::string_view rest = gnu_names.substr(*at);
      name = std::string(rest.substr(0, std::min(rest.find("/\n"), rest.find('\n'))));
    } else {
      name = std::string(raw_name);
      if (name.size() > 1 && name.back() == '/') name.pop_back();  // GNU short name terminator
    }
    if (raw_name != "//" && !is_symbol_table(raw_name) && !is_symbol_table(name)) {
      if (members.size() >= max_members) {
        diags.warn("macho.limit", where,
                   "archive has more than " + std::to_string(max_members) + " members; the rest were not read");
        break;
      }
      members.push_back({std::move(name), data_off, data_size});
    }
    if (clipped) break;
    const std::size_t next = off + kHeaderSize + *size;
    off = next + (next & 1);
  }
  return members;
}

}  // namespace sdkscope::apple
