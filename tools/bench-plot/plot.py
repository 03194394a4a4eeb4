#!/usr/bin/env python3
"""The PNG plots of `scripts/bench all`, from the results JSON the modes wrote.

    plot.py --results target/bench --out docs/benchmarks

Draws what it has results for: health-throughput.png (req/s vs concurrency, log x, one line
per binary), health-latency.png (p50 and p99 per binary at each concurrency), startup.png
(start → first 200 and RSS per binary), spa.png (req/s per path, ycyw-api beside its ceiling).
Needs matplotlib (scripts/requirements-bench.txt).
"""

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CEILINGS = {"bench-bare", "bench-layers", "bench-static"}


def load(results, mode):
    path = os.path.join(results, f"{mode}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def subtitle(data):
    meta = data["meta"]
    return f"{meta.get('machine', '')}\n{meta.get('date', '')}, load average before {meta.get('load_before', '?')}"


def style(binary):
    return {"linestyle": "--", "linewidth": 2.2} if binary in CEILINGS else {"linestyle": "-", "linewidth": 1.6}


def health(data, out):
    runs = [r for r in data["results"] if r["kind"] == "health" and r["path"] == "/health/live"]
    binaries = list(dict.fromkeys(r["binary"] for r in runs))
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for binary in binaries:
        points = sorted((r["c"], r["rps"]) for r in runs if r["binary"] == binary)
        ax.plot([c for c, _ in points], [v for _, v in points], marker="o", label=binary, **style(binary))
    ax.set_xscale("log", base=2)
    levels = sorted({r["c"] for r in runs})
    ax.set_xticks(levels, [str(c) for c in levels])
    ax.set_xlabel("concurrency (wrk connections)")
    ax.set_ylabel("requests per second")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    ax.set_title("GET /health/live: throughput vs concurrency (dashed: ceilings)\n" + subtitle(data), fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "health-throughput.png"), dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), sharey=True)
    for ax, key, name in ((axes[0], "p50_ms", "p50"), (axes[1], "p99_ms", "p99")):
        for binary in binaries:
            points = sorted((r["c"], r[key]) for r in runs if r["binary"] == binary)
            ax.plot([c for c, _ in points], [v for _, v in points], marker="o", label=binary, **style(binary))
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(levels, [str(c) for c in levels])
        ax.set_xlabel("concurrency (wrk connections)")
        ax.set_title(f"{name} latency")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms (log scale)")
    axes[1].legend()
    fig.suptitle("GET /health/live: latency per concurrency\n" + subtitle(data), fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "health-latency.png"), dpi=110)
    plt.close(fig)


def startup(data, out):
    runs = [r for r in data["results"] if r["kind"] == "startup"]
    names = [r["binary"] for r in runs]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
    medians = [r["start_median_ms"] for r in runs]
    colors = ["#888888" if n in CEILINGS else "#3b75af" for n in names]
    axes[0].bar(names, medians, color=colors, label="median")
    for x, r in enumerate(runs):
        starts = [float(v) for v in str(r.get("starts_ms", "")).split(",") if v]
        axes[0].scatter([x] * len(starts), starts, s=12, color="black", zorder=3, label="each start" if x == 0 else None)
    axes[0].set_yscale("log")
    bare = next((r["start_median_ms"] for r in runs if r["binary"] == "bench-bare"), None)
    if bare:
        axes[0].axhline(1.5 * bare, color="#c0392b", linestyle=":", label="target: 1.5 × bare")
        axes[0].legend(loc="upper left")
    axes[0].set_ylabel("ms, log scale (bars: median; dots: each start)")
    axes[0].set_title("process start → first 200 on /health/live")
    width = 0.38
    xs = range(len(runs))
    axes[1].bar([x - width / 2 for x in xs], [r["idle_rss_kib"] / 1024 for r in runs], width, label="idle")
    axes[1].bar([x + width / 2 for x in xs], [r.get("after_load_rss_kib", 0) / 1024 for r in runs], width, label="after load")
    axes[1].axhline(16, color="#c0392b", linestyle=":", label="target: 16 MiB idle")
    axes[1].set_xticks(list(xs), names)
    axes[1].set_ylim(0, 1.35 * max([16] + [r.get("after_load_rss_kib", r["idle_rss_kib"]) / 1024 for r in runs]))
    axes[1].set_ylabel("RSS, MiB")
    axes[1].set_title("resident memory")
    axes[1].legend(loc="upper left", ncol=3)
    for ax in axes:
        ax.tick_params(axis="x", rotation=35)
        ax.grid(True, axis="y", alpha=0.3)
    fig.suptitle("Start-up and memory per deployable\n" + subtitle(data), fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "startup.png"), dpi=110)
    plt.close(fig)


def spa(data, out):
    runs = [r for r in data["results"] if r["kind"] == "spa"]
    groups = list(dict.fromkeys((r["label"], r["c"]) for r in runs))
    servers = list(dict.fromkeys(r["server"] for r in runs))
    fig, ax = plt.subplots(figsize=(9, 5))
    width = 0.8 / max(len(servers), 1)
    for i, server in enumerate(servers):
        values = [next((r["rps"] for r in runs if r["server"] == server and (r["label"], r["c"]) == g), 0) for g in groups]
        ax.bar([x + (i - (len(servers) - 1) / 2) * width for x in range(len(groups))], values, width, label=server,
               color="#888888" if server in CEILINGS else "#3b75af")
    ax.set_xticks(list(range(len(groups))), [f"{label}\nc={c}" for label, c in groups])
    ax.set_ylabel("requests per second (Accept-Encoding: gzip)")
    ax.set_yscale("log")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend()
    ax.set_title("The built SPA: ycyw-api beside ServeDir + compression\n" + subtitle(data), fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "spa.png"), dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for mode, draw in (("health", health), ("startup", startup), ("spa", spa)):
        data = load(args.results, mode)
        if data:
            draw(data, args.out)
            print(f"plotted {mode}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
