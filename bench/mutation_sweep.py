#!/usr/bin/env python3
"""Mutation sweep of the whole CLI over the real corpus (docs/fuzzing.md, "Mutation sweep").

Every bundle listed in ../shared/corpus/labels.json is mutated, from a fixed seed, by
  flip        1-64 random bytes changed (half the cases anywhere, half in the last 64 KiB,
              where the zip central directory lives)
  truncate    cut at a random offset
  drop        one entry removed                     (python zipfile rewrite)
  duplicate   one entry written twice
  rename      one entry renamed (to a sibling's name, "../" + name, a non-UTF-8 name, ...)
  recompress  one entry stored <-> deflated, or deflated at another level
  corrupt     bytes flipped inside one entry's content, the archive rewritten around it, so the
              damage reaches the parser behind the zip layer (manifest, DEX, resources, Mach-O ...)
and each mutant is scanned twice with `sdkscope scan --format json --basename` under a timeout
and RLIMIT_AS. Counted: crashes (killed by a signal, or an exit code outside {0, 2}), timeouts,
and non-deterministic results (the two runs' exit codes or stdout bytes differ). All three must
be zero; the exit status says whether they are.
"""
import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
import warnings
import zipfile

warnings.filterwarnings("ignore", message="Duplicate name", category=UserWarning)  # duplicates are the point

KINDS = ["flip", "truncate", "drop", "duplicate", "rename", "recompress", "corrupt"]
# Entry-level kinds need a zip; weights favour "corrupt" (it reaches the parsers).
WEIGHTS = {"flip": 3, "truncate": 1, "drop": 1, "duplicate": 1, "rename": 1, "recompress": 1, "corrupt": 4}


def pick_entry(rng, infos):
    # Prefer the entries the scanner reads (manifests, code, resources, binaries, plists).
    keen = [i for i in infos if not i.is_dir() and (
        i.filename.endswith((".dex", ".xml", ".arsc", ".pb", ".so", ".plist", ".apk", ".jar", ".json"))
        or "/" not in i.filename.rstrip("/") or ".app/" in i.filename)]
    pool = keen if keen and rng.random() < 0.8 else [i for i in infos if not i.is_dir()] or infos
    return rng.choice(pool)


def rewrite(src, rng, kind):
    """Entry-level mutation through zipfile. Returns (bytes, description)."""
    zin = zipfile.ZipFile(io.BytesIO(src))
    infos = zin.infolist()
    if not infos:
        return src, "empty archive (unchanged)"
    target = pick_entry(rng, infos)
    out = io.BytesIO()
    desc = ""
    with zipfile.ZipFile(out, "w") as zout:
        for info in infos:
            data = zin.read(info)
            ninfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            ninfo.compress_type = info.compress_type
            ninfo.external_attr = info.external_attr
            ninfo.create_system = info.create_system
            if info is target:
                if kind == "drop":
                    desc = f"drop {info.filename}"
                    continue
                if kind == "duplicate":
                    desc = f"duplicate {info.filename}"
                    zout.writestr(ninfo, data)
                elif kind == "rename":
                    others = [i.filename for i in infos if i is not info and not i.is_dir()]
                    choice = rng.randrange(5)
                    if choice == 0 and others:
                        ninfo.filename = rng.choice(others)  # now a duplicate of another name
                    elif choice == 1:
                        ninfo.filename = "../" + info.filename
                    elif choice == 2:
                        ninfo.filename = info.filename + "\u00e9\u4e2d"  # non-ASCII (zipfile writes UTF-8 + flag)
                    elif choice == 3:
                        ninfo.filename = info.filename.upper()
                    else:
                        ninfo.filename = "/" + info.filename
                    desc = f"rename {info.filename} -> {ninfo.filename!r}"
                elif kind == "recompress":
                    if info.compress_type == zipfile.ZIP_STORED:
                        ninfo.compress_type = zipfile.ZIP_DEFLATED
                        level = rng.choice([1, 9])
                    else:
                        ninfo.compress_type = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
                        level = rng.choice([0, 1, 9])
                    desc = f"recompress {info.filename} as {ninfo.compress_type}/{level}"
                    zout.writestr(ninfo, data, compresslevel=level)
                    continue
                elif kind == "corrupt":
                    buf = bytearray(data)
                    n = 0
                    if buf:
                        n = rng.randint(1, 16)
                        # Headers and tables sit at the front of most formats: half the flips land there.
                        for _ in range(n):
                            region = min(len(buf), 512) if rng.random() < 0.5 else len(buf)
                            buf[rng.randrange(region)] = rng.randrange(256)
                        if rng.random() < 0.15:
                            del buf[rng.randrange(len(buf) + 1):]
                    data = bytes(buf)
                    desc = f"corrupt {info.filename} ({n} bytes)"
            zout.writestr(ninfo, data)
    return out.getvalue(), desc


