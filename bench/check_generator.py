#!/usr/bin/env python3
"""Checks bench/gen_roadmap.py: deterministic, schema-valid, and every rule does work.

    python3 bench/check_generator.py [--binary target/release/roadmap-audit] [--items 2400]

1. Same arguments, same bytes (generated twice, compared).
2. With --structural-rate 0, every file validates against schemas/roadmap.schema.json (python jsonschema,
   draft 2020-12, formats checked); with the default rate, the only schema errors are the injected ones.
3. roadmap-audit audits both layouts (one file; strategy + team files) with exit 0 or 1, never 2;
   with --structural-rate 0 there is no schema-violation, unknown-reference or duplicate-id; with the
   default rate every rule of the catalogue fires at least once, and references cross files.
"""

import argparse
import collections
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
AS_OF = "2026-12-01"


class Loader(yaml.SafeLoader):
    """YAML 1.2-ish: dates stay strings, as the tool and the JSON Schema see them."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def gen(out, items, files, *extra):
    """Generates; returns the generator's --stats (what it injected)."""
    p = subprocess.run([sys.executable, os.path.join(HERE, "gen_roadmap.py"), "--items", str(items), "--files",
                        str(files), "--out", out, "--stats", *extra], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return json.loads(p.stderr)


def yaml_files(d):
    for root, _, names in os.walk(d):
        for n in sorted(names):
            if n.endswith(".yaml"):
                yield os.path.join(root, n)


def schema_errors(d):
    with open(os.path.join(ROOT, "schemas", "roadmap.schema.json")) as fh:
        schema = json.load(fh)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = []
    for f in yaml_files(d):
        with open(f, encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=Loader)
        errors += [(f, "/".join(map(str, e.absolute_path)), e.message, e.validator) for e in validator.iter_errors(doc)]
    return errors


def audit(binary, d):
    p = subprocess.run([binary, "--no-config", "--as-of", AS_OF, "--format", "json", "--fail-on", "never", d],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"FAIL: roadmap-audit exited {p.returncode} on {d}:\n{p.stderr[:2000]}")
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("ROADMAP_AUDIT", os.path.join(ROOT, "target", "release", "roadmap-audit")))
    ap.add_argument("--items", type=int, default=2400, help="2400: every kind of structural mistake occurs")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="gen-check-") as tmp:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        gen(a, args.items, 10)
        gen(b, args.items, 10)
        fa = sorted(os.path.relpath(f, a) for f in yaml_files(a))
        fb = sorted(os.path.relpath(f, b) for f in yaml_files(b))
        same = fa == fb and all(filecmp.cmp(os.path.join(a, r), os.path.join(b, r), shallow=False) for r in fa)
        print(f"deterministic: {'ok' if same else 'FAIL'}")
        ok &= same

        for files in (1, 10):
            clean = os.path.join(tmp, f"clean-{files}")
            gen(clean, args.items, files, "--structural-rate", "0")
            errs = schema_errors(clean)
            print(f"jsonschema, {files} file(s), no structural mistakes: {len(errs)} errors")
            for e in errs[:10]:
                print("   ", e)
            ok &= not errs
            rep = audit(args.binary, clean)
            rules = collections.Counter(f["rule"] for f in rep["findings"])
            bad = {r: rules[r] for r in ("schema-violation", "unknown-reference", "duplicate-id", "invalid-yaml") if rules[r]}
            print(f"roadmap-audit, {files} file(s), no structural mistakes: {sum(rules.values())} findings, structural: {bad or 'none'}")
            ok &= not bad

            flawed = os.path.join(tmp, f"flawed-{files}")
            stats = gen(flawed, args.items, files)
            errs = schema_errors(flawed)
            kinds = collections.Counter(e[3] for e in errs)
            # Each injected schema-level mistake breaks exactly one keyword; reference mistakes break none.
            expected = sum(n for k, n in stats["structural"].items()
                           if k in ("typo-key", "bad-status", "bad-evidence-kind", "bad-date", "wrong-type"))
            print(f"jsonschema, {files} file(s), default mistakes: {len(errs)} errors (by keyword "
                  f"{dict(sorted(kinds.items()))}), {expected} injected: {'ok' if len(errs) == expected else 'FAIL'}")
            ok &= len(errs) == expected
            rep = audit(args.binary, flawed)
            rules = collections.Counter(f["rule"] for f in rep["findings"])
            catalogue = json.loads(subprocess.run([args.binary, "rules", "--format", "json"], capture_output=True,
                                                  text=True, check=True).stdout)
            missing = [r["id"] for r in catalogue if r["id"] != "invalid-yaml" and not rules[r["id"]]]
            print(f"roadmap-audit, {files} file(s), default mistakes: {sum(rules.values())} findings over "
                  f"{len(rules)} rules; rules that never fired: {missing or 'none'} (invalid-yaml is not generated)")
            ok &= not missing
    print("generator check:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
