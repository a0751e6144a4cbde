// Evidence: facts parsers found, each with where it was found. Parsers produce it; the matcher
// and the analyses consume it; nothing here decides what gets reported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope {

/// Stable evidence kinds; the string forms appear in reports and signature tests.
enum class EvidenceKind : std::uint8_t {
  JavaClass,          ///< "dex.class": a class defined in DEX or a JAR
  NativeLib,          ///< "native.lib": a native library file name (libfoo.so)
  ManifestComponent,  ///< "manifest.component": activity/service/receiver/provider name
  ManifestMetaData,   ///< "manifest.meta_data": <meta-data android:name>
  ObjcClass,          ///< "objc.class"
  MachoFramework,     ///< "macho.framework": a framework in the bundle or linked by a binary
  SwiftModule,        ///< "swift.module"
  MachoSymbol,        ///< "macho.symbol"
  PlistKey,           ///< "plist.key"
  SkAdNetwork,        ///< "skadnetwork"
  Domain,             ///< "domain": a host found in strings
};
inline constexpr int kEvidenceKindCount = 11;

std::string_view to_string(EvidenceKind k);
/// Parses "dex.class" etc.; returns false for an unknown kind.
bool parse_evidence_kind(std::string_view s, EvidenceKind& out);

/// A named fact: a class, a library, a manifest key ... `location` indexes EvidenceSet::locations.
struct Fact {
  EvidenceKind kind;
  std::string value;
  std::uint32_t location = 0;
};

/// A string that looks like a network address, with the code that holds it.
struct AddressString {
  std::string value;         ///< the raw candidate (a URL, host or IP literal)
  std::uint32_t location = 0;
  std::string holder;        ///< class (DEX) or binary that loads it; "" when unknown
  std::string host;          ///< the candidate's host name, "" for IP literals (kept for domain evidence)
};

/// A version an artifact reveals for a signature record (resolved by the engine through the
/// record's "versions" rules, or a framework's Info.plist).
struct VersionHint {
  std::uint32_t record = 0;  ///< SignatureDb::sdks() index
  std::uint32_t rank = 0;    ///< the rule's position in the record's "versions" list; plist hints rank last
  std::string version;
  std::uint32_t location = 0;
};

/// All evidence of one scan. Locations are strings like "classes2.dex",
/// "split_config.arm64_v8a.apk!/lib/arm64-v8a/libfoo.so".
struct EvidenceSet {
  std::vector<std::string> locations;
  std::vector<Fact> facts;
  std::vector<AddressString> addresses;
  std::vector<VersionHint> versions;

  std::uint32_t add_location(std::string loc) {
    locations.push_back(std::move(loc));
    return static_cast<std::uint32_t>(locations.size() - 1);
  }
  /// Moves another set's facts in, rebasing its location indexes.
  void merge(EvidenceSet&& other);
};

}  // namespace sdkscope
