#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: the examples (with their hidden config files), the test
# fixtures, and the official YAML test suite's `in.yaml` files (from $ROADMAP_AUDIT_SHARED, default
# ../shared beside the repository; skipped with a note when absent). Files are named by content hash, so
# running it again adds nothing twice. Usage: fuzz/seed.sh [TARGET...]   (default: audit config yaml)
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
shared="${ROADMAP_AUDIT_SHARED:-$repo/../shared}"
suite="$shared/validators/yaml-test-suite"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(audit config yaml)

seeds=$(mktemp)
trap 'rm -f "$seeds"' EXIT
find "$repo/examples" "$repo/tests/fixtures" -type f \( -name '*.yaml' -o -name '*.yml' \) >>"$seeds"
if [ -d "$suite" ]; then
  find "$suite" -name in.yaml >>"$seeds"
else
  echo "seed.sh: no YAML test suite at $suite (set ROADMAP_AUDIT_SHARED); seeding without it" >&2
fi

for t in "${targets[@]}"; do
  dir="$fuzz/corpus/$t"
  mkdir -p "$dir"
  list="$seeds"
  if [ "$t" = config ]; then
    # Config seeds first: real config files; roadmaps and suite cases still teach the fuzzer YAML.
    list=$(mktemp)
    { grep -E '(\.config\.ya?ml|/\.roadmap-audit\.ya?ml)$' "$seeds" || true; cat "$seeds"; } >"$list"
  fi
  while IFS= read -r f; do
    cp "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
  done <"$list"
  [ "$list" = "$seeds" ] || rm -f "$list"
  echo "seed.sh: $t: $(find "$dir" -type f | wc -l) files in corpus/$t"
done
