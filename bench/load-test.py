#!/usr/bin/env python3
"""Load test for `sdkscope serve` (docs/serve.md, "Load test").

Uploads the corpus apps (../shared/corpus, the bundles listed in its labels.json) to a review
service on loopback, from this second process: N requests in all (the corpus repeated), at most C
at a time, each upload followed by polling its scan until done. Reports throughput, latency
percentiles (p50 / p90 / p99) for the upload (request sent -> 202) and for completion (request
sent -> status done), and every error; then GETs every scan id and checks it is stored as done.
Exit 0 only when there was no error and every scan is done.

With --server BIN it starts `BIN serve` itself on 127.0.0.1 (a free port, a fresh SQLite
database in a temp dir) and stops it with SIGTERM at the end; with --url it uses a running one.
Loopback only: any other address is refused. Bounded in requests and in time (--deadline).

  python3 bench/load-test.py --server build/sdkscope --requests 500 --concurrency 16
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def corpus_files(corpus):
    labels = os.path.join(corpus, "labels.json")
    with open(labels, encoding="utf-8") as f:
        bundles = json.load(f)["bundles"]
    files = []
    for rel in sorted(bundles):
        path = os.path.join(corpus, rel)
        if os.path.isfile(path):
            files.append(path)
    return files


class Conn(threading.local):
    """One keep-alive connection per client thread."""

    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.c = None

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        for attempt in range(2):
            # A reused keep-alive connection may have been closed by the server while idle: retry
            # once on a fresh one. A fresh connection that fails is an error.
            fresh = self.c is None
            if fresh:
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=300)
            try:
                self.c.request(method, path, body=body, headers=h)
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.c.close()
                    self.c = None
                return r.status, data, r
            except (ConnectionError, http.client.HTTPException, OSError):
                self.c.close()
                self.c = None
                if fresh or attempt == 1:
                    raise
        raise RuntimeError("unreachable")


def start_server(binary, jobs, queue, workdir, db):
    err_path = os.path.join(workdir, "serve.log")
    err = open(err_path, "wb")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--db", db or "sqlite:" + os.path.join(workdir, "load.db"),
         "--jobs", str(jobs), "--queue", str(queue)],
        stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(err_path, "rb") as f:
            m = re.search(rb"serving on http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return proc, int(m.group(1)), err_path
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    sys.exit("load-test: the server did not start; see " + err_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8080", help="a running server (loopback only)")
    ap.add_argument("--server", help="start BIN serve on a free loopback port instead of using --url")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="--jobs for a started server")
    ap.add_argument("--queue", type=int, default=32, help="--queue for a started server")
    ap.add_argument("--db", help="--db for a started server (default: a fresh SQLite file in a temp dir)")
    ap.add_argument("--token", default=os.environ.get("SDKSCOPE_TOKEN", ""), help="bearer token (or $SDKSCOPE_TOKEN)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between status polls")
    ap.add_argument("--deadline", type=float, default=3600, help="give up after this many seconds")
    ap.add_argument("--json", help="also write the summary as JSON to this file")
    args = ap.parse_args()

    files = corpus_files(args.corpus)
    if not files:
        sys.exit("load-test: no corpus bundles under " + args.corpus)
    blobs = {}
    for p in files:
        with open(p, "rb") as f:
            blobs[p] = f.read()

    proc = None
    workdir = tempfile.mkdtemp(prefix="sdkscope-load-")
    if args.server:
        proc, port, log_path = start_server(args.server, args.jobs, args.queue, workdir, args.db)
        host = "127.0.0.1"
    else:
        u = urllib.parse.urlparse(args.url)
        host, port = u.hostname, u.port or 80
        if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
            sys.exit("load-test: loopback addresses only")
        log_path = None

    conn = Conn(host, port, args.token)
    started = time.time()
    hard_deadline = started + args.deadline
    lock = threading.Lock()
    errors = []
    upload_lat, done_lat = [], []
    ids = []
    statuses = {}
    throttled = [0]

    def one(i):
        path = files[i % len(files)]
        name = os.path.basename(path)
        t0 = time.time()
        while True:
            if time.time() > hard_deadline:
                raise RuntimeError("deadline")
            status, body, r = conn.request("POST", "/api/v1/scans?filename=" + urllib.parse.quote(name), blobs[path],
                                           {"Content-Type": "application/octet-stream"})
            if status == 429:  # back-pressure, not an error: wait as told
                with lock:
                    throttled[0] += 1
                time.sleep(float(r.getheader("Retry-After", "1")))
                continue
            break
        t_up = time.time()
        if status != 202:
            raise RuntimeError(f"{name}: upload status {status}: {body[:200]!r}")
        sid = json.loads(body)["id"]
        while True:
            if time.time() > hard_deadline:
                raise RuntimeError(f"{name}: deadline while waiting for {sid}")
            st, b, _ = conn.request("GET", "/api/v1/scans/" + sid)
            if st != 200:
                raise RuntimeError(f"{name}: status poll {st}")
            j = json.loads(b)
            if j["status"] in ("done", "error"):
                break
            time.sleep(args.poll)
        t_done = time.time()
        with lock:
            upload_lat.append(t_up - t0)
            done_lat.append(t_done - t0)
            ids.append(sid)
            statuses[j["status"]] = statuses.get(j["status"], 0) + 1
            if j["status"] != "done":
                errors.append(f"{name}: scan {sid} ended {j['status']}: {j.get('error')}")
        return sid

    try:
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            futures = [pool.submit(one, i) for i in range(args.requests)]
            for f in as_completed(futures):
                try:
                    f.result()
                except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                    with lock:
                        errors.append(str(e))
        elapsed = time.time() - started

        # Every result stored: GET each id -> done.
        stored_done = [0]
        missing = []

        def check(sid):
            st, b, _ = conn.request("GET", "/api/v1/scans/" + sid)
            ok = st == 200 and json.loads(b)["status"] == "done"
            with lock:
                if ok:
                    stored_done[0] += 1
                else:
                    missing.append(sid)

        with ThreadPoolExecutor(max_workers=min(8, args.concurrency)) as pool:
            list(pool.map(check, ids))
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()

    total_bytes = sum(len(blobs[files[i % len(files)]]) for i in range(args.requests))
    summary = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "corpus_bundles": len(files),
        "uploaded_mib": round(total_bytes / 2**20, 1),
        "elapsed_s": round(elapsed, 2),
        "throughput_scans_per_s": round(len(done_lat) / elapsed, 2) if elapsed else 0,
        "throughput_mib_per_s": round(total_bytes / 2**20 / elapsed, 2) if elapsed else 0,
        "upload_ms": {p: round(percentile(upload_lat, q) * 1000, 1) for p, q in (("p50", 50), ("p90", 90), ("p99", 99))},
        "completion_ms": {p: round(percentile(done_lat, q) * 1000, 1) for p, q in (("p50", 50), ("p90", 90), ("p99", 99))},
        "scan_status": statuses,
        "throttled_429": throttled[0],
        "errors": len(errors),
        "stored_done": stored_done[0],
        "not_stored_done": len(missing),
        "server_exit": proc.returncode if proc else None,
    }
    if args.server:
        summary["server_jobs"] = args.jobs
        summary["server_db"] = (args.db or "sqlite").split(":")[0]
    print(f"{summary['requests']} uploads of {summary['corpus_bundles']} corpus bundles ({summary['uploaded_mib']} MiB), "
          f"concurrency {args.concurrency}: {summary['elapsed_s']} s")
    print(f"throughput: {summary['throughput_scans_per_s']} scans/s, {summary['throughput_mib_per_s']} MiB/s uploaded")
    print("upload latency (ms):     p50 {p50}  p90 {p90}  p99 {p99}".format(**summary["upload_ms"]))
    print("completion latency (ms): p50 {p50}  p90 {p90}  p99 {p99}".format(**summary["completion_ms"]))
    print(f"scan status: {statuses}; 429 retries: {throttled[0]}; errors: {len(errors)}; "
          f"stored and done on re-read: {stored_done[0]}/{len(ids)}")
    for e in errors[:20]:
        print("  error:", e)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
    ok = not errors and not missing and len(ids) == args.requests and stored_done[0] == args.requests
    if proc and proc.returncode != 0:
        print(f"server exited {proc.returncode}")
        ok = False
    if ok:
        shutil.rmtree(workdir, ignore_errors=True)
    elif log_path:
        print(f"server log and database kept in {workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
