// The check catalogue (signatures/checks.json): every privacy and security check sdkscope runs,
// with its stable id, severity, explanation, remediation and references, and for the checks that
// look at code, the indicators that trigger it. Indicators are data so that a new API, selector
// or key format is a JSON edit with a fixture, not a code change (the YARA / semgrep model); the
// checks that read structured facts (manifest flags, network security config, ATS, data flows)
// are "builtin" and implemented in evaluate.cpp, which the loader cross-checks by id.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <algorithm>
#include <bitset>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "scanner/model/scan_result.hpp"


namespace sdkscope::checks {

/// Where an indicator looks. Code kinds are matched while the parsers run (per holder: a class
/// for DEX, a binary for native code and Mach-O); the rest are evaluated on the finished result.
enum class Kind : std::uint8_t {
  DexMethod,      ///< "dex.method": a class's code invokes "pkg.Class.method"
  DexField,       ///< "dex.field": a class's code reads or writes "pkg.Class.FIELD"
  DexString,      ///< "dex.string": a class's code loads the string (const-string)
  DexSuperclass,  ///< "dex.superclass": a class extends it
  NativeImport,   ///< "native.import": an ELF imports the symbol
  NativeString,   ///< "native.string": an ELF holds the string
  NativeCall,     ///< "native.call": an arm64 ELF calls the import (optionally with constant arguments)
  MachoImport,    ///< "macho.import": a Mach-O imports the symbol ("_ptrace", "_OBJC_CLASS_$_ASIdentifierManager")
  MachoSelector,  ///< "macho.selector": a Mach-O references the ObjC selector
  MachoString,    ///< "macho.string": a Mach-O holds the C string
  MachoCall,      ///< "macho.call": an arm64 Mach-O calls the import (optionally with constant arguments)
  AnyString,      ///< "string": any string the scan reads (code, resources, assets, plists), for key formats
  Permission,     ///< "permission": the app requests it (Android permission or iOS usage key)
  SdkCategory,    ///< "sdk.category": a detected SDK has the category
  SdkId,          ///< "sdk.id": the SDK is detected
  Entitlement,    ///< "entitlement": the iOS app has the entitlement key
  DexCall,        ///< "dex.call": a class calls the method with constant arguments ("*.name" = any owner)
};
std::string_view to_string(Kind k);
bool is_code_kind(Kind k);

/// How a string primitive matches: whole string, RE2 full match, RE2 partial match, or the
/// built-in "keylike" test (16..64 printable characters without spaces whose character
/// distribution looks random: what a hard-coded key or secret looks like).
enum class StringMatch : std::uint8_t { Exact, Regex, Search, Keylike };

/// One thing to look for.
struct Primitive {
  Kind kind = Kind::DexMethod;
  std::string value;
  StringMatch match = StringMatch::Exact;
  std::map<int, std::uint64_t> args;      ///< calls: argument register (0..7) -> required constant
  std::map<int, std::uint64_t> arg_bits;  ///< calls: argument register -> bits that must all be set
  bool mask = false;                      ///< strings: quote only a masked form (secrets)
};

/// A primitive that fires a check, with the co-occurring facts it needs in the same holder.
struct Indicator {
  std::uint32_t what = 0;              ///< index into Catalogue::primitives()
  std::vector<std::uint32_t> with;     ///< all must hold in the same holder (class or binary)
  std::vector<std::uint32_t> without;  ///< none may hold in the same holder
  std::string detail;                  ///< what it means, quoted in the evidence
  std::string confidence;              ///< overrides the check's confidence when set
  std::string severity;                ///< overrides the check's severity when set
};

struct CheckDef {
  CheckInfo info;
  bool builtin = false;  ///< implemented in evaluate.cpp (indicators may still add evidence)
  std::vector<Indicator> indicators;
};

/// A primitive hit while scanning code: which primitive, where, in which holder.
struct CodeHit {
  std::uint32_t primitive = 0;
  std::uint32_t location = 0;  ///< EvidenceSet location index
  std::string holder;          ///< class (DEX) or binary path / library name
  std::string value;           ///< the matched value as found (a string, a call with its arguments)
};

class Catalogue {
 public:
  /// Loads and validates signatures/checks.json. Errors name the check and the field.
  static std::optional<Catalogue> load(const std::filesystem::path& file, std::vector<std::string>& errors);
  /// The same from JSON text (tests, fuzzing).
  static std::optional<Catalogue> parse(std::string_view json, std::vector<std::string>& errors);

