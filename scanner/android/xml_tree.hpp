// A decoded Android XML document, independent of its encoding: binary AXML (APK), aapt2's
// protobuf XmlNode (AAB) and text XML all decode into this one tree, so the manifest model and
// the network-security-config reader are written once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::android {

inline constexpr std::string_view kAndroidNs = "http://schemas.android.com/apk/res/android";

/// One attribute with its typed value. For AXML the type comes from Res_value.dataType.
struct XmlAttribute {
  enum class Type { String, Int, Bool, Reference, Float, Dimension, Other };

  std::string ns;               ///< namespace URI ("" when none); kAndroidNs for android:*
  std::string name;             ///< local name, e.g. "name", "versionCode"
  std::uint32_t resource_id = 0;  ///< attribute's resource id when compiled (0x0101021b = versionCode)
  Type type = Type::String;
  std::string str;              ///< string value (Type::String), or the raw string when present
  std::int64_t num = 0;         ///< Int / Bool (0 or 1) value
  std::uint32_t ref = 0;        ///< Reference: the resource id (e.g. 0x7f0b0001)

  bool is_android() const { return ns == kAndroidNs; }
};

/// One element with its attributes and children, in document order.
struct XmlElement {
  std::string ns;
  std::string name;
  std::vector<XmlAttribute> attrs;
  std::vector<XmlElement> children;
  std::uint32_t line = 0;

  /// The android:NAME attribute, matched by namespace+name, or by resource id when the name
  /// string was stripped (obfuscators blank attribute names but keep the resource id map).
  const XmlAttribute* android_attr(std::string_view local_name) const;
  /// An attribute with no namespace (e.g. manifest's package).
  const XmlAttribute* plain_attr(std::string_view local_name) const;
};

/// Resource ids of the android: attributes the manifest model reads. From AOSP
/// frameworks/base/core/res/res/values/public.xml (public, stable since the API level noted).
std::optional<std::uint32_t> android_attr_id(std::string_view local_name);

}  // namespace sdkscope::android
