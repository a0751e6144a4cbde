#!/usr/bin/env python3
"""Smoke-checks the signature database in signatures/ (python3, stdlib only).

  scripts/check-signatures.py                 schema and consistency checks, tests.match/no_match
  scripts/check-signatures.py --corpus DIR    also scan the development corpus (DIR/android, DIR/ios)
                                              and compare with signatures/corpus_expectations.json
                                              (needs dexdump and aapt on PATH for Android bundles)

This is a model of the matching rules in signatures/README.md, not the C++ matcher:
  * a Java class is claimed by the record that lists it in android.classes, else by the record
    with the longest segment-exact package prefix that does not exclude it;
  * an ObjC class likewise by ios.classes, else by the longest ios.class_prefixes entry;
  * a record's class evidence counts when it claims >= min_classes classes;
  * native_libs / components / meta_data / frameworks / swift_modules / plist_keys / skadnetwork
    are exact, or RE2-style "re:" patterns matched against the whole name (Python re here).
Exit status: 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIG = os.path.join(ROOT, "signatures")

CATEGORIES = {
    "advertising", "analytics", "attribution", "crash_reporting", "performance", "push", "social",
    "login", "payments", "maps_location", "fingerprinting", "hotfix", "web_engine", "backend",
    "messaging", "speech", "captcha", "ui", "networking", "app_framework", "support", "security",
    "mediation", "consent", "media", "marketing_automation", "customer_support", "feature_flags", "packer"}
VENDOR_KEYS = {"id", "name", "legal_name", "parent", "country", "data_jurisdiction", "website", "sources"}
RECORD_KEYS = {"id", "name", "vendor", "categories", "part_of", "description", "website", "android",
               "ios", "domains", "collects", "versions", "tests", "sources", "notes"}
DATA_CATEGORIES = {
    "location", "contacts", "camera", "microphone", "phone", "device_identity", "advertising_id", "sms",
    "call_log", "calendar", "storage", "media", "body_sensors", "health", "physical_activity", "accounts",
    "network", "wifi", "bluetooth", "nearby_devices", "installed_apps", "notifications", "biometrics",
    "clipboard", "usage_data", "crash_logs", "performance_data", "purchase_history", "user_content",
    "browsing_history", "search_history", "contact_info", "financial_info", "identifiers", "keystrokes", "other"}
ANDROID_KEYS = {"packages", "classes", "exclude", "min_classes", "native_libs", "components",
                "meta_data", "permissions"}
IOS_KEYS = {"frameworks", "classes", "class_prefixes", "swift_modules", "symbols", "plist_keys",
            "skadnetwork_ids", "min_classes"}
TEST_KINDS = {"dex.class", "native.lib", "manifest.component", "manifest.meta_data", "objc.class",
              "macho.framework", "swift.module", "macho.symbol", "plist.key", "skadnetwork"}
ID_RE = re.compile(r"^[a-z0-9_.-]+$")
PKG_RE = re.compile(r"^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$")

errors = []


def err(msg):
    errors.append(msg)


def load():
    with open(os.path.join(SIG, "vendors.json"), encoding="utf-8") as f:
        vendors = json.load(f)["vendors"]
    vdir = os.path.join(SIG, "vendors")
    for fn in sorted(os.listdir(vdir)) if os.path.isdir(vdir) else []:
        if fn.endswith(".json"):
            with open(os.path.join(vdir, fn), encoding="utf-8") as f:
                vendors += json.load(f)["vendors"]
    records = []
    sdir = os.path.join(SIG, "sdks")
    for fn in sorted(os.listdir(sdir)):
        if fn.endswith(".json"):
            with open(os.path.join(sdir, fn), encoding="utf-8") as f:
                for r in json.load(f)["sdks"]:
                    r["_file"] = fn
                    records.append(r)
    return vendors, records


def name_matcher(values):
    exact, pats = set(), []
    for v in values or []:
        if v.startswith("re:"):
            pats.append(re.compile(v[3:]))
        else:
            exact.add(v)
    return lambda s: s in exact or any(p.fullmatch(s) for p in pats)


class DB:
    def __init__(self, records):
        self.records = {r["id"]: r for r in records}
        self.cls = {}        # exact java class -> id
        self.pkgs = []       # (prefix, id)
        self.excl = {}       # id -> [prefix]
        self.ocls = {}       # exact objc class -> id
        self.opfx = []       # (prefix, id)
        self.m = {}          # (id, field) -> matcher
        for r in records:
            a, i = r.get("android", {}), r.get("ios", {})
            for c in a.get("classes", []):
                self.cls[c] = r["id"]
            for p in a.get("packages", []):
                self.pkgs.append((p, r["id"]))
            self.excl[r["id"]] = a.get("exclude", [])
            for c in i.get("classes", []):
                self.ocls[c] = r["id"]
            for p in i.get("class_prefixes", []):
                self.opfx.append((p, r["id"]))
            for fld in ("native_libs", "components", "meta_data"):
                self.m[(r["id"], fld)] = name_matcher(a.get(fld))
            for fld in ("frameworks", "swift_modules", "symbols", "plist_keys", "skadnetwork_ids"):
                self.m[(r["id"], fld)] = name_matcher(i.get(fld))
        self.pkgs.sort(key=lambda t: -len(t[0]))
        self.opfx.sort(key=lambda t: -len(t[0]))

    def java_owner(self, cls):
        if cls in self.cls:
            return self.cls[cls]
        for p, rid in self.pkgs:
            if cls.startswith(p + "."):
                if any(cls.startswith(e + ".") for e in self.excl.get(rid, [])):
                    continue
                return rid
        return None

    def objc_owner(self, cls):
        if cls in self.ocls:
            return self.ocls[cls]
        for p, rid in self.opfx:
            if cls.startswith(p) and len(cls) > len(p):
                return rid
        return None

    def owners(self, field, name):
        return [rid for rid in self.records if self.m[(rid, field)](name)]

    def owner_of(self, kind, value):
        if kind == "dex.class":
            o = self.java_owner(value)
            return [o] if o else []
        if kind == "objc.class":
            o = self.objc_owner(value)
            return [o] if o else []
        field = {"native.lib": "native_libs", "manifest.component": "components",
                 "manifest.meta_data": "meta_data", "macho.framework": "frameworks",
                 "swift.module": "swift_modules", "macho.symbol": "symbols",
                 "plist.key": "plist_keys", "skadnetwork": "skadnetwork_ids"}[kind]
        return self.owners(field, value)

    def detect_android(self, classes, libs, comps, metas):
        claimed = {}
        for c in classes:
            o = self.java_owner(c)
            if o:
                claimed[o] = claimed.get(o, 0) + 1
        out = {}
        for rid, r in self.records.items():
            ev = []
            n = claimed.get(rid, 0)
            if n and n >= r.get("android", {}).get("min_classes", 1):
                ev.append(f"{n} cls")
            nl = sorted({l for l in libs if self.m[(rid, "native_libs")](l)})
            if nl:
                ev.append("lib " + ",".join(nl))
            nc = [c for c in comps if self.m[(rid, "components")](c)]
            nm = [m for m in metas if self.m[(rid, "meta_data")](m)]
            if nc:
                ev.append(f"{len(nc)} comp")
            if nm:
                ev.append(f"{len(nm)} meta")
            if ev:
                out[rid] = ev
            elif n:
                out.setdefault("_below_min", []).append(f"{rid}({n})")
        return out

    def detect_ios(self, classes, frameworks, plist_keys, skad):
        claimed = {}
        for c in classes:
            o = self.objc_owner(c)
            if o:
                claimed[o] = claimed.get(o, 0) + 1
        out = {}
        for rid, r in self.records.items():
            ev = []
            n = claimed.get(rid, 0)
            if n and n >= r.get("ios", {}).get("min_classes", 1):
                ev.append(f"{n} objc")
            fw = [f for f in frameworks if self.m[(rid, "frameworks")](f)]
            pk = [k for k in plist_keys if self.m[(rid, "plist_keys")](k)]
            sk = [k for k in skad if self.m[(rid, "skadnetwork_ids")](k)]
            if fw:
                ev.append("fw " + ",".join(fw))
            if pk:
                ev.append("plist " + ",".join(pk))
            if sk:
                ev.append(f"{len(sk)} skad")
            if ev:
                out[rid] = ev
            elif n:
                out.setdefault("_below_min", []).append(f"{rid}({n})")
        return out


def check_schema(vendors, records):
    vids = {}
    for v in vendors:
        vid = v.get("id", "?")
        if vid in vids:
            err(f"vendor {vid}: duplicate id")
        vids[vid] = v
        for k in v:
            if k not in VENDOR_KEYS:
                err(f"vendor {vid}: unknown field {k}")
        for k in ("id", "name", "legal_name", "country", "website", "sources"):
            if not v.get(k):
                err(f"vendor {vid}: missing {k}")
        if not ID_RE.match(vid):
            err(f"vendor {vid}: bad id")
        if not re.fullmatch(r"[A-Z]{2}", v.get("country", "")):
            err(f"vendor {vid}: country must be ISO alpha-2")
        if v.get("data_jurisdiction") and not re.fullmatch(r"[A-Z]{2}", v["data_jurisdiction"]):
            err(f"vendor {vid}: bad data_jurisdiction")
    for v in vendors:  # parent chains resolve and terminate
        seen, cur = set(), v
        while cur.get("parent"):
            if cur["parent"] not in vids:
                err(f"vendor {v['id']}: parent {cur['parent']} unknown")
                break
            if cur["parent"] in seen:
                err(f"vendor {v['id']}: parent cycle")
                break
            seen.add(cur["parent"])
            cur = vids[cur["parent"]]

    ids, used_vendors = {}, set()
    owners = {}  # (kind, value) -> id, for uniqueness
    for r in records:
        rid = r.get("id", "?")
        where = f"{r['_file']}:{rid}"
        if rid in ids:
            err(f"{where}: duplicate id (also in {ids[rid]})")
        ids[rid] = r["_file"]
        if not ID_RE.match(rid):
            err(f"{where}: bad id")
        for k in r:
            if k not in RECORD_KEYS and k != "_file":
                err(f"{where}: unknown field {k}")
        for k in ("name", "vendor", "categories", "tests", "sources"):
            if not r.get(k):
                err(f"{where}: missing {k}")
        if r.get("vendor") not in vids:
            err(f"{where}: vendor {r.get('vendor')} not in vendors.json")
        used_vendors.add(r.get("vendor"))
        for c in r.get("categories", []):
            if c not in CATEGORIES:
                err(f"{where}: unknown category {c}")
        a, i = r.get("android", {}), r.get("ios", {})
        for k in a:
            if k not in ANDROID_KEYS:
                err(f"{where}: unknown android field {k}")
        for k in i:
            if k not in IOS_KEYS:
                err(f"{where}: unknown ios field {k}")
        if not a and not i:
            err(f"{where}: neither android nor ios rules")
        for p in a.get("packages", []) + a.get("exclude", []):
            if not PKG_RE.match(p) or p.endswith("."):
                err(f"{where}: bad package prefix {p!r}")
        for e in a.get("exclude", []):
            if not any(e.startswith(p + ".") for p in a.get("packages", [])):
                err(f"{where}: exclude {e} is not under one of its packages")
        for p in i.get("class_prefixes", []):
            if len(p) < 3:
                err(f"{where}: class prefix {p!r} shorter than 3")
        uniq = [("package", p) for p in a.get("packages", [])] + \
               [("java class", c) for c in a.get("classes", [])] + \
               [("objc class", c) for c in i.get("classes", [])] + \
               [("objc prefix", c) for c in i.get("class_prefixes", [])] + \
               [("native lib", c) for c in a.get("native_libs", [])] + \
               [("component", c) for c in a.get("components", [])] + \
               [("meta-data", c) for c in a.get("meta_data", [])] + \
               [("framework", c) for c in i.get("frameworks", [])] + \
               [("swift module", c) for c in i.get("swift_modules", [])] + \
               [("plist key", c) for c in i.get("plist_keys", [])] + \
               [("skadnetwork", c) for c in i.get("skadnetwork_ids", [])] + \
               [("domain", d) for d in r.get("domains", [])]
        for kind, val in uniq:
            if (kind, val) in owners and owners[(kind, val)] != rid:
                err(f"{where}: {kind} {val!r} also listed by {owners[(kind, val)]}")
            owners[(kind, val)] = rid
            if isinstance(val, str) and val.startswith("re:"):
                try:
                    re.compile(val[3:])
                except re.error as e:
                    err(f"{where}: bad regex {val!r}: {e}")
        for fld in ("min_classes",):
            for blk in (a, i):
                if fld in blk and (not isinstance(blk[fld], int) or blk[fld] < 1):
                    err(f"{where}: min_classes must be a positive integer")
        for d in r.get("domains", []):
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d):
                err(f"{where}: bad domain {d!r}")
        if "collects" in r:
            c = r["collects"]
            if not isinstance(c, dict) or not c.get("source") or not c.get("data"):
                err(f"{where}: collects needs data and source")
            else:
                for k in c:
                    if k not in ("data", "source"):
                        err(f"{where}: collects has unknown field {k}")
                for x in c["data"]:
                    if x not in DATA_CATEGORIES:
                        err(f"{where}: collects has unknown data category {x}")
        for v in r.get("versions", []):
            keys = [k for k in ("file", "string", "native_lib") if k in v]
            if len(keys) != 1 or any(k not in ("file", "string", "native_lib", "holder") for k in v):
                err(f"{where}: bad versions entry {v}")
                continue
            if keys[0] != "file":
                pat = v[keys[0]]
                try:
                    if not pat.startswith("re:") or re.compile(pat[3:]).groups < 1:
                        err(f"{where}: version rule {pat!r} needs a re: pattern with a capture group")
                except re.error as e:
                    err(f"{where}: bad version regex {pat!r}: {e}")
        t = r.get("tests", {})
        if not t.get("match"):
            err(f"{where}: no tests.match")
        for ex in t.get("match", []) + t.get("no_match", []):
            if ex.get("kind") not in TEST_KINDS:
                err(f"{where}: unknown test kind {ex.get('kind')}")
    for r in records:
        if r.get("part_of") and r["part_of"] not in ids:
            err(f"{r['_file']}:{r['id']}: part_of {r['part_of']} unknown")
        if r.get("part_of") == r.get("id"):
            err(f"{r['id']}: part_of itself")
    domain_owner = {}
    ddir = os.path.join(SIG, "domains")
    for fn in sorted(os.listdir(ddir)) if os.path.isdir(ddir) else []:
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(ddir, fn), encoding="utf-8") as f:
            blocks = json.load(f)["owners"]
        for b in blocks:
            vid = b.get("vendor")
            if vid not in vids:
                err(f"domains/{fn}: unknown vendor {vid}")
            used_vendors.add(vid)
            if not b.get("sources"):
                err(f"domains/{fn}: {vid}: no sources")
            for d in b.get("domains", []):
                if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d):
                    err(f"domains/{fn}: {vid}: bad domain {d!r}")
                if d in domain_owner and domain_owner[d] != vid:
                    err(f"domains/{fn}: {d} owned by both {domain_owner[d]} and {vid}")
                domain_owner[d] = vid
    for vid in vids:
        if vid not in used_vendors and not any(v.get("parent") == vid for v in vendors):
            err(f"vendor {vid}: not used by any record or as a parent")
    return vids


def check_tests(db, records):
    for r in records:
        rid = r["id"]
        for ex in r.get("tests", {}).get("match", []):
            o = db.owner_of(ex["kind"], ex["value"])
            if rid not in o:
                err(f"{rid}: match example {ex['kind']} {ex['value']} is claimed by {o or 'nobody'}")
        for ex in r.get("tests", {}).get("no_match", []):
            o = db.owner_of(ex["kind"], ex["value"])
            if rid in o:
                err(f"{rid}: no_match example {ex['kind']} {ex['value']} is claimed by it")


# ---------------------------------------------------------------- corpus extraction
def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout.decode("utf-8", "replace")


def android_evidence(path, tmp):
    classes, libs, comps, metas = set(), set(), set(), set()
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.endswith(".dex"):
                p = os.path.join(tmp, "x.dex")
                with open(p, "wb") as f:
                    f.write(z.read(n))
                for line in run(["dexdump", p]).splitlines():
                    m = re.search(r"Class descriptor\s*:\s*'L(.*);'", line)
                    if m:
                        classes.add(m.group(1).replace("/", "."))
            elif n.endswith(".so"):
                libs.add(n.rsplit("/", 1)[-1])
    if path.endswith(".apk"):
        tree = run(["aapt", "dump", "xmltree", path, "AndroidManifest.xml"]).splitlines()
        for k, line in enumerate(tree):
            m = re.search(r"E: (activity|activity-alias|service|receiver|provider|meta-data)\b", line)
            if not m:
                continue
            for nxt in tree[k + 1:k + 6]:
                mm = re.search(r'A: android:name\(0x01010003\)="([^"]*)"', nxt)
                if mm:
                    (metas if m.group(1) == "meta-data" else comps).add(mm.group(1))
                    break
    return classes, libs, comps, metas


def macho_slices(data):
    if data[:4] in (b"\xca\xfe\xba\xbe",):
        n = struct.unpack(">I", data[4:8])[0]
        for k in range(n):
            _, _, off, size, _ = struct.unpack(">5I", data[8 + 20 * k:28 + 20 * k])
            yield data[off:off + size]
    else:
        yield data


def objc_classnames(data):
    out = set()
    for m in macho_slices(data):
        magic = struct.unpack("<I", m[:4])[0] if len(m) >= 4 else 0
        if magic not in (0xfeedface, 0xfeedfacf):
            continue
        is64 = magic == 0xfeedfacf
        ncmds = struct.unpack("<I", m[16:20])[0]
        off = 32 if is64 else 28
        for _ in range(ncmds):
            cmd, size = struct.unpack("<II", m[off:off + 8])
            if cmd in (0x1, 0x19):
                nsects = struct.unpack("<I", m[off + (64 if is64 else 48):off + (68 if is64 else 52)])[0]
                s, ssz = off + (72 if is64 else 56), (80 if is64 else 68)
                for j in range(nsects):
                    sec = m[s + j * ssz:s + (j + 1) * ssz]
                    if sec[:16].rstrip(b"\0") != b"__objc_classname":
                        continue
                    if is64:
                        ssize, soff = struct.unpack("<Q", sec[40:48])[0], struct.unpack("<I", sec[48:52])[0]
                    else:
                        ssize, soff = struct.unpack("<I", sec[36:40])[0], struct.unpack("<I", sec[40:44])[0]
                    for x in m[soff:soff + ssize].split(b"\0"):
                        if x:
                            out.add(x.decode("utf-8", "replace"))
            off += size
    return out


def ios_evidence(path):
    classes, frameworks, keys, skad = set(), set(), set(), set()
    with zipfile.ZipFile(path) as z:
        real = {}
        for zi in z.infolist():  # IPA tools often store UTF-8 names without the UTF-8 flag
            n = zi.filename
            if not zi.flag_bits & 0x800:
                try:
                    n = n.encode("cp437").decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            real[n] = zi
        names = list(real)
        apps = sorted({re.sub(r"(\.app)/.*$", r"\1", n) for n in names if re.search(r"\.app/Info\.plist$", n)}, key=len)
        if not apps:
            return classes, frameworks, keys, skad
        app = apps[0]
        info = plistlib.loads(z.read(real[app + "/Info.plist"]))
        keys = set(info.keys())
        for item in info.get("SKAdNetworkItems", []) or []:
            if isinstance(item, dict) and "SKAdNetworkIdentifier" in item:
                skad.add(item["SKAdNetworkIdentifier"].lower())
        exe = info.get("CFBundleExecutable")
        for n in names:
            m = re.match(re.escape(app) + r"/Frameworks/([^/]+)\.framework/([^/]+)$", n)
            if m and m.group(1) == m.group(2):
                frameworks.add(m.group(1))
                classes |= objc_classnames(z.read(real[n]))
        if exe and app + "/" + exe in names:
            classes |= objc_classnames(z.read(real[app + "/" + exe]))
    return classes, frameworks, keys, skad


def check_corpus(db, corpus):
    with open(os.path.join(SIG, "corpus_expectations.json"), encoding="utf-8") as f:
        expect = json.load(f)
    with open(os.path.join(corpus, "labels.json"), encoding="utf-8") as f:
        labels = json.load(f)["bundles"]
    for b in labels:
        if b not in expect:
            err(f"corpus_expectations.json: bundle {b} missing")
        else:
            for k in ("expect", "expect_not"):
                if len(expect[b][k]) != len(labels[b][k]):
                    err(f"corpus_expectations.json: {b} {k} has {len(expect[b][k])} ids for {len(labels[b][k])} labels")
                for rid in expect[b][k]:
                    if rid not in db.records:
                        err(f"corpus_expectations.json: {b}: unknown id {rid}")
    tools = shutil.which("dexdump") and shutil.which("aapt")
    rows = []
    tmp = tempfile.mkdtemp()
    try:
        for b in sorted(expect):
            path = os.path.join(corpus, b)
            if not os.path.exists(path):
                rows.append((b, "MISSING", "", ""))
                continue
            if b.startswith("android/"):
                if not tools:
                    rows.append((b, "SKIP (dexdump/aapt not found)", "", ""))
                    continue
                det = db.detect_android(*android_evidence(path, tmp))
            else:
                det = db.detect_ios(*ios_evidence(path))
            below = det.pop("_below_min", [])
            exp, exn = expect[b]["expect"], expect[b]["expect_not"]
            miss = [x for x in exp if x not in det]
            bad = [x for x in exn if x in det]
            for x in miss:
                err(f"{b}: expected {x} not detected")
            for x in bad:
                err(f"{b}: {x} detected but listed in expect_not")
            status = "ok" if not miss and not bad else "FAIL"
            found = "; ".join(f"{rid} [{', '.join(ev)}]" for rid, ev in sorted(det.items()))
            extra = ", ".join(sorted(x for x in det if x not in exp))
            rows.append((b, status, found or "-", (extra or "-") + (f" | below min_classes: {', '.join(below)}" if below else "")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="corpus directory (with labels.json, android/, ios/)")
    args = ap.parse_args()
    vendors, records = load()
    check_schema(vendors, records)
    db = DB(records)
    check_tests(db, records)
    n_and = sum(1 for r in records if r.get("android"))
    n_ios = sum(1 for r in records if r.get("ios"))
    vmap = {v["id"]: v for v in vendors}
    n_cn = sum(1 for v in vendors if v["country"] == "CN")
    print(f"{len(records)} records ({n_and} with Android rules, {n_ios} with iOS rules), "
          f"{len(vendors)} vendors ({n_cn} CN), "
          f"{sum(1 for r in records if vmap.get(r['vendor'], {}).get('country') == 'CN')} records from CN vendors")
    if args.corpus:
        for b, status, found, extra in check_corpus(db, args.corpus):
            print(f"\n{status:4} {b}\n     detected: {found}\n     not in expect: {extra}")
    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
