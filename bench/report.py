#!/usr/bin/env python3
"""Turns bench/run.sh's measurements (hyperfine JSON exports, /usr/bin/time -v logs) into Markdown.

    python3 bench/report.py WORKDIR

Prints the results table (medians), the targets with PASS/FAIL, the machine and the exact commands.
"""

import json
import os
import re
import statistics
import sys

CASES = [("1k", 1000, 1), ("10k", 10000, 1), ("100k", 100000, 1), ("10k-200", 10000, 200)]
# Spectral ÷ roadmap-audit, at least (medians of the whole process, same run).
SPECTRAL_TARGET = {"1k": 50, "10k": 12, "100k": 12, "10k-200": 40}
FLOOR_TARGET = 1.5      # roadmap-audit ÷ parse-only floor, at most
LINEAR_TARGET = 11      # 100k ÷ 10k, at most
MEMORY_TARGET = 10      # peak RSS ÷ input bytes at 100k, at most
PARALLEL_TARGET = 1.3   # --jobs 1 ÷ default on 200 files (2 cores), at least


def load(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def bench(work, name, tool):
    data = load(os.path.join(work, "results", f"{name}.{tool}.json"))
    if not data:
        return None
    r = data["results"][0]
    codes = r.get("exit_codes") or []
    try:
        with open(os.path.join(work, "results", f"{name}.{tool}.cmd")) as fh:
            command = fh.read().strip()
    except FileNotFoundError:
        command = r["command"]
    return {"median": r["median"], "min": r["min"], "max": r["max"], "runs": len(r["times"]), "times": r["times"],
            "interleaved": data.get("interleaved_with"),
            "cpu": (r.get("user") or 0) + (r.get("system") or 0),
            "command": command, "exit_codes": sorted(set(c for c in codes if c is not None))}


def rss_kb(work, name, tool):
    try:
        with open(os.path.join(work, "results", f"{name}.{tool}.time")) as fh:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", fh.read())
            return int(m.group(1)) if m else None
    except FileNotFoundError:
        return None


def size(path):
    total = 0
    for root, _, names in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, n)) for n in names if n.endswith(".yaml"))
    return total


def t(b):
    if not b:
        return "n/a"
    s = b["median"]
    txt = f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
    if b["exit_codes"] and any(c not in (0, 1) for c in b["exit_codes"]):
        txt += f" (exit {','.join(map(str, b['exit_codes']))}!)"
    return txt


def mb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.0f} MB"


def ratio(a, b):
    if not a or not b:
        return None
    return a["median"] / b["median"]


def paired(a, b):
    """The median of the per-round ratios a/b, when a and b took turns run by run (bench/run.sh's rounds): each
    round's two runs share the machine's conditions, so the VM's drift between rounds cancels out of each
    ratio, where it stays in a ratio of two medians taken over different rounds. None when not interleaved."""
    if not a or not b or not a["interleaved"] or a["interleaved"] != b["interleaved"]:
        return None
    if len(a["times"]) != len(b["times"]):
        return None
    return statistics.median(x / y for x, y in zip(a["times"], b["times"]))


def fmt(x, suffix="×"):
    return "n/a" if x is None else f"{x:.1f}{suffix}" if x >= 10 else f"{x:.2f}{suffix}"


def verdict(ok):
    return "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")


