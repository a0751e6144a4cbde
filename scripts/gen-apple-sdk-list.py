#!/usr/bin/env python3
"""Writes signatures/apple/privacy_impacting_sdks.json: the SDK names on Apple's list of
commonly used third-party SDKs that must ship a privacy manifest, with the framework module
names they appear under. Input: ../shared/reference/ios/apple_privacy_impacting_sdks.json
(Apple's list, transcribed from crasowas/app_store_required_privacy_manifest_analyser, MIT).
Only the names and module names are kept: they are Apple's published facts."""
import json, pathlib, sys

root = pathlib.Path(__file__).resolve().parent.parent
src = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/reference/ios/apple_privacy_impacting_sdks.json"
data = json.loads(src.read_text())
out = {
    "source": "https://developer.apple.com/support/third-party-SDK-requirements/",
    "via": "name list as transcribed in crasowas/app_store_required_privacy_manifest_analyser (MIT) "
           "@03b813e93eac4685076ea1efe244629c866ac407",
    "sdks": sorted(({"name": s["name"], "frameworks": sorted(set(s.get("framework_module_names") or [s["name"]]))}
                    for s in data["sdks"]), key=lambda s: s["name"].lower()),
}
dest = root / "signatures/apple/privacy_impacting_sdks.json"
dest.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {dest.relative_to(root)}: {len(out['sdks'])} SDKs")
