#!/usr/bin/env bash
# Speed and scale benchmarks (issue 8). Results and how to read them: bench/README.md.
#
#   bench/run.sh [BUILD_DIR] [WORK_DIR]
#
# BUILD_DIR defaults to build/ (a RelWithDebInfo or Release build of sdkscope); WORK_DIR (default
# /tmp/sdkscope-bench) receives the composite APK, the extracted DEX files and the results, and
# is never inside the repository. Needs hyperfine, unzip, dexdump, GNU time (/usr/bin/time) and
# the corpus (../shared/corpus). Nothing here asserts a time: it measures and prints.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
work="${2:-/tmp/sdkscope-bench}"
corpus="${SDKSCOPE_CORPUS:-$repo/../shared/corpus}"
sdkscope="$build/sdkscope"
runs="${BENCH_RUNS:-5}"

for tool in hyperfine unzip dexdump /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
[[ -x "$sdkscope" ]] || { echo "bench: $sdkscope not built" >&2; exit 2; }
[[ -d "$corpus" ]] || { echo "bench: corpus not found at $corpus" >&2; exit 2; }
mkdir -p "$work"
big="$work/composite.apk"

echo "== machine"
nproc
uptime
"$sdkscope" --version || true
# How many CPUs this run really gets (a shared machine may give fewer than nproc): two busy
# processes at once against one alone. 2.0 = two free cores.
cpu_capacity() {
  local f="$1" t1 t2
  t1=$( { /usr/bin/time -f %e sha256sum "$f" >/dev/null; } 2>&1 )
  t2=$( { /usr/bin/time -f %e sh -c "sha256sum '$f' >/dev/null & sha256sum '$f' >/dev/null; wait"; } 2>&1 )
  python3 -c "print(f'parallel capacity: {2 * $t1 / $t2:.2f} CPUs (1 job {$t1} s, 2 jobs {$t2} s)')"
}

# 1. The composite APK (>= 200 MB), built once.
if [[ ! -f "$big" ]]; then
  python3 "$here/make-composite-apk.py" "$big" --corpus "$corpus"
fi
ls -l "$big"
cpu_capacity "$big"

# 2. The DEX files of the composite, extracted outside any timing, for dexdump.
dexdir="$work/dex"
if [[ ! -d "$dexdir" ]]; then
  mkdir -p "$dexdir.part"
  unzip -q -o "$big" 'classes*.dex' -d "$dexdir.part"
  mv "$dexdir.part" "$dexdir"
fi
ndex=$(ls "$dexdir"/classes*.dex | wc -l)
echo "DEX files: $ndex"

# 3. Side by side in one hyperfine run: the full scan (default threads and threads=1), the
#    inflate floor (unzip -p: every entry inflated, nothing parsed) and dexdump over the same
#    DEX files (what an Exodus-style class listing runs: plain dexdump, class and method
#    headers, no disassembly).
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/large-apk.md" --export-json "$work/large-apk.json" \
  -n "sdkscope scan (default threads)" "'$sdkscope' scan --format json -o /dev/null '$big'" \
  -n "sdkscope scan (SDKSCOPE_THREADS=1)" "SDKSCOPE_THREADS=1 '$sdkscope' scan --format json -o /dev/null '$big'" \
  -n "unzip -p (inflate floor)" "unzip -p '$big' > /dev/null" \
  -n "dexdump (all classes*.dex)" "dexdump '$dexdir'/classes*.dex > /dev/null"

# 4. Peak memory (maximum resident set size) of the full scan, both thread settings.
for threads in default 1; do
  env_threads=()
  [[ "$threads" == 1 ]] && env_threads=(SDKSCOPE_THREADS=1)
  /usr/bin/time -v env "${env_threads[@]}" "$sdkscope" scan --format json -o /dev/null "$big" 2>"$work/time-$threads.txt" || true
  echo "threads=$threads: $(grep -E 'Maximum resident set size' "$work/time-$threads.txt")," \
       "$(grep -E 'Elapsed \(wall clock\)' "$work/time-$threads.txt" | sed 's/.*: //') wall"
done
# Same bytes whatever the threads (the tests check every fixture; this checks the big one).
"$sdkscope" scan --format json -o "$work/report-default.json" "$big"
SDKSCOPE_THREADS=1 "$sdkscope" scan --format json -o "$work/report-1.json" "$big"
cmp "$work/report-default.json" "$work/report-1.json" && echo "reports identical (default threads vs 1)"

# 5. Batch throughput over the whole corpus: --jobs 1 vs --jobs 2.
list="$work/corpus-list.txt"
find "$corpus" -type f \( -name '*.apk' -o -name '*.aab' -o -name '*.ipa' -o -name '*.zip' -o -name '*.aar' -o -name '*.jar' -o -name '*.so' -o -name '*.a' \) | sort > "$list"
napps=$(wc -l < "$list")
echo "corpus inputs: $napps"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/batch.md" --export-json "$work/batch.json" \
  -n "batch --jobs 1 (SDKSCOPE_THREADS=1)" "SDKSCOPE_THREADS=1 '$sdkscope' scan --from-list '$list' --jobs 1 -o '$work/batch-0.jsonl'" \
  -n "batch --jobs 1" "'$sdkscope' scan --from-list '$list' --jobs 1 -o '$work/batch-1.jsonl'" \
  -n "batch --jobs 2" "'$sdkscope' scan --from-list '$list' --jobs 2 -o '$work/batch-2.jsonl'"
python3 - "$work/batch.json" "$napps" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
for r in data["results"]:
    print(f'{r["command"]}: mean {r["mean"]:.2f} s, {n / r["mean"]:.1f} apps/s')
EOF
cmp "$work/batch-1.jsonl" "$work/batch-2.jsonl" && echo "batch outputs identical (--jobs 1 vs 2)"

cpu_capacity "$big"
echo "== results in $work (large-apk.md, batch.md, time-*.txt)"
cat "$work/large-apk.md" "$work/batch.md"
