// The AndroidManifest model: what the scanner reads from a decoded manifest tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/android/resource_table.hpp"
#include "scanner/android/xml_tree.hpp"
#include "scanner/model/diagnostic.hpp"

namespace sdkscope::android {

struct UsesPermission {
  std::string name;
  std::optional<int> max_sdk;  ///< android:maxSdkVersion
  std::string element;         ///< "uses-permission", "uses-permission-sdk-23" ...
};

struct DeclaredPermission {
  std::string name;
  std::string protection_level;  ///< "normal", "dangerous", "signature", "signature|privileged" ...
};

struct IntentFilter {
  std::vector<std::string> actions;
  std::vector<std::string> categories;
  std::vector<std::string> data_schemes;
  std::vector<std::string> data_hosts;
};

struct Component {
  enum class Kind { Activity, ActivityAlias, Service, Receiver, Provider };
  Kind kind = Kind::Activity;
  std::string name;  ///< fully qualified (".Foo" expanded with the package)
  /// android:exported as written; when absent, the effective value is computed in `exported`.
  std::optional<bool> exported_attr;
  bool exported = false;  ///< effective: explicit value, else (pre-API-31 rule) has intent filters
  std::string permission;
  std::vector<std::string> authorities;  ///< providers only
  std::vector<IntentFilter> intent_filters;
  std::string target_activity;  ///< activity-alias only
  std::string read_permission, write_permission;  ///< providers only
  std::optional<std::string> task_affinity;  ///< activities: android:taskAffinity as written ("" = none)
  std::string launch_mode;  ///< activities: "standard", "singleTop", "singleTask", "singleInstance", "singleInstancePerTask" or ""
  std::optional<bool> allow_task_reparenting;
};

struct MetaData {
  std::string name;
  std::string value;     ///< string or number as text; a resolved resource when possible
  std::string resource;  ///< android:resource as "@0x7f..." or resolved path
  std::string parent;    ///< "application" or the component name it sits under
};

struct Manifest {
  std::string package;
  std::optional<std::int64_t> version_code;
  std::string version_name;
  std::optional<int> min_sdk;
  std::optional<int> target_sdk;
  std::optional<int> compile_sdk;
  std::string label;  ///< application label, resolved through resources when a reference
  std::string icon;   ///< <application android:icon>: resolved path ("res/mipmap-mdpi-v4/ic_launcher.png") or "@0x7f..."
  std::string split;  ///< split name for split APKs

  // <application> flags; nullopt = not set in the manifest (platform default applies).
  std::optional<bool> debuggable;
  std::optional<bool> allow_backup;
  std::optional<bool> uses_cleartext_traffic;
  std::optional<bool> test_only;
  std::string full_backup_content;         ///< resolved path or raw reference
  std::string network_security_config;     ///< resolved path ("res/xml/x.xml") or "@0x7f..."
  std::string application_name;            ///< android:name of <application>
  std::optional<std::string> task_affinity;  ///< <application android:taskAffinity> as written
  std::string data_extraction_rules;       ///< android:dataExtractionRules (API 31+ backup rules)
  std::string shared_user_id;              ///< <manifest android:sharedUserId>

  std::vector<UsesPermission> uses_permissions;
  std::vector<DeclaredPermission> permissions;
  std::vector<Component> components;
  std::vector<MetaData> meta_data;
  std::vector<std::string> queries_packages;
  std::vector<std::string> queries_intent_actions;
  std::vector<std::string> queries_providers;
};

/// Builds the manifest model from a decoded tree. References (label, network security config,
/// meta-data resources) are resolved through `resources` when given. Unexpected shapes are
/// recorded in `diags` and skipped; this never throws.
Manifest build_manifest(const XmlElement& root, const ResourceTable* resources, Diagnostics& diags,
                        const std::string& where);

}  // namespace sdkscope::android
