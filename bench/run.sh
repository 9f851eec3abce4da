#!/usr/bin/env bash
# Benchmarks roadmap-audit (release binary) against its peers and its parse-only floor.
#
#   bench/run.sh                 # full run: 1k, 10k, 100k items in one file; 10k items over 200 files
#   bench/run.sh --quick         # 1k and 10k items in one file, fewer runs (a minute or two)
#   bench/run.sh --no-peers      # skip Spectral and yamllint (ratios against Spectral then reported as n/a)
#   bench/run.sh --work DIR      # generate into DIR (reused when already there) and keep it
#
# Environment:
#   ROADMAP_AUDIT=PATH   the binary to measure (default: target/release/roadmap-audit; build it with
#                        `cargo build --release`, or point at $CARGO_TARGET_DIR/release/roadmap-audit)
#   SPECTRAL=PATH        default bench/node_modules/.bin/spectral   (npm ci --prefix bench)
#   YAMLLINT=PATH        default yamllint                          (pip install -r bench/requirements.txt)
#   HYPERFINE=PATH       default hyperfine                         (apt-get install hyperfine)
#
# Writes hyperfine's JSON exports and the results (results.md) to the work directory, and prints the
# Markdown table with PASS/FAIL against the targets of BENCHMARKS.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${ROADMAP_AUDIT:-$ROOT/target/release/roadmap-audit}
SPECTRAL=${SPECTRAL:-$HERE/node_modules/.bin/spectral}
YAMLLINT=${YAMLLINT:-yamllint}
HYPERFINE=${HYPERFINE:-hyperfine}
AS_OF=2026-12-01
QUICK=0 PEERS=1 WORK= KEEP=0

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-peers) PEERS=0 ;;
    --work) WORK=$2; KEEP=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "bench/run.sh: $*" >&2; exit 2; }
[ -x "$BIN" ] || die "no binary at $BIN (cargo build --release, or set ROADMAP_AUDIT)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
command -v "$HYPERFINE" >/dev/null || die "hyperfine not found (apt-get install -y hyperfine)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install -y time)"
if [ "$PEERS" = 1 ]; then
  [ -x "$SPECTRAL" ] || die "Spectral not found at $SPECTRAL (npm ci --prefix bench), or pass --no-peers"
  command -v "$YAMLLINT" >/dev/null || die "yamllint not found (pip install -r bench/requirements.txt), or pass --no-peers"
fi

if [ -z "$WORK" ]; then WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadmap-bench.XXXXXX"); fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$WORK/inputs"; fi; }
trap cleanup EXIT
echo "work directory: $WORK" >&2

# The binary supports --jobs?  Then also measure --jobs 1 (the parallel speed-up).
JOBS=0
if "$BIN" --help 2>/dev/null | grep -q -- '--jobs'; then JOBS=1; fi

# ---------------------------------------------------------------- inputs
# Runs per command, adapted so a full run stays around 20 minutes on 2 cores: roadmap-audit and its floor
# take milliseconds to seconds; yamllint takes ~3 s per MB and Spectral ~1 s per MB.
# name items files | audit-runs floor-runs | yamllint-runs warmup | spectral-runs warmup
if [ "$QUICK" = 1 ]; then
  CASES=("1k 1000 1 10 10 2 0 3 1" "10k 10000 1 5 5 1 0 1 0")
else
  CASES=("1k 1000 1 30 30 5 1 5 1" "10k 10000 1 20 20 2 0 5 1" "100k 100000 1 7 7 1 0 3 0"
         "10k-200 10000 200 30 30 2 0 3 1")
fi

rm -rf "$WORK/results"
mkdir -p "$WORK/inputs" "$WORK/results"
for c in "${CASES[@]}"; do
  read -r name items files _ <<<"$c"
  dir=$WORK/inputs/$name
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    python3 "$HERE/gen_roadmap.py" --items "$items" --files "$files" --out "$dir" --as-of "$AS_OF" >&2
    touch "$dir/.done"
  fi
done

# The Spectral ruleset with the current schemas/roadmap.schema.json embedded.
RULESET=$WORK/spectral-ruleset.yaml
python3 "$HERE/sync_spectral_schema.py" --out "$RULESET"

