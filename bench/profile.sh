#!/usr/bin/env bash
# Profiles roadmap-audit on the 10k-items one-file input: perf stat, then callgrind (instruction counts,
# exact and independent of other load on the machine) for the audit and for the parse-only floor.
#
#   bench/profile.sh [--items N] [--files K] [--work DIR]
#   ROADMAP_AUDIT=PATH bench/profile.sh      # another binary (default target/release/roadmap-audit)
#
# Prints the instruction totals, the audit ÷ floor ratio in instructions, and the top functions by
# inclusive cost; keeps audit.cg.out / parse.cg.out in the work directory for callgrind_annotate or
# kcachegrind. Callgrind runs ~50× slower than native: about a minute for 10k items.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${ROADMAP_AUDIT:-$ROOT/target/release/roadmap-audit}
ITEMS=10000 FILES=1 WORK=
while [ $# -gt 0 ]; do
  case "$1" in
    --items) ITEMS=$2; shift ;;
    --files) FILES=$2; shift ;;
    --work) WORK=$2; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/profile.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$BIN" ] || { echo "bench/profile.sh: no binary at $BIN" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench/profile.sh: valgrind not found (apt-get install -y valgrind)" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/roadmap-profile.XXXXXX")}
mkdir -p "$WORK"
IN=$WORK/input-$ITEMS-$FILES
[ -d "$IN" ] || python3 "$HERE/gen_roadmap.py" --items "$ITEMS" --files "$FILES" --out "$IN" >&2

AUDIT=("$BIN" --no-config --as-of 2026-12-01 --format json --fail-on never "$IN")
FLOOR=("$BIN" parse --no-config "$IN")

echo "## perf stat (software events; this VM exposes no hardware counters)"
for cmd in AUDIT FLOOR; do
  declare -n c=$cmd
  echo "### $cmd: ${c[*]}"
  perf stat -e task-clock,page-faults,context-switches -r 3 "${c[@]}" 2>&1 >/dev/null | grep -E 'task-clock|page-faults|elapsed' || true
done

echo
echo "## callgrind"
valgrind --tool=callgrind --callgrind-out-file="$WORK/audit.cg.out" "${AUDIT[@]}" >/dev/null 2>"$WORK/audit.cg.log" || true
valgrind --tool=callgrind --callgrind-out-file="$WORK/parse.cg.out" "${FLOOR[@]}" >/dev/null 2>"$WORK/parse.cg.log" || true
total() { grep -m1 '^summary:' "$1" | awk '{print $2}'; }
A=$(total "$WORK/audit.cg.out") P=$(total "$WORK/parse.cg.out")
echo "instructions: audit $A, parse floor $P, audit ÷ floor $(python3 -c "print(f'{$A/$P:.2f}')")"

# Where the audit's instructions go, by pipeline step: the largest inclusive cost of each function (a
# function inlined into several places shows up once per source file; the largest is the function itself).
# A step that no longer exists under that name prints as "-".
echo
echo "### audit by step (inclusive instructions, % of the audit; the floor is the load step)"
callgrind_annotate --inclusive=yes --threshold=100 "$WORK/audit.cg.out" 2>/dev/null > "$WORK/audit.inclusive.txt"
python3 - "$WORK/audit.inclusive.txt" "$A" <<'PY'
import re, sys
text = open(sys.argv[1]).read().splitlines()
total = int(sys.argv[2])
steps = [
    ("load: read, YAML parse, tree build (= the floor's work)", "roadmap_audit::load::load_file"),
    ("  saphyr-parser events (scanner + parser)", "saphyr_parser::parser::Parser<T>::next_event"),
    ("  line index of each file", "roadmap_audit::load::source::SourceFile::new"),
    ("schema validation (to JSON + jsonschema + drop)", "roadmap_audit::schema::Schema::check"),
    ("  YAML tree -> serde_json::Value", "roadmap_audit::load::yaml::Node::to_json"),
    ("model building (typed entities)", "roadmap_audit::model::Model::add_document"),
    ("reference resolution", "roadmap_audit::model::resolve::resolve"),
    ("  did-you-mean suggestions for unknown references", "roadmap_audit::suggest::did_you_mean"),
    ("rules engine (views + conditions)", "roadmap_audit::rules::engine::run"),
    ("  item views", "roadmap_audit::rules::view::item"),
    ("    lexicon phrase matching (rationale signals)", "roadmap_audit::rules::lexicon::matches_at"),
    ("  problem views", "roadmap_audit::rules::view::problem"),
    ("  kpi views", "roadmap_audit::rules::view::kpi"),
    ("  rule conditions (jsonschema is_valid) + findings", "roadmap_audit::rules::engine::evaluate"),
    ("policy (waivers, severities)", "roadmap_audit::policy::apply"),
    ("fingerprints", "roadmap_audit::baseline::fingerprints"),
    ("JSON output", "roadmap_audit::output::json::Json as roadmap_audit::output::Render>::render"),
    ("setup: config, rule registry (compiles conditions)", "roadmap_audit::commands::setup"),
]
for label, fn in steps:
    best = 0
    for line in text:
        m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(.*?)(?: \[.*\])?$", line)
        if m and m.group(2).endswith(fn):
            best = max(best, int(m.group(1).replace(",", "")))
    print(f"{label:<62} {best:>15,} {best / total:6.1%}" if best else f"{label:<62} {'-':>15}")
PY

# Top functions by inclusive cost, paths shortened; inlined code is attributed to the file it came from.
short() { sed -E 's#/root/.cargo/registry/src/index.crates.io-[0-9a-f]+/##; s#/rustc/[0-9a-f]+/library/##; s# \[[^]]*roadmap-audit\]##g; s#'"$ROOT"'/##g'; }
for t in audit parse; do
  echo
  echo "### $t: top 60 by inclusive instructions"
  callgrind_annotate --inclusive=yes "$WORK/$t.cg.out" 2>/dev/null | short \
    | grep -E '^ *[0-9,]+ \( *[0-9.]+%\)' | grep -vE 'below main|libc_start|lang_start|backtrace|ld-linux|rt.rs|ops/function.rs' \
    | awk 'NR <= 60' | cut -c1-220 || true
done
echo
echo "callgrind files: $WORK/audit.cg.out $WORK/parse.cg.out (callgrind_annotate --inclusive=yes --tree=calling FILE)"
