#!/usr/bin/env python3
"""Copies schemas/roadmap.schema.json into the `schema-violation` rule of bench/spectral-ruleset.yaml.

Spectral does not resolve a `$ref` to a file from a ruleset (the rule then silently checks nothing), so
the schema is embedded, as JSON (which is YAML), between the BEGIN/END marker lines.

    python3 bench/sync_spectral_schema.py                 # rewrite bench/spectral-ruleset.yaml in place
    python3 bench/sync_spectral_schema.py --out FILE      # write the synced ruleset elsewhere
    python3 bench/sync_spectral_schema.py --check         # exit 1 when the embedded copy is stale
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN roadmap\.schema\.json.*$", re.M)
END = re.compile(r"^\s*# END roadmap\.schema\.json\s*$", re.M)


def synced(ruleset_text, schema):
    b = BEGIN.search(ruleset_text)
    e = END.search(ruleset_text, b.end()) if b else None
    if not b or not e:
        sys.exit("sync_spectral_schema: BEGIN/END markers not found in the ruleset")
    indent = b.group("indent")
    body = json.dumps(schema, indent=2, ensure_ascii=False)
    body = "\n".join(indent + "  " + line for line in body.splitlines())
    block = f"{indent}schema:\n{body}\n"
    return ruleset_text[: b.end() + 1] + block + ruleset_text[e.start():]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ruleset", default=os.path.join(HERE, "spectral-ruleset.yaml"))
    ap.add_argument("--schema", default=os.path.join(HERE, "..", "schemas", "roadmap.schema.json"))
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with open(args.ruleset, encoding="utf-8") as fh:
        text = fh.read()
    with open(args.schema, encoding="utf-8") as fh:
        schema = json.load(fh)
    new = synced(text, schema)
    if args.check:
        if new != text:
            print("bench/spectral-ruleset.yaml: embedded schema is stale; run bench/sync_spectral_schema.py")
            sys.exit(1)
        return
    with open(args.out or args.ruleset, "w", encoding="utf-8") as fh:
        fh.write(new)


if __name__ == "__main__":
    main()