def main():
    work = sys.argv[1]
    env = {}
    with open(os.path.join(work, "results", "machine.env")) as fh:
        for line in fh:
            k, _, v = line.rstrip("\n").partition("=")
            env[k] = v
    rows, targets, commands, cpu_rows = [], [], [], []
    res = {}
    for name, items, files in CASES:
        a = bench(work, name, "audit")
        if not a:
            continue
        r = {"a": a, "j1": bench(work, name, "audit-jobs1"), "f": bench(work, name, "floor"),
             "y": bench(work, name, "yamllint"), "s": bench(work, name, "spectral"),
             "bytes": size(os.path.join(work, "inputs", name)), "rss": rss_kb(work, name, "audit"),
             "rss_floor": rss_kb(work, name, "floor")}
        findings = load(os.path.join(work, "results", f"{name}.findings.json"))
        r["findings"] = len(findings["findings"]) if findings else None
        res[name] = r
        mem = r["rss"] * 1024 / r["bytes"] if r["rss"] else None
        rows.append(
            f"| {items:,} items, {files} file{'s' if files > 1 else ''}{' + strategy' if files > 1 else ''} "
            f"| {r['bytes'] / 1e6:.1f} | {r['findings'] if r['findings'] is not None else 'n/a':,} | {t(a)} | {t(r['j1'])} "
            f"| {t(r['f'])} | {t(r['y'])} | {t(r['s'])} | {fmt(ratio(r['s'], a))} | {fmt(ratio(a, r['f']))} "
            f"| {fmt(paired(a, r['f']))} "
            f"| {mb(r['rss'])} / {mb(r['rss_floor'])} | {fmt(mem)} |")
        cpu = {k: (f"{r[k]['cpu']:.2f} s" if r[k] else "n/a") for k in ("a", "j1", "f", "y", "s")}
        cpu_ratio = fmt(r["a"]["cpu"] / r["f"]["cpu"]) if r["f"] and r["f"]["cpu"] else "n/a"
        cpu_sp = fmt(r["s"]["cpu"] / r["a"]["cpu"]) if r["s"] and r["a"]["cpu"] else "n/a"
        cpu_rows.append(f"| {name} | {cpu['a']} | {cpu['j1']} | {cpu['f']} | {cpu['y']} | {cpu['s']} | {cpu_sp} | {cpu_ratio} |")
        for key in ("a", "j1", "f", "y", "s"):
            if r[key]:
                commands.append(f"# {name}, {r[key]['runs']} run{'s' if r[key]['runs'] > 1 else ''}, "
                                f"median {t(r[key])} (min {r[key]['min']:.3f} s, max {r[key]['max']:.3f} s)\n"
                                f"{r[key]['command']}")

    for name, items, files in CASES:
        r = res.get(name)
        if not r:
            continue
        sr = ratio(r["s"], r["a"])
        label = f"{items // 1000}k items, {files} file{'s' if files > 1 else ''}"
        targets.append((f"Spectral ÷ roadmap-audit, {label}", fmt(sr), f"≥ {SPECTRAL_TARGET[name]}×",
                        verdict(None if sr is None else sr >= SPECTRAL_TARGET[name])))
    for name, items, files in CASES:
        r = res.get(name)
        if r:
            # Judged on both: the median of the per-round ratios (the drift-free estimate) and the ratio of
            # the two medians (the plain reading of "medians, as ratios"); PASS only when both are within.
            fr, fp = ratio(r["a"], r["f"]), paired(r["a"], r["f"])
            shown = fmt(fr) if fp is None else f"{fmt(fr)} (paired {fmt(fp)})"
            ok = None if fr is None else fr <= FLOOR_TARGET and (fp is None or fp <= FLOOR_TARGET)
            targets.append((f"roadmap-audit ÷ parse floor, {name}", shown, f"≤ {FLOOR_TARGET}×", verdict(ok)))
    if "100k" in res and "10k" in res:
        lr = ratio(res["100k"]["a"], res["10k"]["a"])
        targets.append(("linear growth: 100k ÷ 10k items (one file)", fmt(lr), f"≤ {LINEAR_TARGET}×",
                        verdict(lr <= LINEAR_TARGET)))
    multi = res.get("10k-200")
    if env.get("jobs_flag") != "1":
        targets.append(("parallel: `--jobs N`, default all cores", "no `--jobs` flag", f"--jobs 1 ÷ default ≥ {PARALLEL_TARGET}× on 200 files", verdict(False)))
    elif multi:
        pr = paired(multi["j1"], multi["a"]) or ratio(multi["j1"], multi["a"])
        targets.append((f"parallel: --jobs 1 ÷ default (all {env.get('nproc')} cores), 200 files", fmt(pr),
                        f"≥ {PARALLEL_TARGET}×", verdict(pr >= PARALLEL_TARGET)))
    if "100k" in res and res["100k"]["rss"]:
        r = res["100k"]
        m = r["rss"] * 1024 / r["bytes"]
        targets.append((f"peak memory ÷ input size, 100k items ({r['rss'] / 1024:.0f} MB for {r['bytes'] / 1e6:.0f} MB)",
                        fmt(m), f"≤ {MEMORY_TARGET}×", verdict(m <= MEMORY_TARGET)))

    out = []
    out.append(f"Machine: {env.get('nproc')} cores, {env.get('cpu')}, {env.get('mem')}; load average "
               f"{env.get('load_before')} before, {env.get('load_after')} after; {env.get('date')}.")
    out.append(f"Binary: `{env.get('binary')}` ({env.get('binary_version')}); `--jobs`: "
               f"{'supported' if env.get('jobs_flag') == '1' else 'not supported'}. {env.get('hyperfine')}"
               + (f"; Spectral {env.get('spectral')} on node {env.get('node')}; {env.get('yamllint')}." if env.get("peers") == "1" else "; peers skipped."))
    out.append("")
    out.append("| input | MB | findings | roadmap-audit | --jobs 1 | parse floor | yamllint | Spectral | Spectral ÷ audit | audit ÷ floor | audit ÷ floor, paired | peak RSS audit / floor | audit RSS ÷ input |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    out += rows
    out.append("")
    out.append("| target | measured | threshold | result |")
    out.append("|---|---:|---:|---|")
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets]
    out.append("")
    out.append("CPU time (user + system, mean of the runs; less sensitive to other load on the machine than wall time):")
    out.append("")
    out.append("| input | roadmap-audit | --jobs 1 | parse floor | yamllint | Spectral | Spectral ÷ audit | audit ÷ floor |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    out += cpu_rows
    out.append("")
    out.append("Commands (hyperfine medians; `-i` for the peers, which exit 1 on findings):")
    out.append("```")
    out += commands
    out.append("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
