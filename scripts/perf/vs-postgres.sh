#!/usr/bin/env bash
# mallihaku against PostgreSQL full-text search on the same generated corpus and the same
# queries, in one run: ../shared/perf/gen.py makes N models (unless they exist), mallihaku-bench
# indexes them and times the views of ../shared/perf/pg_bench.py over HTTP, pg_bench.sh times
# PostgreSQL 15 on them, and the last table is PostgreSQL's p95 over ours, per view.
#
#   scripts/perf/vs-postgres.sh N [SEED]        e.g. scripts/perf/vs-postgres.sh 10000
#
# (SEED: gen.py's own default unless given; an existing DATA/nN is used as it is.)
#
# Env: MH_PERF_DATA (default /tmp/mallihaku-perf): the corpus goes to DATA/nN, as pg_bench.sh
#      expects; MH_PERF_RESULTS (default /tmp/mallihaku-perf/results): JSON and text results;
#      MH_BENCH_DATA (default /tmp/mallihaku-bench): mallihaku's index, reused while the corpus
#      is unchanged; REQUESTS (default 300): requests per view on each side.
# Needs: Go, python3, PostgreSQL 15 server binaries, python3-psycopg (apt-get install -y
# python3-psycopg). Nothing of ../shared/perf is copied: it is called where it is.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
perf="$(cd "$repo/../shared/perf" && pwd)"
n="${1:?usage: vs-postgres.sh N [SEED]}"
seed="${2:-}"
data="${MH_PERF_DATA:-/tmp/mallihaku-perf}/n$n"
results="${MH_PERF_RESULTS:-/tmp/mallihaku-perf/results}"
requests="${REQUESTS:-300}"
mkdir -p "$results"

if [ ! -s "$data/models.jsonl" ]; then
  echo "generating $n models (seed ${seed:-the gen.py default}) into $data" >&2
  python3 "$perf/gen.py" "$n" "$data" ${seed:+--seed "$seed"} --jobs "$(nproc)"
fi

echo "== mallihaku ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
(cd "$repo" && go run ./cmd/mallihaku-bench --data "${MH_BENCH_DATA:-/tmp/mallihaku-bench}" \
  --jsonl "$data/models.jsonl" --queries "$perf/queries.txt" --requests "$requests" \
  --out "$results/mallihaku-$n.json")

echo "== PostgreSQL (load average $(cut -d' ' -f1-3 /proc/loadavg))"
MH_PERF_DATA="$(dirname "$data")" MH_PERF_RESULTS="$results" \
  "$perf/pg_bench.sh" "$n" --seq "$requests" --clients 1 --views a,b,c,d,e

echo "== p95, PostgreSQL over mallihaku (above 1: mallihaku is faster)"
python3 - "$results/mallihaku-$n.json" "$results/pg-$n.json" <<'PY'
import json, sys
ours, pg = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:3])
print(f"{'view':<4} {'PostgreSQL p95 ms':>18} {'mallihaku p95 ms':>17} {'ratio':>7}  mallihaku's slowest query")
for v in "abcde":
    p, o = pg["views"][v]["seq"]["p95_ms"], ours["views"][v]
    print(f"{v:<4} {p:>18.1f} {o['p95_ms']:>17.2f} {p / o['p95_ms']:>7.1f}  {o['worst_query_p95_ms']:.2f} ms {o['worst_query']!r}")
print(f"mallihaku RSS {ours['rss_mb']} MB (peak {ours['peak_rss_mb']} MB), {ours['docs']} models")
PY
