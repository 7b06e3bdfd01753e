#!/usr/bin/env bash
# Wall time and peak RSS of `slimcheck analyze`, dive and the raw
# decompression floor on two generated docker-archives, side by side.
# See internal/bench/README.md.
#
# Usage: scripts/bench.sh            (run by `make bench`)
# Environment:
#   BENCH_OUT   work directory for binaries and images (default bench-out)
#   KINDS       images to measure (default "big many")
#   RUNS        runs of the fast tools; the fastest is reported (default 5)
#   DIVE_RUNS   runs of dive (default 1; it is slow)
#   DIVE        a dive v0.13.1 binary to use instead of building one
#   SKIP_DIVE=1 leave dive out
set -euo pipefail
cd "$(dirname "$0")/.."

TIME=/usr/bin/time
if ! "$TIME" -v true >/dev/null 2>&1; then
  echo "bench: GNU time is needed at $TIME to measure wall time and peak RSS." >&2
  echo "bench: install it with: sudo apt-get install time   (Fedora: sudo dnf install time, Alpine: apk add time)" >&2
  exit 1
fi

out=${BENCH_OUT:-bench-out}
kinds=${KINDS:-big many}
runs=${RUNS:-5}
dive_runs=${DIVE_RUNS:-1}
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo "== building slimcheck, the floor and the generator"
go build -o "$out/slimcheck" ./cmd/slimcheck
go build -o "$out/floor" ./internal/bench/floor
go build -o "$out/gen" ./internal/bench/gen
dive=${DIVE:-}
if [ -z "${SKIP_DIVE:-}" ] && [ -z "$dive" ]; then
  dive=$out/dive
  if ! go version -m "$dive" 2>/dev/null | grep -qE '^\s+mod\s+github.com/wagoodman/dive\s+v0\.13\.1\s'; then
    echo "== building dive v0.13.1 (once)"
    GOBIN=$out go install github.com/wagoodman/dive@v0.13.1
  fi
fi
# dive --ci fails the run when its rules fail; the benchmark measures, it
# does not judge, so every rule is disabled.
cat >"$out/dive-ci.yaml" <<'EOF'
rules:
  lowestEfficiency: disabled
  highestWastedBytes: disabled
  highestUserWastedPercent: disabled
EOF

