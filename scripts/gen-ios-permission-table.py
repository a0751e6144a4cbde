#!/usr/bin/env python3
"""Generates signatures/permissions/ios.json (python3, stdlib only).

usage: scripts/gen-ios-permission-table.py [--keys PATH] [--out PATH]

Input: apple_info_plist_privacy_keys.json, compiled from Apple's developer documentation page
"Protected resources" (https://developer.apple.com/documentation/bundleresources/protected-resources)
through the Averyy/apple-dev-docs mirror. Taken from it: each key's name, Apple's category, whether
it is a purpose string, and its one-line summary (Apple's wording, condensed), used as the label.
Of the file's "extra_keys" (not on Apple's page) only NSFocusStatusUsageDescription is a purpose
string; the others are SDK or configuration keys and are listed under "not_permissions".

Written here (this project's own work):
  * DATA: which of our data categories each key opens;
  * PROTECTION: how the system guards the resource (vocabulary in PROTECTION_VOCAB);
  * DEPRECATED_EXTRA: keys deprecated although Apple's page does not file them under "Deprecated".
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_KEYS = "/work/shared/reference/ios/apple_info_plist_privacy_keys.json"
DEFAULT_OUT = os.path.join(ROOT, "signatures", "permissions", "ios.json")
APPLE_PAGE = "https://developer.apple.com/documentation/bundleresources/protected-resources"

VOCAB = {
    "location", "contacts", "camera", "microphone", "phone", "device_identity", "advertising_id", "sms",
    "call_log", "calendar", "storage", "media", "body_sensors", "health", "physical_activity", "accounts",
    "network", "wifi", "bluetooth", "nearby_devices", "installed_apps", "notifications", "biometrics",
    "clipboard", "usage_data", "crash_logs", "performance_data", "purchase_history", "user_content",
    "browsing_history", "search_history", "contact_info", "financial_info", "identifiers", "keystrokes",
    "other", "system"}

PROTECTION_VOCAB = {
    "runtime_prompt": "the system asks the person before the first access and shows the key's purpose string; "
                      "access can be refused or revoked in Settings",
    "install_time": "no authorization prompt: declaring the key (with its entitlement where one is needed) is "
                    "enough, and the person agrees by installing; the system may still show its own UI at use",
    "none": "not an access grant: configuration or a declaration that changes behaviour; listed because it "
            "reveals what the app uses",
}

# key -> data categories. Every key of the input must be here; keep the input's order by category.
DATA = {
    # Bluetooth
    "NSBluetoothAlwaysUsageDescription": ["bluetooth", "nearby_devices"],
    "NSBluetoothPeripheralUsageDescription": ["bluetooth", "nearby_devices"],
    # Calendar and reminders
    "NSCalendarsFullAccessUsageDescription": ["calendar"],
    "NSCalendarsWriteOnlyAccessUsageDescription": ["calendar"],
    "NSRemindersFullAccessUsageDescription": ["calendar"],
    # Camera and microphone
    "NSCameraUsageDescription": ["camera"],
    "NSMainCameraUsageDescription": ["camera"],
    "NSMicrophoneUsageDescription": ["microphone"],
    # Contacts
    "NSContactsUsageDescription": ["contacts"],
    # Face ID
    "NSFaceIDUsageDescription": ["biometrics"],
    # Files and folders (macOS, and file providers)
    "NSDesktopFolderUsageDescription": ["storage", "user_content"],
    "NSDocumentsFolderUsageDescription": ["storage", "user_content"],
    "NSDownloadsFolderUsageDescription": ["storage", "user_content"],
    "NSNetworkVolumesUsageDescription": ["storage", "network"],
    "NSRemovableVolumesUsageDescription": ["storage"],
    "NSFileProviderDomainUsageDescription": ["storage", "user_content"],
    # Game Center
    "NSGKFriendListUsageDescription": ["contacts"],
    # Health
    "NSHealthClinicalHealthRecordsShareUsageDescription": ["health"],
    "NSHealthShareUsageDescription": ["health"],
    "NSHealthUpdateUsageDescription": ["health"],
    "NSHealthRequiredReadAuthorizationTypeIdentifiers": ["health"],
    # Home
    "NSHomeKitUsageDescription": ["nearby_devices", "other"],
    # Location
    "NSLocationAlwaysAndWhenInUseUsageDescription": ["location"],
    "NSLocationUsageDescription": ["location"],
    "NSLocationWhenInUseUsageDescription": ["location"],
    "NSLocationTemporaryUsageDescriptionDictionary": ["location"],
    "NSLocationAlwaysUsageDescription": ["location"],
    "NSWidgetWantsLocation": ["location"],
    "NSLocationDefaultAccuracyReduced": ["location"],
    # MediaPlayer
    "NSAppleMusicUsageDescription": ["media"],
    # Motion
    "NSMotionUsageDescription": ["physical_activity", "body_sensors"],
    "NSFallDetectionUsageDescription": ["health", "body_sensors"],
    # Networking
    "NSLocalNetworkUsageDescription": ["network", "nearby_devices"],
    "NSNearbyInteractionUsageDescription": ["nearby_devices", "location"],
    "NSNearbyInteractionAllowOnceUsageDescription": ["nearby_devices", "location"],
    # NFC
    "NFCReaderUsageDescription": ["nearby_devices"],
    # Photos
    "NSPhotoLibraryAddUsageDescription": ["media"],
    "NSPhotoLibraryUsageDescription": ["media"],
    # Scripting, security (mostly macOS)
    "NSAppleScriptEnabled": ["system"],
    "NSUpdateSecurityPolicy": ["system"],
    "NSAppDataUsageDescription": ["storage", "user_content"],
    "NSUserTrackingUsageDescription": ["advertising_id", "identifiers"],
    "NSAppleEventsUsageDescription": ["system"],
    "NSSystemAdministrationUsageDescription": ["system"],
    "ITSAppUsesNonExemptEncryption": ["system"],
    "ITSEncryptionExportComplianceCode": ["system"],
    # Sensors (SensorKit research studies: motion, ambient data, device and keyboard usage, visits)
    "NSSensorKitUsageDescription": ["body_sensors", "physical_activity", "usage_data", "keystrokes", "location"],
    "NSSensorKitUsageDetail": ["body_sensors", "physical_activity", "usage_data", "keystrokes", "location"],
    "NSSensorKitPrivacyPolicyURL": ["system"],
    # Siri, speech
    "NSSiriUsageDescription": ["user_content"],
    "NSSpeechRecognitionUsageDescription": ["microphone", "user_content"],
    # TV provider
    "NSVideoSubscriberAccountUsageDescription": ["accounts"],
    # Vision (visionOS)
    "NSWorldSensingUsageDescription": ["camera", "location"],
    "NSHandsTrackingUsageDescription": ["body_sensors"],
    "NSAccessoryTrackingUsageDescription": ["nearby_devices"],
    # Wallet
    "NSFinancialDataUsageDescription": ["financial_info", "purchase_history"],
    "NSIdentityUsageDescription": ["identifiers", "contact_info"],
    # Wi-Fi
    "UIRequiresPersistentWiFi": ["network"],
    # Deprecated
    "NSCalendarsUsageDescription": ["calendar"],
    "NSEnterpriseMCAMUsageDescription": ["camera"],
    "NSRemindersUsageDescription": ["calendar"],
    # extra (not on the Protected resources page)
    "NSFocusStatusUsageDescription": ["notifications", "usage_data"],
}

# Purpose strings are runtime_prompt and other keys none, except these.
PROTECTION_OVERRIDE = {
    # Core NFC has no authorization prompt: the app declares the key and the NFC entitlement, and
    # the system's scanning sheet shows the purpose string at each session.
    "NFCReaderUsageDescription": "install_time",
}

# Deprecated although Apple's page does not put them under "Deprecated".
DEPRECATED_EXTRA = {
    "NSBluetoothPeripheralUsageDescription",  # replaced by NSBluetoothAlwaysUsageDescription (iOS 13)
    "NSLocationAlwaysUsageDescription",       # replaced by NSLocationAlwaysAndWhenInUseUsageDescription (iOS 11)
}

EXTRA_PERMISSION_KEYS = {"NSFocusStatusUsageDescription"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", default=DEFAULT_KEYS)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    with open(args.keys, encoding="utf-8") as f:
        ref = json.load(f)

    entries = list(ref["keys"]) + [k for k in ref["extra_keys"] if k["key"] in EXTRA_PERMISSION_KEYS]
    not_permissions = sorted(k["key"] for k in ref["extra_keys"] if k["key"] not in EXTRA_PERMISSION_KEYS)
    errors = []
    keys = {}
    for e in entries:
        name = e["key"]
        data = DATA.get(name)
        if data is None:
            errors.append(f"{name}: no data mapping in DATA")
            continue
        bad = [d for d in data if d not in VOCAB]
        if bad:
            errors.append(f"{name}: unknown data categories {bad}")
        protection = PROTECTION_OVERRIDE.get(name, "runtime_prompt" if e["is_purpose_string"] else "none")
        keys[name] = {
            "data": data,
            "protection": protection,
            "label": e["summary"].split(" Added by compiler")[0],
            "apple_category": e["category"],
            "purpose_string": bool(e["is_purpose_string"]),
            "deprecated": e["category"] == "Deprecated" or name in DEPRECATED_EXTRA,
        }
    stale = sorted(set(DATA) - {e["key"] for e in entries})
    if stale:
        errors.append(f"DATA maps keys the input does not have: {stale}")
    if errors:
        sys.exit("\n".join(errors))

    doc = {
        "source": f"Key names, Apple's categories, purpose-string flags and labels (Apple's one-line summaries, "
                  f"condensed): Apple, \"Protected resources\" ({APPLE_PAGE}), Copyright Apple Inc., read via the "
                  "Averyy/apple-dev-docs mirror. NSFocusStatusUsageDescription is not on that page. The data "
                  "categories, protection levels and the deprecated flag are sdkscope's own "
                  "(scripts/gen-ios-permission-table.py).",
        "note": "Generated by scripts/gen-ios-permission-table.py; do not edit.",
        "protection_vocabulary": PROTECTION_VOCAB,
        "not_permissions": not_permissions,
        "keys": dict(sorted(keys.items())),
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    by_protection = {}
    for v in keys.values():
        by_protection[v["protection"]] = by_protection.get(v["protection"], 0) + 1
    print(f"{args.out}: {len(keys)} keys {dict(sorted(by_protection.items()))}")


if __name__ == "__main__":
    main()
