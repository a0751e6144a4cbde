#!/usr/bin/env python3
"""Checks signatures/exodus_map.json against the Exodus ETIP reference list (python3, stdlib only).

  scripts/gen-exodus-map-check.py [--reference FILE] [--gaps]

  * every Exodus tracker id has an entry; every entry maps to existing record ids or gives a reason;
  * prints mapped / explained / pending counts and the coverage ratio;
  * --gaps: for mapped trackers, lists Exodus code-signature prefixes that none of the mapped records'
    Android packages or classes cover (a hint for missing prefixes, to be checked against the vendor's
    own artifacts; never copy the Exodus regexes in).
The Exodus list is used to check coverage only: it states no data licence.
Exit status: 0 when the map is complete and consistent, 1 otherwise.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIG = os.path.join(ROOT, "signatures")
DEFAULT_REF = os.path.join(os.path.dirname(ROOT), "shared", "reference", "exodus", "etip_trackers_compact.json")


def load_records():
    recs = {}
    sdir = os.path.join(SIG, "sdks")
    for fn in sorted(os.listdir(sdir)):
        if fn.endswith(".json"):
            with open(os.path.join(sdir, fn), encoding="utf-8") as f:
                for r in json.load(f)["sdks"]:
                    recs[r["id"]] = r
    return recs


def covered(prefix, recs, ids):
    """True when one of the records claims the Exodus prefix (a package, a class, or a package above it)."""
    p = prefix.strip().rstrip(".")
    if not p or p.startswith("."):
        return True  # infix patterns such as ".tealium." cannot be compared to prefixes
    for rid in ids:
        a = recs[rid].get("android", {})
        for pk in a.get("packages", []):
            if p == pk or p.startswith(pk + ".") or pk.startswith(p + "."):
                return True
        for c in a.get("classes", []):
            if c == p or c.startswith(p + "."):
                return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", default=DEFAULT_REF, help="etip_trackers_compact.json")
    ap.add_argument("--gaps", action="store_true", help="list Exodus prefixes the mapped records do not cover")
    args = ap.parse_args()
    with open(args.reference, encoding="utf-8") as f:
        ref = json.load(f)
    trackers = ref["trackers"] if isinstance(ref, dict) else ref
    with open(os.path.join(SIG, "exodus_map.json"), encoding="utf-8") as f:
        emap = json.load(f)["trackers"]
    recs = load_records()
    problems = []
    mapped = explained = pending = 0
    ref_ids = set()
    for t in trackers:
        tid = str(t["id"])
        ref_ids.add(tid)
        e = emap.get(tid)
        if e is None:
            problems.append(f"tracker {tid} {t['name']}: missing from exodus_map.json")
            continue
        if e.get("sdks"):
            mapped += 1
            for rid in e["sdks"]:
                if rid not in recs:
                    problems.append(f"tracker {tid} {t['name']}: unknown record id {rid}")
            if args.gaps:
                ids = [r for r in e["sdks"] if r in recs]
                for pfx in (t.get("code_signature") or "").split("|"):
                    if pfx and not covered(pfx, recs, ids):
                        print(f"gap: {tid} {t['name']}: {pfx.strip()} not covered by {', '.join(ids)}")
        elif e.get("reason"):
            explained += 1
            if e["reason"].startswith("pending"):
                pending += 1
        else:
            problems.append(f"tracker {tid} {t['name']}: neither sdks nor reason")
    for tid in emap:
        if tid not in ref_ids:
            problems.append(f"exodus_map.json: {tid} is not in the reference list")
    total = len(trackers)
    print(f"{total} Exodus trackers: {mapped} mapped ({100.0 * mapped / max(total, 1):.1f}%), "
          f"{explained} explained ({pending} pending)")
    for p in problems:
        print("  " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