# ---------------------------------------------------------------- machine
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "mem=$(free -g | awk '/^Mem:/{print $2" GiB"}')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "binary=$BIN"
  echo "binary_version=$("$BIN" --version 2>/dev/null || echo '?')"
  echo "jobs_flag=$JOBS"
  echo "hyperfine=$("$HYPERFINE" --version)"
  if [ "$PEERS" = 1 ]; then
    echo "spectral=$("$SPECTRAL" --version 2>/dev/null)"
    echo "yamllint=$("$YAMLLINT" --version 2>/dev/null)"
    echo "node=$(node --version 2>/dev/null)"
  fi
  echo "quick=$QUICK"
  echo "peers=$PEERS"
} >"$WORK/results/machine.env"

# ---------------------------------------------------------------- measure
AUDIT="$BIN --no-config --as-of $AS_OF --format json --fail-on never"
# Node's default heap is too small for the largest input; give Spectral room rather than a crash.
SPECTRAL_ENV="NODE_OPTIONS=--max-old-space-size=16384"

for c in "${CASES[@]}"; do
  read -r name items files ar fr yr yw sr sw <<<"$c"
  dir=$WORK/inputs/$name
  out=$WORK/results/$name
  echo "== $name: $items items in $files file(s), $(du -sb --exclude=.done "$dir" | cut -f1) bytes" >&2

  # One audit up front: it must run (exit 0 with --fail-on never) and find things; its findings are counted.
  "$BIN" --no-config --as-of $AS_OF --format json --fail-on never "$dir" >"$out.findings.json" \
    || die "roadmap-audit failed on $name (exit $?)"

  # hyperfine NAME RUNS WARMUP TOOL COMMAND [hyperfine flags]: the command is kept next to its results.
  measure() {
    local label=$1 runs=$2 warmup=$3 tool=$4 cmd=$5
    shift 5
    echo "$cmd" >"$out.$tool.cmd"
    "$HYPERFINE" -N --warmup "$warmup" --runs "$runs" "$@" --export-json "$out.$tool.json" -n "$label" "$cmd" >&2
  }
  # roadmap-audit, its --jobs 1 variant and the parse floor take turns, one run each per round (a hyperfine
  # call with --runs 1 per round; one warm-up round), so that their ratio is measured under the same machine
  # conditions: this VM's speed drifts by up to ±50% over minutes, which sequential blocks of runs turn into
  # noise in the ratio. The rounds are merged into one hyperfine export per command (merge_rounds.py), in
  # round order, so that report.py can also take each round's ratio (the median of those is the "paired"
  # ratio: the drift between rounds cancels out of it).
  tools=(audit floor)
  args=(-n roadmap-audit "$AUDIT $dir" -n "roadmap-audit parse" "$BIN parse --no-config $dir")
  echo "$AUDIT $dir" >"$out.audit.cmd"
  echo "$BIN parse --no-config $dir" >"$out.floor.cmd"
  if [ "$JOBS" = 1 ]; then
    tools+=(audit-jobs1)
    args+=(-n "roadmap-audit --jobs 1" "$AUDIT --jobs 1 $dir")
    echo "$AUDIT --jobs 1 $dir" >"$out.audit-jobs1.cmd"
  fi
  rounds=$(( ar > fr ? ar : fr ))
  echo "   $rounds rounds of: ${tools[*]}" >&2
  for ((i = 0; i <= rounds; i++)); do
    # Round 0 is the warm-up; its results are not kept.
    "$HYPERFINE" -N --runs 1 --style none --export-json "$out.round$i.json" "${args[@]}" >/dev/null 2>>"$out.rounds.log" \
      || die "hyperfine failed on $name (see $out.rounds.log)"
  done
  rm -f "$out.round0.json"
  python3 "$HERE/merge_rounds.py" "$out" "$rounds" "${tools[@]}"

  # Peak memory of the whole process (and of the floor), from the kernel's accounting.
  /usr/bin/time -v $AUDIT "$dir" 2>"$out.audit.time" >/dev/null || true
  /usr/bin/time -v "$BIN" parse --no-config "$dir" 2>"$out.floor.time" >/dev/null || true

  if [ "$PEERS" = 1 ]; then
    # The peers exit 1 when they find something: -i keeps hyperfine going (exit codes are checked in the report).
    measure yamllint "$yr" "$yw" yamllint "$YAMLLINT -c $HERE/yamllint.yaml -f parsable $dir" -i
    measure "spectral lint" "$sr" "$sw" spectral "env $SPECTRAL_ENV $SPECTRAL lint -r $RULESET -f json --quiet '$dir/**/*.yaml'" -i
  fi
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/results/machine.env"

python3 "$HERE/report.py" "$WORK" | tee "$WORK/results/results.md"
