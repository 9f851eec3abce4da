#!/usr/bin/env python3
"""Merges the per-round hyperfine exports of bench/run.sh into one export per command.

Usage: merge_rounds.py OUT ROUNDS TOOL...   reads OUT.round1.json … OUT.roundROUNDS.json (each holding one run
of every command, in the order of TOOL...) and writes OUT.TOOL.json in hyperfine's format, so that report.py
reads interleaved and sequential measurements alike. The round files are removed.
"""
import json
import os
import statistics
import sys


def main():
    out, rounds, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    merged = [None] * len(tools)
    for i in range(1, rounds + 1):
        path = f"{out}.round{i}.json"
        with open(path) as fh:
            results = json.load(fh)["results"]
        if len(results) != len(tools):
            sys.exit(f"{path}: {len(results)} results for {len(tools)} commands")
        for k, r in enumerate(results):
            m = merged[k]
            if m is None:
                merged[k] = m = {"command": r["command"], "times": [], "user": [], "system": [], "exit_codes": []}
            m["times"] += r["times"]
            m["user"].append(r["user"])
            m["system"].append(r["system"])
            m["exit_codes"] += r["exit_codes"]
        os.remove(path)
    for tool, m in zip(tools, merged):
        times = m["times"]
        result = {
            "command": m["command"],
            "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
            "median": statistics.median(times),
            "user": statistics.fmean(m["user"]),
            "system": statistics.fmean(m["system"]),
            "min": min(times),
            "max": max(times),
            "times": times,
            "exit_codes": m["exit_codes"],
        }
        with open(f"{out}.{tool}.json", "w") as fh:
            json.dump({"results": [result], "interleaved_with": tools}, fh, indent=1)


if __name__ == "__main__":
    main()
