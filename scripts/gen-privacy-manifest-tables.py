#!/usr/bin/env python3
"""Generates the privacy-manifest tables from Apple's vocabulary (python3, stdlib only).

usage: scripts/gen-privacy-manifest-tables.py [--vocab PATH] [--json-out PATH] [--cpp-out PATH]

Input: apple_privacy_manifest_vocabulary.json, compiled from Apple's developer documentation
"Describing use of required reason API" and "Describing data use in privacy manifests"
(https://developer.apple.com/documentation/bundleresources/describing-use-of-required-reason-api).
Taken from it: the NSPrivacyCollectedDataType* values, the purposes, the required-reason API
categories with the APIs each covers, and the reason codes (reason texts are paraphrases).

Outputs:
  * signatures/apple/required_reason_apis.json: per category, the APIs with how each shows up in
    a binary (KIND and SYMBOL below are this project's own annotation, not Apple's), and the
    approved reason codes. load_required_reason_apis() in scanner/apple/privacy_manifest.cpp
    reads it; the engine matches imported symbols, selectors and Swift names against it.
  * scanner/apple/privacy_manifest_vocab.cpp: the known values, compiled in so that
    read_privacy_manifest() can flag unknown ones without a data file.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_VOCAB = "/work/shared/reference/ios/apple_privacy_manifest_vocabulary.json"
DEFAULT_JSON = os.path.join(ROOT, "signatures", "apple", "required_reason_apis.json")
DEFAULT_CPP = os.path.join(ROOT, "scanner", "apple", "privacy_manifest_vocab.cpp")
APPLE_PAGE = "https://developer.apple.com/documentation/bundleresources/describing-use-of-required-reason-api"

KINDS = {
    "c_function": "C function; imported as the Mach-O symbol '_<name>'",
    "objc_constant": "Foundation constant; imported as the data symbol '_<name>'",
    "objc_class": "Objective-C class; referenced as '_OBJC_CLASS_$_<name>'",
    "objc_selector": "Objective-C method or property; appears as a selector name (__objc_methname), no symbol",
    "swift_name": "Swift spelling of a Foundation API; compiles to the symbol of the API in 'bridges_to'",
    "swift_type": "Swift type; appears in Swift type metadata and mangled names, not as a plain symbol",
}

C_FUNCTIONS = {
    "getattrlist", "getattrlistbulk", "fgetattrlist", "getattrlistat", "stat", "fstat", "fstatat", "lstat",
    "statfs", "statvfs", "fstatfs", "fstatvfs", "mach_absolute_time"}
OBJC_CONSTANTS = {
    "NSFileCreationDate", "NSFileModificationDate", "NSURLContentModificationDateKey", "NSURLCreationDateKey",
    "NSURLVolumeAvailableCapacityKey", "NSURLVolumeAvailableCapacityForImportantUsageKey",
    "NSURLVolumeAvailableCapacityForOpportunisticUsageKey", "NSURLVolumeTotalCapacityKey",
    "NSFileSystemFreeSize", "NSFileSystemSize"}
OBJC_CLASSES = {"NSUserDefaults"}
OBJC_SELECTORS = {"creationDate", "modificationDate", "fileModificationDate", "systemUptime", "activeInputModes"}
# Swift names -> the Foundation API they are bridged from (URLResourceKey.creationDateKey is
# NSURLCreationDateKey, FileAttributeKey.systemFreeSize is NSFileSystemFreeSize, ...).
SWIFT_NAMES = {
    "contentModificationDateKey": "NSURLContentModificationDateKey",
    "creationDateKey": "NSURLCreationDateKey",
    "volumeAvailableCapacityKey": "NSURLVolumeAvailableCapacityKey",
    "volumeAvailableCapacityForImportantUsageKey": "NSURLVolumeAvailableCapacityForImportantUsageKey",
    "volumeAvailableCapacityForOpportunisticUsageKey": "NSURLVolumeAvailableCapacityForOpportunisticUsageKey",
    "volumeTotalCapacityKey": "NSURLVolumeTotalCapacityKey",
    "systemFreeSize": "NSFileSystemFreeSize",
    "systemSize": "NSFileSystemSize",
    "UserDefaults": "NSUserDefaults",
}
# Entries of the vocabulary that are not symbol names, rewritten to what a binary carries.
RENAMED = {"@AppStorage (SwiftUI, source-level)": ("SwiftUI.AppStorage", "swift_type", "NSUserDefaults")}


def classify(api):
    if api in RENAMED:
        name, kind, bridges = RENAMED[api]
        return {"name": name, "kind": kind, "symbol": "", "bridges_to": bridges}
    if api in C_FUNCTIONS:
        return {"name": api, "kind": "c_function", "symbol": "_" + api}
    if api in OBJC_CONSTANTS:
        return {"name": api, "kind": "objc_constant", "symbol": "_" + api}
    if api in OBJC_CLASSES:
        return {"name": api, "kind": "objc_class", "symbol": "_OBJC_CLASS_$_" + api}
    if api in OBJC_SELECTORS:
        return {"name": api, "kind": "objc_selector", "symbol": ""}
    if api in SWIFT_NAMES:
        return {"name": api, "kind": "swift_name", "symbol": "", "bridges_to": SWIFT_NAMES[api]}
    sys.exit(f"unclassified API '{api}': add it to one of the tables in {os.path.basename(__file__)}")


def cpp_list(name, values):
    body = "".join(f'    "{v}",\n' for v in values)
    return f"constexpr std::string_view {name}[] = {{\n{body}}};\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", default=DEFAULT_VOCAB)
    ap.add_argument("--json-out", default=DEFAULT_JSON)
    ap.add_argument("--cpp-out", default=DEFAULT_CPP)
    args = ap.parse_args()
    with open(args.vocab, encoding="utf-8") as f:
        vocab = json.load(f)

    categories = {}
    for cat, spec in sorted(vocab["required_reason_api_categories"].items()):
        prefix = "NSPrivacyAccessedAPICategory"
        assert cat.startswith(prefix), cat
        categories[cat] = {
            "name": cat[len(prefix):],
            "apis": [classify(a) for a in spec["apis"]],
            "reasons": dict(sorted(spec["reasons"].items())),
        }
    doc = {
        "source": f"Apple, \"Describing use of required reason API\" ({APPLE_PAGE}), as compiled in "
                  "reference/ios/apple_privacy_manifest_vocabulary.json: categories, APIs and reason codes are "
                  "Apple's; reason texts are short paraphrases. 'kind', 'symbol' and 'bridges_to' are sdkscope's own "
                  "annotation (scripts/gen-privacy-manifest-tables.py).",
        "note": "Generated by scripts/gen-privacy-manifest-tables.py; do not edit. Apple revises these lists: "
                "check the page above before relying on them.",
        "kinds": KINDS,
        "categories": categories,
    }
    os.makedirs(os.path.dirname(args.json_out), exist_ok=True)
    with open(args.json_out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")

    reason_sets = []
    for cat, spec in categories.items():
        ident = "k" + spec["name"] + "Reasons"
        reason_sets.append((cat, ident, list(spec["reasons"])))
    cpp = [
        "// Known privacy-manifest values (Apple's vocabulary), compiled in for read_privacy_manifest.\n",
        "// Generated by scripts/gen-privacy-manifest-tables.py from Apple's \"Describing use of required reason\n",
        "// API\" and \"Describing data use in privacy manifests\"; do not edit.\n",
        "#include \"scanner/apple/privacy_manifest.hpp\"\n\n",
        "namespace sdkscope::apple::vocab {\nnamespace {\n\n",
        cpp_list("kDataTypes", vocab["collected_data_types"]),
        "\n",
        cpp_list("kPurposes", vocab["collected_data_purposes"]),
        "\n",
    ]
    for _, ident, reasons in reason_sets:
        cpp += [cpp_list(ident, reasons), "\n"]
    cpp.append("constexpr ReasonSet kCategories[] = {\n")
    for cat, ident, _ in reason_sets:
        cpp.append(f'    {{"{cat}", {ident}}},\n')
    cpp.append("};\n\n}  // namespace\n\n")
    cpp.append("std::span<const std::string_view> collected_data_types() { return kDataTypes; }\n")
    cpp.append("std::span<const std::string_view> collected_data_purposes() { return kPurposes; }\n")
    cpp.append("std::span<const ReasonSet> accessed_api_categories() { return kCategories; }\n\n")
    cpp.append("}  // namespace sdkscope::apple::vocab\n")
    with open(args.cpp_out, "w", encoding="utf-8") as f:
        f.write("".join(cpp))
    n_apis = sum(len(c["apis"]) for c in categories.values())
    print(f"{args.json_out}: {len(categories)} categories, {n_apis} APIs; {args.cpp_out}: "
          f"{len(vocab['collected_data_types'])} data types, {len(vocab['collected_data_purposes'])} purposes")


if __name__ == "__main__":
    main()