  Catalogue(Catalogue&&) noexcept;
  Catalogue& operator=(Catalogue&&) noexcept;
  ~Catalogue();

  const std::vector<CheckDef>& checks() const { return checks_; }
  const CheckDef* find(std::string_view id) const;
  const std::vector<Primitive>& primitives() const { return primitives_; }
  std::string_view version() const { return version_; }

  // --- scan-time lookups (all const, shared by threads) ---------------------------------------
  /// Primitives of `kind` whose exact value is `v` (methods, fields, superclasses, imports, selectors, call callees).
  const std::vector<std::uint32_t>* exact(Kind kind, std::string_view v) const;
  /// String primitives of `kind` (DexString / NativeString / MachoString / AnyString) that `s`
  /// matches, appended to `out`. AnyString primitives are included for every code string kind.
  void match_string(Kind kind, std::string_view s, std::vector<std::uint32_t>& out) const;
  /// True when some primitive of this string kind (or AnyString) could look at strings at all.
  bool has_string_rules(Kind kind) const;
  /// Callee names (as imported) any call primitive of `kind` (NativeCall / MachoCall) names.
  std::vector<std::string> callees(Kind kind) const;
  /// Whether a call with these constant arguments satisfies primitive `p`.
  bool call_matches(std::uint32_t p, const std::array<std::optional<std::uint64_t>, 8>& args) const;

 private:
  Catalogue();
  bool compile(std::vector<std::string>& errors);

  std::string version_;
  std::vector<CheckDef> checks_;
  std::vector<Primitive> primitives_;
  // Looked up with string_view on every string, method and import the parsers see (millions per
  // large app), nearly all misses: a filter on length, first and last byte rejects most before
  // any hashing, and a transparent hash avoids building a std::string per lookup.
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  class ExactSet {
   public:
    void add(const std::string& v, std::uint32_t id);
    const std::vector<std::uint32_t>* find(std::string_view s) const {
      if (map_.empty() || !lens_[std::min<std::size_t>(s.size(), kLongLen)]) return nullptr;
      if (!s.empty() && (!first_[static_cast<unsigned char>(s.front())] || !last_[static_cast<unsigned char>(s.back())]))
        return nullptr;
      auto it = map_.find(s);
      return it == map_.end() ? nullptr : &it->second;
    }
    std::vector<std::string> keys() const;

   private:
    static constexpr std::size_t kLongLen = 255;  ///< lengths from here on share one bit
    std::unordered_map<std::string, std::vector<std::uint32_t>, ViewHash, std::equal_to<>> map_;
    std::bitset<kLongLen + 1> lens_;
    std::bitset<256> first_, last_;
  };
  ExactSet exact_[32];
  struct StringRules {
    ExactSet exact;
    std::vector<std::uint32_t> regex_ids;  ///< parallel to the RE2::Set's pattern indices
    std::unique_ptr<RE2::Set> set_full, set_search;
    std::vector<std::uint32_t> full_ids, search_ids;
    std::vector<std::uint32_t> keylike;
  };
  std::map<Kind, StringRules> strings_;
};

/// The "keylike" test: looks like key material rather than text, a name or an identifier.
bool looks_like_key(std::string_view s);
/// A secret quoted in a report: its first 4 and last 2 characters and its length.
std::string mask_secret(std::string_view s);

}  // namespace sdkscope::checks
