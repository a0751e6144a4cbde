#!/usr/bin/env python3
"""Generates signatures/permissions/android.json (python3, stdlib only).

usage: scripts/gen-permission-table.py [--aosp PATH] [--out PATH]

Input: aosp_permissions.json, converted from androguard's per-API AOSP permission files
(androguard/androguard androguard/core/api_specific_resources/aosp_permissions, Apache-2.0,
generated from AOSP frameworks/base core/res/AndroidManifest.xml, also Apache-2.0).
Taken from it: name, protection level, label, first API level, removed flag.

Written here (this project's own work, not from any other list):
  * DATA: which category of user data each privacy-relevant permission opens;
  * GROUP_DEFAULT: the fallback category by AOSP permission group;
  * VENDOR: well-known permissions that AOSP does not define (Google Play services, Play Store,
    launchers, OEM push services, push SDKs), each with the vendor document it comes from.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_AOSP = "/work/shared/reference/android/aosp_permissions.json"
DEFAULT_OUT = os.path.join(ROOT, "signatures", "permissions", "android.json")

VOCAB = {
    "location", "contacts", "camera", "microphone", "phone", "device_identity", "sms", "call_log",
    "calendar", "storage", "media", "body_sensors", "physical_activity", "accounts", "network",
    "bluetooth", "nearby_devices", "installed_apps", "notifications", "biometrics", "system",
    "advertising_id", "account_sync", "wifi", "nfc", "background", "overlay", "accessibility",
    "clipboard", "other"}

P = "android.permission."
# permission -> data categories. Every AOSP "dangerous" permission is listed, plus the
# privacy-relevant normal/signature ones. Keep alphabetical within each block.
DATA = {
    # --- dangerous (runtime) permissions
    P + "ACCEPT_HANDOVER": ["phone"],
    P + "ACCESS_BACKGROUND_LOCATION": ["location", "background"],
    P + "ACCESS_COARSE_LOCATION": ["location"],
    P + "ACCESS_FINE_LOCATION": ["location"],
    P + "ACCESS_MEDIA_LOCATION": ["location", "media"],
    P + "ACTIVITY_RECOGNITION": ["physical_activity"],
    P + "ANSWER_PHONE_CALLS": ["phone"],
    P + "BLUETOOTH_ADVERTISE": ["nearby_devices", "bluetooth"],
    P + "BLUETOOTH_CONNECT": ["nearby_devices", "bluetooth"],
    P + "BLUETOOTH_SCAN": ["nearby_devices", "bluetooth", "location"],
    P + "BODY_SENSORS": ["body_sensors"],
    P + "BODY_SENSORS_BACKGROUND": ["body_sensors", "background"],
    P + "CALL_PHONE": ["phone"],
    P + "CAMERA": ["camera"],
    P + "EYE_TRACKING_COARSE": ["body_sensors", "camera"],
    P + "EYE_TRACKING_FINE": ["body_sensors", "camera"],
    P + "FACE_TRACKING": ["body_sensors", "camera"],
    P + "GET_ACCOUNTS": ["accounts"],
    P + "HAND_TRACKING": ["body_sensors", "camera"],
    P + "HEAD_TRACKING": ["body_sensors"],
    P + "NEARBY_WIFI_DEVICES": ["nearby_devices", "wifi"],
    P + "POST_NOTIFICATIONS": ["notifications"],
    P + "PROCESS_OUTGOING_CALLS": ["call_log", "phone"],
    P + "RANGING": ["nearby_devices"],
    P + "READ_CALENDAR": ["calendar"],
    P + "READ_CALL_LOG": ["call_log"],
    P + "READ_CELL_BROADCASTS": ["sms"],
    P + "READ_CONTACTS": ["contacts"],
    P + "READ_EXTERNAL_STORAGE": ["storage", "media"],
    P + "READ_MEDIA_AUDIO": ["media"],
    P + "READ_MEDIA_IMAGES": ["media"],
    P + "READ_MEDIA_VIDEO": ["media"],
    P + "READ_MEDIA_VISUAL_USER_SELECTED": ["media"],
    P + "READ_OWNER_DATA": ["contacts"],
    P + "READ_PHONE_NUMBERS": ["phone", "device_identity"],
    P + "READ_PHONE_STATE": ["phone", "device_identity"],
    P + "READ_SMS": ["sms"],
    P + "RECEIVE_MMS": ["sms"],
    P + "RECEIVE_SMS": ["sms"],
    P + "RECEIVE_WAP_PUSH": ["sms"],
    P + "RECORD_AUDIO": ["microphone"],
    P + "SCENE_UNDERSTANDING_COARSE": ["camera"],
    P + "SCENE_UNDERSTANDING_FINE": ["camera"],
    P + "SEND_SMS": ["sms"],
    P + "USE_SIP": ["phone"],
    P + "UWB_RANGING": ["nearby_devices"],
    P + "WRITE_CALENDAR": ["calendar"],
    P + "WRITE_CALL_LOG": ["call_log"],
    P + "WRITE_CONTACTS": ["contacts"],
    P + "WRITE_EXTERNAL_STORAGE": ["storage"],
    P + "WRITE_OWNER_DATA": ["contacts"],
    "com.android.voicemail.permission.ADD_VOICEMAIL": ["phone"],
    "com.android.voicemail.permission.READ_VOICEMAIL": ["phone"],
    "com.android.voicemail.permission.WRITE_VOICEMAIL": ["phone"],
    # --- location (normal / signature)
    P + "ACCESS_LOCATION_EXTRA_COMMANDS": ["location"],
    P + "ACCESS_MOCK_LOCATION": ["location"],
    P + "CONTROL_LOCATION_UPDATES": ["location"],
    P + "INSTALL_LOCATION_PROVIDER": ["location"],
    P + "LOCATION_HARDWARE": ["location"],
    # --- network, Wi-Fi, Bluetooth, NFC
    P + "ACCESS_NETWORK_STATE": ["network"],
    P + "ACCESS_WIFI_STATE": ["wifi", "network"],
    P + "BIND_VPN_SERVICE": ["network"],
    P + "BLUETOOTH": ["bluetooth"],
    P + "BLUETOOTH_ADMIN": ["bluetooth"],
    P + "BLUETOOTH_PRIVILEGED": ["bluetooth"],
    P + "CHANGE_NETWORK_STATE": ["network"],
    P + "CHANGE_WIFI_MULTICAST_STATE": ["wifi", "network"],
    P + "CHANGE_WIFI_STATE": ["wifi"],
    P + "INTERNET": ["network"],
    P + "LOCAL_MAC_ADDRESS": ["device_identity", "network"],
    P + "NFC": ["nfc"],
    P + "NFC_PREFERRED_PAYMENT_INFO": ["nfc"],
    P + "NFC_TRANSACTION_EVENT": ["nfc"],
    P + "PEERS_MAC_ADDRESS": ["device_identity", "nearby_devices"],
    # --- phone and device identity
    P + "MANAGE_OWN_CALLS": ["phone"],
    P + "MODIFY_PHONE_STATE": ["phone"],
    P + "READ_BASIC_PHONE_STATE": ["phone"],
    P + "READ_PRECISE_PHONE_STATE": ["phone"],
    P + "READ_PRIVILEGED_PHONE_STATE": ["device_identity", "phone"],
    P + "BROADCAST_SMS": ["sms"],
    P + "SMS_FINANCIAL_TRANSACTIONS": ["sms"],
    P + "WRITE_SMS": ["sms"],
    # --- accounts and sync
    P + "AUTHENTICATE_ACCOUNTS": ["accounts"],
    P + "GET_ACCOUNTS_PRIVILEGED": ["accounts"],
    P + "MANAGE_ACCOUNTS": ["accounts"],
    P + "USE_CREDENTIALS": ["accounts"],
    P + "READ_PROFILE": ["contacts"],
    P + "WRITE_PROFILE": ["contacts"],
    P + "READ_SOCIAL_STREAM": ["contacts"],
    P + "WRITE_SOCIAL_STREAM": ["contacts"],
    P + "READ_SYNC_SETTINGS": ["account_sync"],
    P + "READ_SYNC_STATS": ["account_sync"],
    P + "WRITE_SYNC_SETTINGS": ["account_sync"],
    P + "SUBSCRIBED_FEEDS_READ": ["account_sync"],
    P + "SUBSCRIBED_FEEDS_WRITE": ["account_sync"],
    # --- other apps on the device
    P + "GET_TASKS": ["installed_apps"],
    P + "PACKAGE_USAGE_STATS": ["installed_apps"],
    P + "QUERY_ALL_PACKAGES": ["installed_apps"],
    P + "REAL_GET_TASKS": ["installed_apps"],
    P + "KILL_BACKGROUND_PROCESSES": ["installed_apps", "system"],
    P + "REQUEST_INSTALL_PACKAGES": ["system"],
    P + "REQUEST_DELETE_PACKAGES": ["system"],
    P + "INSTALL_PACKAGES": ["system"],
    P + "DELETE_PACKAGES": ["system"],
    # --- storage and media
    P + "MANAGE_EXTERNAL_STORAGE": ["storage", "media"],
    P + "MANAGE_MEDIA": ["media"],
    P + "MEDIA_CONTENT_CONTROL": ["media"],
    P + "CAPTURE_AUDIO_OUTPUT": ["microphone", "media"],
    P + "CAPTURE_VIDEO_OUTPUT": ["media"],
    P + "CAPTURE_SECURE_VIDEO_OUTPUT": ["media"],
    P + "READ_FRAME_BUFFER": ["media"],
    # --- sensors and biometrics
    P + "HIGH_SAMPLING_RATE_SENSORS": ["physical_activity"],
    P + "USE_BIOMETRIC": ["biometrics"],
    P + "USE_FINGERPRINT": ["biometrics"],
    # --- notifications
    P + "ACCESS_NOTIFICATION_POLICY": ["notifications"],
    P + "BIND_NOTIFICATION_LISTENER_SERVICE": ["notifications"],
    # --- screen, input and accessibility
    P + "BIND_ACCESSIBILITY_SERVICE": ["accessibility"],
    P + "BIND_AUTOFILL_SERVICE": ["accessibility"],
    P + "BIND_INPUT_METHOD": ["accessibility"],
    P + "READ_CLIPBOARD_IN_BACKGROUND": ["clipboard"],
    P + "SYSTEM_ALERT_WINDOW": ["overlay"],
    P + "READ_USER_DICTIONARY": ["other"],
    P + "WRITE_USER_DICTIONARY": ["other"],
    # --- running in the background
    P + "FOREGROUND_SERVICE": ["background"],
    P + "FOREGROUND_SERVICE_CAMERA": ["background", "camera"],
    P + "FOREGROUND_SERVICE_CONNECTED_DEVICE": ["background", "nearby_devices"],
    P + "FOREGROUND_SERVICE_DATA_SYNC": ["background"],
    P + "FOREGROUND_SERVICE_FILE_MANAGEMENT": ["background", "storage"],
    P + "FOREGROUND_SERVICE_HEALTH": ["background", "body_sensors"],
    P + "FOREGROUND_SERVICE_LOCATION": ["background", "location"],
    P + "FOREGROUND_SERVICE_MEDIA_PLAYBACK": ["background"],
    P + "FOREGROUND_SERVICE_MEDIA_PROCESSING": ["background", "media"],
    P + "FOREGROUND_SERVICE_MEDIA_PROJECTION": ["background", "media"],
    P + "FOREGROUND_SERVICE_MICROPHONE": ["background", "microphone"],
    P + "FOREGROUND_SERVICE_PHONE_CALL": ["background", "phone"],
    P + "FOREGROUND_SERVICE_REMOTE_MESSAGING": ["background"],
    P + "FOREGROUND_SERVICE_SPECIAL_USE": ["background"],
    P + "FOREGROUND_SERVICE_SYSTEM_EXEMPTED": ["background"],
    P + "RECEIVE_BOOT_COMPLETED": ["background"],
    P + "REQUEST_IGNORE_BATTERY_OPTIMIZATIONS": ["background"],
    P + "RUN_USER_INITIATED_JOBS": ["background"],
    P + "SCHEDULE_EXACT_ALARM": ["background"],
    P + "USE_EXACT_ALARM": ["background"],
    P + "WAKE_LOCK": ["background"],
    # --- system
    P + "BIND_DEVICE_ADMIN": ["system"],
    P + "DISABLE_KEYGUARD": ["system"],
    P + "READ_LOGS": ["system"],
    P + "WRITE_SECURE_SETTINGS": ["system"],
    P + "WRITE_SETTINGS": ["system"],
    "com.android.browser.permission.READ_HISTORY_BOOKMARKS": ["other"],
    "com.android.browser.permission.WRITE_HISTORY_BOOKMARKS": ["other"],
}

G = "android.permission-group."
# AOSP permission group -> category, for permissions not in DATA.
GROUP_DEFAULT = {
    G + "LOCATION": ["location"], G + "CAMERA": ["camera"], G + "MICROPHONE": ["microphone"],
    G + "CONTACTS": ["contacts"], G + "PERSONAL_INFO": ["contacts"], G + "SOCIAL_INFO": ["contacts"],
    G + "PHONE": ["phone"], G + "PHONE_CALLS": ["phone"], G + "VOICEMAIL": ["phone"],
    G + "SMS": ["sms"], G + "MESSAGES": ["sms"], G + "CALENDAR": ["calendar"],
    G + "STORAGE": ["storage"], G + "SENSORS": ["body_sensors"], G + "ACCOUNTS": ["accounts"],
    G + "SYNC_SETTINGS": ["account_sync"], G + "NETWORK": ["network"],
    G + "BLUETOOTH_NETWORK": ["bluetooth"], G + "NEARBY_DEVICES": ["nearby_devices"],
    G + "NOTIFICATIONS": ["notifications"], G + "ACTIVITY_RECOGNITION": ["physical_activity"],
    G + "CALL_LOG": ["call_log"], G + "READ_MEDIA_AURAL": ["media"], G + "READ_MEDIA_VISUAL": ["media"],
    G + "BOOKMARKS": ["other"], G + "USER_DICTIONARY": ["other"], G + "WRITE_USER_DICTIONARY": ["other"],
    G + "APP_INFO": ["system"], G + "SYSTEM_TOOLS": ["system"], G + "DEVELOPMENT_TOOLS": ["system"],
    G + "HARDWARE_CONTROLS": ["system"], G + "AFFECTS_BATTERY": ["system"], G + "STATUS_BAR": ["system"],
    G + "DISPLAY": ["system"], G + "SYSTEM_CLOCK": ["system"], G + "DEVICE_ALARMS": ["system"],
    G + "SCREENLOCK": ["system"], G + "WALLPAPER": ["system"], G + "AUDIO_SETTINGS": ["system"],
}

GPS = "https://developers.google.com/android/reference/com/google/android/gms/ads/identifier/AdvertisingIdClient.Info"
# Well-known permissions that AOSP's core manifest does not define. Names starting "re:" are
# patterns for app-defined permissions (<application id>.permission.X) that an SDK makes the app
# declare (the app defines them, normally with protectionLevel signature). "normal" marks
# permissions that the vendor's documentation tells every third-party app to request and that are
# granted at install time without a prompt.
VENDOR = {
    "com.google.android.gms.permission.AD_ID": {
        "protection": "normal", "data": ["advertising_id"],
        "label": "Google advertising ID (required from Android 13 to read the AAID)",
        "source": "https://support.google.com/googleplay/android-developer/answer/6048248"},
    P + "ACCESS_ADSERVICES_AD_ID": {
        "protection": "normal", "data": ["advertising_id"],
        "label": "Privacy Sandbox AdServices advertising ID",
        "source": "https://developer.android.com/reference/android/Manifest.permission#ACCESS_ADSERVICES_AD_ID"},
    P + "ACCESS_ADSERVICES_ATTRIBUTION": {
        "protection": "normal", "data": ["advertising_id"],
        "label": "Privacy Sandbox Attribution Reporting API",
        "source": "https://developer.android.com/reference/android/Manifest.permission#ACCESS_ADSERVICES_ATTRIBUTION"},
    P + "ACCESS_ADSERVICES_TOPICS": {
        "protection": "normal", "data": ["advertising_id"],
        "label": "Privacy Sandbox Topics API",
        "source": "https://developer.android.com/reference/android/Manifest.permission#ACCESS_ADSERVICES_TOPICS"},
    P + "ACCESS_ADSERVICES_CUSTOM_AUDIENCE": {
        "protection": "normal", "data": ["advertising_id"],
        "label": "Privacy Sandbox Protected Audience (custom audiences)",
        "source": "https://developer.android.com/reference/android/Manifest.permission#ACCESS_ADSERVICES_CUSTOM_AUDIENCE"},
    "com.google.android.c2dm.permission.RECEIVE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Receive Firebase Cloud Messaging / GCM push messages",
        "source": "https://firebase.google.com/docs/cloud-messaging/android/client"},
    "re:.*\\.permission\\.C2D_MESSAGE": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission that legacy GCM/FCM clients declare to protect push delivery",
        "source": "https://developers.google.com/cloud-messaging/android/legacy-regs"},
    "com.google.android.finsky.permission.BIND_GET_INSTALL_REFERRER_SERVICE": {
        "protection": "normal", "data": ["other"],
        "label": "Read the Google Play install referrer (install attribution)",
        "source": "https://developer.android.com/google/play/installreferrer/library"},
    "com.google.android.gms.permission.ACTIVITY_RECOGNITION": {
        "protection": "normal", "data": ["physical_activity"],
        "label": "Play services activity recognition (before Android 10)",
        "source": "https://developers.google.com/location-context/activity-recognition"},
    "com.android.vending.BILLING": {
        "protection": "normal", "data": ["other"],
        "label": "Google Play in-app billing",
        "source": "https://developer.android.com/google/play/billing/integrate"},
    "com.android.vending.CHECK_LICENSE": {
        "protection": "normal", "data": ["other"],
        "label": "Google Play licensing check",
        "source": "https://developer.android.com/google/play/licensing/setting-up"},
    "com.huawei.android.launcher.permission.CHANGE_BADGE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Set the app-icon badge on Huawei launchers",
        "source": "https://developer.huawei.com/consumer/en/hms/huawei-pushkit"},
    "re:.*\\.permission\\.PROCESS_PUSH_MSG": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission declared for Huawei Push Kit message processing",
        "source": "https://developer.huawei.com/consumer/en/hms/huawei-pushkit"},
    "re:.*\\.permission\\.MIPUSH_RECEIVE": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission declared for Xiaomi MiPush",
        "source": "https://dev.mi.com/console/doc/detail?pId=41"},
    "com.coloros.mcs.permission.RECIEVE_MCS_MESSAGE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Receive OPPO (ColorOS) push messages (spelling as defined by OPPO)",
        "source": "https://open.oppomobile.com/"},
    "com.heytap.mcs.permission.RECIEVE_MCS_MESSAGE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Receive OPPO / HeyTap push messages (spelling as defined by OPPO)",
        "source": "https://open.oppomobile.com/"},
    "com.vivo.notification.permission.BADGE_ICON": {
        "protection": "normal", "data": ["notifications"],
        "label": "Set the app-icon badge on vivo launchers",
        "source": "https://dev.vivo.com.cn/"},
    "com.meizu.flyme.push.permission.RECEIVE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Receive Meizu Flyme push messages",
        "source": "https://open.flyme.cn/"},
    "com.meizu.c2dm.permission.RECEIVE": {
        "protection": "normal", "data": ["notifications"],
        "label": "Receive Meizu push messages (legacy)",
        "source": "https://open.flyme.cn/"},
    "re:.*\\.push\\.permission\\.MESSAGE": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission declared for Meizu push",
        "source": "https://open.flyme.cn/"},
    "re:.*\\.permission\\.JPUSH_MESSAGE": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission declared for JPush (JIGUANG) message delivery",
        "source": "https://docs.jiguang.cn/jpush/client/Android/android_guide"},
    "re:getui\\.permission\\.GetuiService\\..*": {
        "protection": "signature", "data": ["notifications"],
        "label": "App-defined permission declared for Getui push",
        "source": "https://docs.getui.com/getui/mobile/android/overview/"},
}


def base_level(level):
    return (level or "unknown").split("|")[0]


def category(p):
    name = p["name"]
    if name in DATA:
        return DATA[name]
    g = p.get("permissionGroup")
    if g in GROUP_DEFAULT:
        return GROUP_DEFAULT[g]
    return ["other"] if base_level(p.get("protectionLevel")) in ("normal", "dangerous") else ["system"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aosp", default=DEFAULT_AOSP)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    with open(args.aosp, encoding="utf-8") as f:
        src = json.load(f)
    perms = {}
    for p in sorted(src["permissions"], key=lambda p: p["name"]):
        perms[p["name"]] = {
            "protection": base_level(p.get("protectionLevel")),
            "data": category(p),
            "label": p.get("label"),
            "first_api": p.get("first_api"),
            "removed": bool(p.get("removed", False)),
        }
    problems = []
    for name, cats in list(DATA.items()) + [(k, v["data"]) for k, v in VENDOR.items()] + list(GROUP_DEFAULT.items()):
        for c in cats:
            if c not in VOCAB:
                problems.append(f"{name}: unknown category {c}")
    for p in src["permissions"]:
        if base_level(p.get("protectionLevel")) == "dangerous" and p["name"] not in DATA:
            problems.append(f"{p['name']}: dangerous permission without an explicit DATA entry")
    unknown = sorted(n for n in DATA if n not in perms)
    for n in VENDOR:
        if n in perms:
            problems.append(f"{n}: in VENDOR but AOSP defines it")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    out = {
        "source": "AOSP frameworks/base core/res/AndroidManifest.xml via androguard "
                  "(androguard/androguard androguard/core/api_specific_resources/aosp_permissions, "
                  "API 4-36), Copyright The Android Open Source Project and the androguard authors, Apache License 2.0; "
                  "protection levels (base level of the latest protectionLevel), labels, first API level and removal "
                  "are theirs. The data categories and vendor_permissions are sdkscope's own "
                  "(scripts/gen-permission-table.py).",
        "licence": "Apache-2.0",
        "permissions": perms,
        "vendor_permissions": VENDOR,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    print(f"{args.out}: {len(perms)} AOSP permissions "
          f"({sum(1 for v in perms.values() if v['protection'] == 'dangerous')} dangerous), "
          f"{len(VENDOR)} vendor permissions; {len(unknown)} mapped names not in this AOSP snapshot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
