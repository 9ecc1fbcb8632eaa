#!/usr/bin/env python3
"""bench/run's reporting.

  report.py micro BENCH.json              Google Benchmark JSON -> FIGURE json lines (BM_X paired
                                          with its floor BM_X_Floor)
  report.py table FIGURES.jsonl OUT.json MACHINE
                                          the one table on stdout; OUT.json and OUT.md (the same
                                          table in Markdown, for bench/RESULTS.md)
"""
import json
import re
import sys


def micro(path):
    runs = {b["name"].split("/")[0]: b for b in json.load(open(path))["benchmarks"]
            if b.get("run_type", "iteration") == "iteration"}
    for name, b in runs.items():
        if name.endswith("_Floor"):
            continue
        base = name
        floor = runs.get(base + "_Floor")
        unit = b["time_unit"]
        print(json.dumps({
            "figure": "micro: " + base[3:],
            "value": b["real_time"], "unit": unit + "/op",
            "baseline": floor["real_time"] if floor else 0,
            "baseline_what": (base + "_Floor") if floor else "",
            "goal": "", "note": "%d iterations" % b["iterations"]}))


def check(goal, value, ratio):
    """'yes'/'NO'/'' for goals such as '<= 20', '>= 2500', '<= 1.5x baseline'."""
    m = re.match(r"^(<=|>=)\s*([\d.]+)(x)?", goal or "")
    if not m:
        return ""
    op, n, rel = m.group(1), float(m.group(2)), m.group(3)
    if rel:
        if ratio is None:
            return "n/a"
        v = ratio
    else:
        v = value
    ok = v <= n if op == "<=" else v >= n
    return "yes" if ok else "NO"


def fmt(v):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "{:.1f}".format(v)
    if a >= 1:
        return "{:.2f}".format(v)
    return "{:.3g}".format(v)


def table(path, out, machine):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        f = json.loads(line)
        ratio = f["value"] / f["baseline"] if f.get("baseline") else None
        f["ratio"] = ratio
        f["met"] = check(f.get("goal"), f["value"], ratio)
        rows.append(f)
    head = ["figure", "value", "baseline", "ratio", "goal", "met"]
    cells = [[r["figure"], fmt(r["value"]) + " " + r["unit"], fmt(r["baseline"] or None),
              (fmt(r["ratio"]) + "x") if r["ratio"] is not None else "-",
              r.get("goal") or "", r["met"]] for r in rows]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) if cells else len(head[i])
              for i in range(len(head))]
    print("Strata benchmarks: " + machine)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(x.ljust(w) for x, w in zip(c, widths)))
    met = sum(1 for r in rows if r["met"] == "yes")
    missed = [r["figure"] for r in rows if r["met"] == "NO"]
    print("\ngoals met: %d, missed: %d" % (met, len(missed)))
    baselines = sorted({r["baseline_what"] for r in rows if r.get("baseline_what")})
    print("baselines: " + "; ".join(baselines))
    json.dump({"machine": machine, "figures": rows}, open(out, "w"), indent=1)
    with open(re.sub(r"\.json$", "", out) + ".md", "w") as md:
        md.write("| " + " | ".join(head + ["note"]) + " |\n")
        md.write("|" + "---|" * (len(head) + 1) + "\n")
        for r, c in zip(rows, cells):
            md.write("| " + " | ".join(c + [r.get("note", "")]) + " |\n")
    print("written: " + out)


if __name__ == "__main__":
    if sys.argv[1] == "micro":
        micro(sys.argv[2])
    else:
        table(sys.argv[2], sys.argv[3], sys.argv[4])
