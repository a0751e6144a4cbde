#!/usr/bin/env python3
"""Builds a large composite APK from the corpus apps' own entries, for the speed benchmarks.

    bench/make-composite-apk.py OUT.apk [--corpus ../shared/corpus] [--min-mb 220]

The APK is assembled from real entries only (../shared/corpus, see its README.md and
labels.json): the base manifest and resources of one corpus app, then every corpus app's DEX
files renamed classes.dex, classes2.dex ... classesN.dex, every native library of every ABI
renamed to a unique lib/arm64-v8a/lib<app>_<n>_<name>.so, and the text assets (JS, HTML, JSON)
the apps carry under assets/. The set is repeated (with new names) until the file is at least
--min-mb megabytes. Entries are deflate-compressed (level 6, as aapt/zipflinger write them), so
reading the APK costs the inflate a real one does. Nothing is written except OUT; OUT is a
benchmark input and is never committed (the corpus is third-party code).
"""

import argparse
import json
import os
import re
import sys
import zipfile

BASE_APP = "android/tourism_ke.apk"  # the manifest and resources of a real app with many SDKs
TEXT_SUFFIXES = (".js", ".json", ".html", ".htm", ".properties", ".txt")


def corpus_apps(corpus):
    labels = json.load(open(os.path.join(corpus, "labels.json")))
    names = sorted(n for n in labels["bundles"] if n.startswith("android/") and n.endswith(".apk"))
    return [n for n in names if os.path.exists(os.path.join(corpus, n))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    ap.add_argument("--min-mb", type=float, default=220.0)
    ap.add_argument("--level", type=int, default=6)
    args = ap.parse_args()

    apps = corpus_apps(args.corpus)
    if not apps:
        sys.exit(f"no corpus apps under {args.corpus}")
    dexes, libs, texts = [], [], []  # (app stem, entry name, bytes)
    for app in apps:
        stem = re.sub(r"[^A-Za-z0-9]+", "_", os.path.basename(app)[:-4])
        with zipfile.ZipFile(os.path.join(args.corpus, app)) as z:
            for info in z.infolist():
                n = info.filename
                if re.fullmatch(r"classes\d*\.dex", n):
                    dexes.append((stem, n, z.read(info)))
                elif n.startswith("lib/") and n.endswith(".so"):
                    libs.append((stem, n, z.read(info)))
                elif n.startswith("assets/") and n.endswith(TEXT_SUFFIXES) and info.file_size < (4 << 20):
                    texts.append((stem, n, z.read(info)))

    target = int(args.min_mb * (1 << 20))
    tmp = args.out + ".part"
    dex_n = 1
    lib_n = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=args.level) as out:
        with zipfile.ZipFile(os.path.join(args.corpus, BASE_APP)) as base:
            for name in ("AndroidManifest.xml", "resources.arsc"):
                out.writestr(name, base.read(name))
        round_no = 0
        while True:
            round_no += 1
            for stem, _, data in dexes:
                out.writestr("classes.dex" if dex_n == 1 else f"classes{dex_n}.dex", data)
                dex_n += 1
            for stem, name, data in libs:
                lib_n += 1
                abi = name.split("/")[1].replace("-", "_")
                out.writestr(f"lib/arm64-v8a/lib{stem}_{abi}_{round_no}_{os.path.basename(name)[3:]}", data)
            for stem, name, data in texts:
                out.writestr(f"assets/bench{round_no}/{stem}/{name[len('assets/'):]}", data)
            out.fp.flush()
            if out.fp.tell() >= target:
                break
    os.replace(tmp, args.out)
    size = os.path.getsize(args.out)
    print(f"{args.out}: {size / (1 << 20):.1f} MB, {dex_n - 1} DEX files, {lib_n} native libraries, "
          f"{len(texts) * round_no} text assets, {round_no} rounds of {len(apps)} corpus apps")


if __name__ == "__main__":
    main()
