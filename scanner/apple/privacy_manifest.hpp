// Apple privacy-manifest vocabulary (PrivacyInfo.xcprivacy values) and the required-reason API
// table the engine matches binaries against. read_privacy_manifest itself is declared in plist.hpp.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::apple {

namespace vocab {

/// A required-reason API category and its approved reason codes.
struct ReasonSet {
  std::string_view category;                  ///< "NSPrivacyAccessedAPICategoryFileTimestamp"
  std::span<const std::string_view> reasons;  ///< "DDA9.1", "C617.1", ...
};

/// Apple's NSPrivacyCollectedDataType* values (generated: privacy_manifest_vocab.cpp).
std::span<const std::string_view> collected_data_types();
/// Apple's NSPrivacyCollectedDataTypePurpose* values.
std::span<const std::string_view> collected_data_purposes();
/// The required-reason API categories with their reason codes.
std::span<const ReasonSet> accessed_api_categories();

}  // namespace vocab

/// True when Apple's vocabulary knows the value.
bool is_known_collected_data_type(std::string_view type);
bool is_known_collected_data_purpose(std::string_view purpose);
bool is_known_accessed_api_category(std::string_view category);
/// True when `reason` is an approved reason code of `category` (false for unknown categories).
bool is_known_accessed_api_reason(std::string_view category, std::string_view reason);

/// One API covered by a required-reason category, and how it shows up in a binary.
struct RequiredReasonApi {
  std::string name;        ///< as Apple lists it: "stat", "NSFileCreationDate", "systemUptime"
  std::string kind;        ///< c_function | objc_constant | objc_class | objc_selector | swift_name | swift_type
  std::string symbol;      ///< Mach-O symbol when there is one ("_stat", "_OBJC_CLASS_$_NSUserDefaults"), else ""
  std::string bridges_to;  ///< swift_name/swift_type: the Foundation API it compiles to, else ""
};

/// A required-reason API category (signatures/apple/required_reason_apis.json).
struct RequiredReasonCategory {
  std::string category;  ///< "NSPrivacyAccessedAPICategoryDiskSpace"
  std::string name;      ///< "DiskSpace"
  std::vector<RequiredReasonApi> apis;
  std::map<std::string, std::string> reasons;  ///< code -> short paraphrase of Apple's text
};

/// Loads signatures/apple/required_reason_apis.json (written by
/// scripts/gen-privacy-manifest-tables.py from Apple's "Describing use of required reason API").
/// Categories come back sorted by category name. On an unreadable or malformed file returns an
/// empty vector and, when `errors` is given, appends one line per problem. Never throws.
std::vector<RequiredReasonCategory> load_required_reason_apis(const std::filesystem::path& path,
                                                              std::vector<std::string>* errors = nullptr);

}  // namespace sdkscope::apple
