#!/usr/bin/env python3
"""Summarises bench/adapt.sh runs: target accuracy mean +- std (over seeds) per method and pair."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]
settings = sys.argv[2] if len(sys.argv) > 2 else ""
rows = {}      # (src, tgt) -> method -> [acc]
seconds = {}
for path in sorted(glob.glob(os.path.join(out, "runs", "*.json"))):
    with open(path) as f:
        text = f.read().strip()
    if not text:
        continue
    r = json.loads(text.splitlines()[-1])
    key = (r["source"], r["target"])
    by_method = rows.setdefault(key, {})
    by_method.setdefault(r["method"], []).append(100 * r["target_accuracy"])
    seconds.setdefault(r["method"], []).append(r["seconds"])
    if "target_accuracy_before_adabn" in r:
        by_method.setdefault("source-only", []).append(100 * r["target_accuracy_before_adabn"])

# Runs that ended with an error (e.g. a NaN loss) are counted, not hidden.
failed = {}    # (src, tgt) -> method -> [seed]
jobs_file = os.path.join(out, "jobs.txt")
if os.path.exists(jobs_file):
    for line in open(jobs_file):
        seed, src, tgt, method = line.split()
        name = "%s-%s-%s-s%s" % (src, tgt, method, seed)
        log = os.path.join(out, "runs", name + ".log")
        if not os.path.exists(os.path.join(out, "runs", name + ".json")) and os.path.exists(log) \
                and "error:" in open(log, errors="replace").read():
            failed.setdefault((src, tgt), {}).setdefault(method, []).append(seed)
            rows.setdefault((src, tgt), {})

order = ["source-only", "adabn", "dann", "cdan", "cdan-e", "dan", "coral"]
pairs = sorted(rows)


def cell(values, fails=()):
    note = " + %d diverged" % len(fails) if fails else ""
    if not values:
        return ("0 seeds" + note) if fails else "-"
    if len(values) == 1:
        return "%.1f (1 seed%s)" % (values[0], note)
    return "%.1f ± %.1f (%d%s)" % (statistics.mean(values), statistics.stdev(values), len(values), note)
    if not values:
        return "-"
    if len(values) == 1:
        return "%.1f (1 seed)" % values[0]
    return "%.1f ± %.1f (%d)" % (statistics.mean(values), statistics.stdev(values), len(values))


print("Target accuracy (%%), mean ± std over seeds (number of seeds); LeNet; %s\n" % settings)
print("(n) = seeds that finished; \"diverged\" = runs stopped by a NaN loss, left out of the mean.\n")
print("| method | " + " | ".join("%s → %s" % p for p in pairs) + " | mean s/run |")
print("|---|" + "---|" * len(pairs) + "---|")
for m in order:
    if not any(m in rows[p] or m in failed.get(p, {}) for p in pairs):
        continue
    secs = seconds.get("adabn" if m == "source-only" else m, [])
    print("| %s | %s | %s |" % (m, " | ".join(cell(rows[p].get(m, []), failed.get(p, {}).get(m, ())) for p in pairs),
                                "%.0f" % statistics.mean(secs) if secs else "-"))
print()
for p in pairs:
    base = rows[p].get("source-only")
    if not base:
        continue
    gains = []
    for m in order[1:]:
        if rows[p].get(m):
            gains.append("%s %+.1f" % (m, statistics.mean(rows[p][m]) - statistics.mean(base)))
    print("- %s → %s, gain over source-only (points): %s" % (p[0], p[1], ", ".join(gains)))


def mean_of(pair, method):
    v = rows.get(pair, {}).get(method)
    return "%.1f" % statistics.mean(v) if v else "-"


# The published numbers these pairs mirror (TLlib's digit table, Ganin et al. 2016, Table 2).
published = [
    ("TLlib, MNIST → USPS (LeNet, ~50k steps)", ["82.1", "91.7", "96.0", "86.0"], None),
    ("Graft, MNIST → digits-28 (LeNet, this run)", None, ("mnist", "digits-28")),
    ("Ganin et al., MNIST → MNIST-M", ["52.3", "76.7", "-", "-"], None),
    ("Graft, MNIST → MNIST-M-style", None, ("mnist", "mnist-m-style")),
    ("Ganin et al., Syn Digits → SVHN (synthetic → real)", ["86.7", "91.1", "-", "-"], None),
    ("Graft, printed-digits → MNIST", None, ("printed-digits", "mnist")),
    ("Graft, digits-28 → MNIST (the reverse direction; 1,438 source images)", None, ("digits-28", "mnist")),
]
print("\nSide by side with the published tables (mean target accuracy, %):\n")
print("| pair | source-only | DANN | CDAN | DAN |\n|---|---|---|---|---|")
for name, values, pair in published:
    if values is None:
        values = [mean_of(pair, m) for m in ["source-only", "dann", "cdan", "dan"]]
    print("| %s | %s |" % (name, " | ".join(values)))