# Images are regenerated only when the generator's sources change.
stamp=$(ls internal/bench/*.go internal/bench/gen/*.go | grep -v '_test\.go$' | xargs cat | sha256sum | cut -c1-16)
for kind in $kinds; do
  archive=$out/$kind.tar
  if [ ! -f "$archive" ] || [ "$(cat "$archive.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "== generating $archive"
    "$out/gen" -kind "$kind" -o "$archive" >/dev/null
    echo "$stamp" >"$archive.stamp"
  fi
  "$out/gen" -kind "$kind" -plan
done

# measure LABEL CMD...: runs CMD under GNU time and sets wall, cpu, rss, rc.
measure() {
  local label=$1
  shift
  rc=0
  "$TIME" -v -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || rc=$?
  wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$out/time.txt")
  cpu=$(awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2} END {printf "%.2f", u + s}' "$out/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$out/time.txt")
  echo "   $label: ${wall} s wall, ${cpu} s cpu, ${rss} MB peak RSS (exit $rc)"
}

# best LABEL N CMD...: the fastest of N runs (its CPU time), the largest RSS.
best() {
  local label=$1 n=$2
  shift 2
  local bw="" bc="" br=0
  for _ in $(seq "$n"); do
    measure "$label" "$@"
    if [ "$rc" != 0 ] && [ "$label" != dive ]; then
      echo "bench: $label failed:" >&2
      cat "$out/stderr.txt" >&2
      exit 1
    fi
    if [ -z "$bw" ] || awk -v a="$wall" -v b="$bw" 'BEGIN {exit !(a < b)}'; then bw=$wall bc=$cpu; fi
    br=$(awk -v a="$rss" -v b="$br" 'BEGIN {print (a > b) ? a : b}')
  done
  wall=$bw cpu=$bc rss=$br
}

echo "== measuring on $(nproc) CPUs (load average: $(cut -d' ' -f1-3 /proc/loadavg)), fastest of $runs runs, dive $dive_runs"
rows=()
for kind in $kinds; do
  archive=$out/$kind.tar
  cat "$archive" >/dev/null # every tool starts from a warm page cache
  best floor "$runs" "$out/floor" "$archive"
  fw=$wall
  rows+=("$kind floor $wall $cpu $rss")
  best floor+hash "$runs" "$out/floor" -hash "$archive"
  fhw=$wall fhc=$cpu
  rows+=("$kind floor+hash $wall $cpu $rss")
  # The same with slimcheck's tar reader (analyze/tarstream): how much of
  # slimcheck's margin over floor+hash comes from reading headers faster.
  best floor+h+ts "$runs" "$out/floor" -hash -stream "$archive"
  fsw=$wall
  rows+=("$kind floor+h+ts $wall $cpu $rss")
  best slimcheck "$runs" "$out/slimcheck" analyze "docker-archive:$archive"
  rows+=("$kind slimcheck $wall $cpu $rss")
  sw=$wall srss=$rss
  if [ -n "$dive" ]; then
    best dive "$dive_runs" "$dive" --ci --ci-config "$out/dive-ci.yaml" --source docker-archive "$archive"
    rows+=("$kind dive $wall $cpu $rss")
    eval "dive_${kind}=\"$wall $rss\""
  fi
  eval "floor_${kind}=\"$fw $fhw $fhc $fsw\""
  eval "slim_${kind}=\"$sw $srss\""
done

echo
echo "== results ($(date -u +%Y-%m-%d), load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-11s %8s %7s %12s %8s %13s %12s\n' image tool "wall s" "cpu s" "peak RSS MB" "x floor" "x floor+hash" "cpu x f+hash"
for row in "${rows[@]}"; do
  set -- $row
  eval "f=(\$floor_$1)"
  awk -v img="$1" -v tool="$2" -v w="$3" -v c="$4" -v r="$5" -v f="${f[0]}" -v fh="${f[1]}" -v fhc="${f[2]}" \
    'BEGIN {printf "%-6s %-11s %8.2f %7.2f %12.1f %8.2f %13.2f %12.2f\n", img, tool, w, c, r, w / f, w / fh, c / fhc}'
done

echo
echo "== the bar (slimcheck <= 1.15x floor+hash; faster than dive, >= 10x on many; RSS <= 1/4 of dive's)"
for kind in $kinds; do
  eval "f=(\$floor_$kind) s=(\$slim_$kind)"
  awk -v k="$kind" -v s="${s[0]}" -v fh="${f[1]}" 'BEGIN {r = s / fh; printf "%-5s slimcheck / floor+hash wall  %6.2fx  %s\n", k, r, (r <= 1.15) ? "ok" : "MISS"}'
  awk -v k="$kind" -v s="${s[0]}" -v fs="${f[3]}" 'BEGIN {printf "%-5s slimcheck / floor+h+ts wall  %6.2fx  (the same floor read with slimcheck'"'"'s tar reader; not the bar)\n", k, s / fs}'
  if [ -n "$dive" ]; then
    eval "d=(\$dive_$kind)"
    awk -v k="$kind" -v s="${s[0]}" -v d="${d[0]}" 'BEGIN {r = d / s; want = (k == "many") ? 10 : 1; printf "%-5s dive / slimcheck wall        %6.2fx  %s (want >= %dx)\n", k, r, (r >= want && d > s) ? "ok" : "MISS", want}'
    awk -v k="$kind" -v s="${s[1]}" -v d="${d[1]}" 'BEGIN {r = s / d; printf "%-5s slimcheck / dive peak RSS    %6.2fx  %s (want <= 0.25x)\n", k, r, (r <= 0.25) ? "ok" : "MISS"}'
  fi
done
