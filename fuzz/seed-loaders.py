#!/usr/bin/env python3
"""Seeds for the two loader targets added after the first campaign (docs/fuzzing.md):
fuzz/corpus/policy/ from policies/*.json plus one file per rule, and fuzz/corpus/checks_catalogue/
from signatures/checks.json cut into one-check catalogues, each followed by a NUL and a probe
string taken from its own indicators. Run from anywhere; writes seed-*.json files only (the
campaign's -merge=1 renames what it keeps)."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent

def write(dirname, name, data):
    d = root / "fuzz" / "corpus" / dirname
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

# Policies: the shipped examples, then each rule alone (with and without an allow entry).
for p in sorted((root / "policies").glob("*.json")):
    write("policy", "seed-" + p.stem, p.read_bytes())
rules = {
    "deny_vendor_countries": ["CN", "EU"], "deny_vendors": ["tencent"], "deny_sdks": ["tencent.bugly"],
    "deny_categories": ["analytics"], "max_severity": "medium", "deny_checks": ["android.config.debuggable"],
    "deny_cleartext": True, "require_privacy_manifest": True, "max_dangerous_permissions": 1,
    "deny_permissions": ["android.permission.READ_SMS"], "allowed_destination_countries": ["EU"],
    "deny_destination_countries": ["CN"], "deny_cross_border": True,
}
for i, (k, v) in enumerate(sorted(rules.items())):
    doc = {"schema": "sdkscope-policy/1", "name": k, "rules": {k: v}}
    write("policy", f"seed-rule-{i:02}", json.dumps(doc).encode())
    doc["allow"] = [{"sdk": "tencent.bugly", "justification": "fuzz", "expires": "2026-01-01"},
                    {"vendor": "google", "justification": "fuzz"}]
    write("policy", f"seed-rule-{i:02}-allow", json.dumps(doc).encode())

# Check catalogues: one check each, probe = its first indicator's value.
cat = json.loads((root / "signatures" / "checks.json").read_text())
for i, check in enumerate(cat["checks"]):
    doc = {"version": "fuzz", "checks": [check]}
    probe = ""
    for ind in check.get("indicators", []):
        if isinstance(ind.get("value"), str):
            probe = ind["value"]
            break
    write("checks_catalogue", f"seed-{i:02}", json.dumps(doc).encode() + b"\0" + probe.encode())
