// Attribute lookup on the decoded XML tree, and the resource ids of the android: attributes the
// manifest model reads (so lookups survive obfuscators that blank attribute names).
#include "scanner/android/xml_tree.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sdkscope::android {
namespace {

// From AOSP frameworks/base/core/res/res/values/public.xml; each id was checked against that
// file, aapt's Command.cpp attribute enum, or `aapt dump xmltree` of real APKs. Sorted by name.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 47> kAndroidAttrIds = {{
    {"allowBackup", 0x01010280},
    {"allowClearUserData", 0x01010005},
    {"appComponentFactory", 0x0101057a},
    {"authorities", 0x01010018},
    {"compileSdkVersion", 0x01010572},
    {"compileSdkVersionCodename", 0x01010573},
    {"debuggable", 0x0101000f},
    {"enabled", 0x0101000e},
    {"exported", 0x01010010},
    {"extractNativeLibs", 0x010104ea},
    {"fullBackupContent", 0x010104eb},
    {"grantUriPermissions", 0x0101001b},
    {"host", 0x01010028},
    {"icon", 0x01010002},
    {"installLocation", 0x010102b7},
    {"isolatedProcess", 0x010103a9},
    {"label", 0x01010001},
    {"maxSdkVersion", 0x01010271},
    {"mimeType", 0x01010026},
    {"minSdkVersion", 0x0101020c},
    {"name", 0x01010003},
    {"networkSecurityConfig", 0x01010527},
    {"path", 0x0101002a},
    {"pathPattern", 0x0101002c},
    {"pathPrefix", 0x0101002b},
    {"permission", 0x01010006},
    {"permissionGroup", 0x0101000a},
    {"persistent", 0x0101000d},
    {"port", 0x01010029},
    {"priority", 0x0101001c},
    {"process", 0x01010011},
    {"protectionLevel", 0x01010009},
    {"readPermission", 0x01010007},
    {"resource", 0x01010025},
    {"scheme", 0x01010027},
    {"sharedUserId", 0x0101000b},
    {"targetActivity", 0x01010202},
    {"targetPackage", 0x01010021},
    {"targetSdkVersion", 0x01010270},
    {"taskAffinity", 0x01010012},
    {"testOnly", 0x01010272},
    {"theme", 0x01010000},
    {"usesCleartextTraffic", 0x010104ec},
    {"value", 0x01010024},
    {"versionCode", 0x0101021b},
    {"versionCodeMajor", 0x01010576},
    {"versionName", 0x0101021c},
}};
static_assert(std::is_sorted(kAndroidAttrIds.begin(), kAndroidAttrIds.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));

}  // namespace

std::optional<std::uint32_t> android_attr_id(std::string_view local_name) {
  auto it = std::lower_bound(kAndroidAttrIds.begin(), kAndroidAttrIds.end(), local_name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == kAndroidAttrIds.end() || it->first != local_name) return std::nullopt;
  return it->second;
}

// Android's PackageParser reads manifest attributes by resource id alone, so the id decides:
// an attribute carrying the right id wins whatever its name says, and a look-alike named
// "android:name" but compiled with another id is a decoy the platform never reads. Name matching
// remains for trees without ids (text XML) and attributes missing from the id table.
const XmlAttribute* XmlElement::android_attr(std::string_view local_name) const {
  const auto id = android_attr_id(local_name);
  if (id) {
    for (const auto& a : attrs)
      if (a.resource_id == *id) return &a;
  }
  for (const auto& a : attrs) {
    if (a.is_android() && a.name == local_name && (!id || a.resource_id == 0)) return &a;
  }
  return nullptr;
}

const XmlAttribute* XmlElement::plain_attr(std::string_view local_name) const {
  for (const auto& a : attrs)
    if (a.ns.empty() && a.name == local_name) return &a;
  return nullptr;
}

}  // namespace sdkscope::android