def mutate(src, rng, kind):
    if kind == "flip":
        buf = bytearray(src)
        n = rng.randint(1, 64)
        tail = rng.random() < 0.5
        for _ in range(n):
            lo = max(0, len(buf) - 65536) if tail else 0
            buf[rng.randrange(lo, len(buf))] = rng.randrange(256)
        return bytes(buf), f"flip {n} bytes{' in the last 64 KiB' if tail else ''}"
    if kind == "truncate":
        at = rng.randrange(len(src))
        return src[:at], f"truncate to {at} bytes"
    return rewrite(src, rng, kind)


def limit_as(mb):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
        os.setsid()
    return apply


EXTRA_ARGS = []


def run_scan(binary, path, timeout, as_mb, out_path):
    """One scan. Returns (status, exit_code_or_signal, seconds, max_rss_kb, stdout_bytes)."""
    start = time.monotonic()
    with open(out_path, "wb") as out:
        pid = os.fork()
        if pid == 0:
            try:
                limit_as(as_mb)()
                os.dup2(out.fileno(), 1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.execv(binary, [binary, "scan", "--format", "json", "--basename", *EXTRA_ARGS, path])
            finally:
                os._exit(127)
        while True:
            wpid, status, ru = os.wait4(pid, os.WNOHANG)
            if wpid == pid:
                break
            if time.monotonic() - start > timeout:
                os.killpg(pid, signal.SIGKILL)
                _, status, ru = os.wait4(pid, 0)
                return "timeout", None, time.monotonic() - start, ru.ru_maxrss, b""
            time.sleep(0.005)
    seconds = time.monotonic() - start
    with open(out_path, "rb") as f:
        stdout = f.read()
    if os.WIFSIGNALED(status):
        return "signal", os.WTERMSIG(status), seconds, ru.ru_maxrss, stdout
    return "exit", os.WEXITSTATUS(status), seconds, ru.ru_maxrss, stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cases", type=int, default=2000, help="total mutants (spread evenly over the bundles)")
    ap.add_argument("--seed", type=int, default=20240901)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per scan")
    ap.add_argument("--as-mb", type=int, default=4096, help="RLIMIT_AS per scan, MiB")
    ap.add_argument("--failures", help="directory to copy failing mutants into (kept for reproduction)")
    ap.add_argument("--summary", help="write the summary table (Markdown) here too")
    ap.add_argument("--only", help="comma-separated bundle paths (labels.json keys) to restrict to")
    ap.add_argument("--signatures", help="signature database directory passed to the scanner")
    args = ap.parse_args()
    if args.signatures:
        EXTRA_ARGS.extend(["--signatures", args.signatures])

    labels = json.load(open(os.path.join(args.corpus, "labels.json")))
    bundles = sorted(labels["bundles"])
    if args.only:
        keep = set(args.only.split(","))
        bundles = [b for b in bundles if b in keep]
    per = [args.cases // len(bundles) + (1 if i < args.cases % len(bundles) else 0) for i in range(len(bundles))]
    kinds = [k for k in KINDS for _ in range(WEIGHTS[k])]
    work = tempfile.mkdtemp(prefix="sdkscope-sweep-")
    rows = []
    failures = []
    totals = dict(cases=0, exit0=0, exit2=0, crash=0, timeout=0, nondet=0)
    max_seconds, max_rss = 0.0, 0
    started = time.monotonic()
    try:
        for b_index, (bundle, count) in enumerate(zip(bundles, per)):
            src = open(os.path.join(args.corpus, bundle), "rb").read()
            # The unmutated bundle must scan (exit 0): otherwise every mutant fails for the same
            # reason (a stale binary, an invalid signature database) and the sweep measures nothing.
            base = run_scan(args.bin, os.path.join(args.corpus, bundle), args.timeout, args.as_mb, os.path.join(work, "out1"))
            if base[0] != "exit" or base[1] != 0:
                print(f"mutation-sweep: the unmutated {bundle} does not scan ({base[0]} {base[1]}); fix that first",
                      file=sys.stderr)
                return 2
            row = dict(bundle=bundle, cases=0, exit0=0, exit2=0, crash=0, timeout=0, nondet=0, max_s=0.0, max_rss=0)
            kind_counts = {}
            for case in range(count):
                rng = random.Random(f"{args.seed}:{bundle}:{case}")
                kind = rng.choice(kinds)
                try:
                    data, desc = mutate(src, rng, kind)
                except Exception as e:  # a mutation python cannot express: fall back to flips
                    kind = "flip"
                    data, desc = mutate(src, rng, kind)
                    desc += f" (entry mutation failed: {type(e).__name__})"
                kind_counts[kind] = kind_counts.get(kind, 0) + 1
                path = os.path.join(work, os.path.basename(bundle))
                with open(path, "wb") as f:
                    f.write(data)
                r1 = run_scan(args.bin, path, args.timeout, args.as_mb, os.path.join(work, "out1"))
                r2 = run_scan(args.bin, path, args.timeout, args.as_mb, os.path.join(work, "out2"))
                row["cases"] += 1
                problem = None
                for r in (r1, r2):
                    if r[2] > row["max_s"]:
                        row["slowest"] = f"case {case} [{desc}]"
                    row["max_s"] = max(row["max_s"], r[2])
                    row["max_rss"] = max(row["max_rss"], r[3])
                if r1[0] == "timeout" or r2[0] == "timeout":
                    row["timeout"] += 1
                    problem = "timeout"
                elif r1[0] == "signal" or r2[0] == "signal" or r1[1] not in (0, 2) or r2[1] not in (0, 2):
                    row["crash"] += 1
                    problem = f"crash ({r1[0]} {r1[1]}, {r2[0]} {r2[1]})"
                elif r1[1] != r2[1] or r1[4] != r2[4]:
                    row["nondet"] += 1
                    problem = "non-deterministic output"
                else:
                    row["exit0" if r1[1] == 0 else "exit2"] += 1
                if problem:
                    failures.append(f"{bundle} case {case} [{desc}]: {problem}")
                    if args.failures:
                        os.makedirs(args.failures, exist_ok=True)
                        shutil.copy(path, os.path.join(args.failures, f"{os.path.basename(bundle)}.case{case}"))
            for k in totals:
                totals[k] += row[k]
            max_seconds = max(max_seconds, row["max_s"])
            max_rss = max(max_rss, row["max_rss"])
            row["kinds"] = kind_counts
            rows.append(row)
            print(f"[{b_index + 1}/{len(bundles)}] {bundle}: {row['cases']} cases, exit 0/2 {row['exit0']}/{row['exit2']}, "
                  f"crash {row['crash']}, timeout {row['timeout']}, nondet {row['nondet']}, "
                  f"max {row['max_s']:.2f} s {row['max_rss'] // 1024} MiB", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    elapsed = time.monotonic() - started
    lines = [
        f"Seed {args.seed}, {totals['cases']} mutants x 2 runs, timeout {args.timeout:g} s, RLIMIT_AS {args.as_mb} MiB, "
        f"{elapsed / 60:.1f} min wall clock.",
        "",
        "| bundle | cases | exit 0 | exit 2 | crashes | timeouts | non-deterministic | slowest scan | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['bundle']} | {r['cases']} | {r['exit0']} | {r['exit2']} | {r['crash']} | {r['timeout']} | "
                     f"{r['nondet']} | {r['max_s']:.2f} s | {r['max_rss'] // 1024} MiB |")
    lines.append(f"| **total** | **{totals['cases']}** | {totals['exit0']} | {totals['exit2']} | **{totals['crash']}** | "
                 f"**{totals['timeout']}** | **{totals['nondet']}** | {max_seconds:.2f} s | {max_rss // 1024} MiB |")
    kinds_total = {}
    for r in rows:
        for k, v in r["kinds"].items():
            kinds_total[k] = kinds_total.get(k, 0) + v
    lines.append("")
    lines.append("Mutations: " + ", ".join(f"{k} {kinds_total.get(k, 0)}" for k in KINDS) + ".")
    slowest = max(rows, key=lambda r: r["max_s"], default=None)
    if slowest and slowest.get("slowest"):
        lines.append(f"Slowest scan: {slowest['bundle']} {slowest['slowest']}, {slowest['max_s']:.2f} s.")
    if failures:
        lines.append("")
        lines.append("Failures:")
        lines += [f"- {f}" for f in failures[:50]]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(text)
    return 1 if totals["crash"] or totals["timeout"] or totals["nondet"] else 0


if __name__ == "__main__":
    sys.exit(main())
