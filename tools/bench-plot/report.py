#!/usr/bin/env python3
"""Results of `scripts/bench` as JSON and markdown. Standard library only.

    report.py summarize MODE --results DIR
        reads DIR/MODE.results (the `META key=value…` and `RESULT kind key=value…` lines the
        mode wrote), writes DIR/MODE.json and prints the mode's tables (markdown) on stdout.
    report.py section --results DIR --doc docs/benchmarks.md --modes "health startup …" --command CMD
        writes the generated section of the doc (between the `scripts/bench all` markers, made
        after the first paragraph when missing) from DIR/*.json and the text summaries of the
        older modes (search.txt, book.txt, worker.md, chat.md).

Units: latencies in ms (wrk's percentiles), RSS in MiB (VmRSS kB / 1024; the 16 MB target is
taken as 16 MiB).
"""

import argparse
import json
import os
import re
import statistics
import sys

BEGIN = "<!-- scripts/bench all: begin -->"
END = "<!-- scripts/bench all: end -->"

HEALTH_TARGET = 0.8  # health >= 0.8 x bare axum
API_404_TARGET = 0.9  # a minimal API route >= 0.9 x the stock layer stack
START_TARGET = 1.5  # start -> first 200 <= 1.5 x bare
RSS_TARGET_MIB = 16.0  # idle RSS <= 16 MB per function
SEARCH_RAW_TARGET = 0.7  # search >= 0.7 x the raw SQL client
SEARCH_P99_TARGET_MS = 50.0  # search p99 <= 50 ms at c=32
BOOK_TARGET = 500.0  # booking attempts per second, with 0 overbooking
WORKER_TARGET = 1000.0  # no-op jobs per second on the DB queue
CHAT_P99_TARGET_MS = 50.0  # chat fan-out p99

CEILING_HEALTH = "bench-bare"
CEILING_LAYERS = "bench-layers"
CEILING_STATIC = "bench-static"


def parse_value(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_results(path):
    meta, results = {}, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("META "):
                key, _, value = line[5:].partition("=")
                meta[key.strip()] = value
            elif line.startswith("RESULT "):
                parts = line.split()
                row = {"kind": parts[1]}
                for part in parts[2:]:
                    key, _, value = part.partition("=")
                    row[key] = parse_value(value)
                results.append(row)
    return meta, results


def num(value, digits=0):
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.{digits}f}"


def ratio(value, ceiling):
    if not value or not ceiling:
        return None
    return value / ceiling


def verdict(value, target, at_least=True):
    if value is None:
        return "—"
    met = value >= target if at_least else value <= target
    return ("met" if met else "**missed**") + f" ({'≥' if at_least else '≤'} {target:g})"


def mib(kib):
    return None if kib is None else kib / 1024


# ---- health -------------------------------------------------------------------------------


def health_tables(data):
    runs = [r for r in data["results"] if r["kind"] == "health"]
    live = [r for r in runs if r["path"] == "/health/live"]
    missing = [r for r in runs if r["path"] != "/health/live"]
    binaries = list(dict.fromkeys(r["binary"] for r in live))
    levels = sorted({r["c"] for r in live})
    at = {(r["binary"], r["c"]): r for r in live}
    out, targets = [], []
    c_ref = 32 if 32 in levels else (levels[-1] if levels else None)
    bare = at.get((CEILING_HEALTH, c_ref))
    out.append(f"At concurrency {c_ref} (wrk -t{data['meta'].get('threads', '2')}, {data['meta'].get('duration', '?')} s after a "
               f"{data['meta'].get('warmup', '?')} s warm-up, `GET /health/live`):")
    out.append("")
    out.append("| binary | req/s | p50 ms | p99 ms | errors | × bare axum | target (≥ 0.8 × bare) |")
    out.append("|---|---|---|---|---|---|---|")
    for binary in binaries:
        r = at.get((binary, c_ref))
        if not r:
            continue
        x = ratio(r["rps"], bare["rps"] if bare else None)
        if binary == CEILING_HEALTH:
            goal = "the ceiling"
        elif binary == CEILING_LAYERS:
            goal = "ceiling of the API routes"
        else:
            goal = verdict(x, HEALTH_TARGET)
            targets.append((f"health of {binary} at c={c_ref}", x, f"≥ {HEALTH_TARGET} × bare", goal))
        out.append(f"| {binary} | {num(r['rps'])} | {num(r['p50_ms'], 2)} | {num(r['p99_ms'], 2)} | {r['socket_errors'] + r['non2xx']} | "
                   f"{num(x, 2)} | {goal} |")
    out.append("")
    out.append("Requests per second at each concurrency:")
    out.append("")
    out.append("| binary | " + " | ".join(f"c={c}" for c in levels) + " |")
    out.append("|---|" + "---|" * len(levels))
    for binary in binaries:
        out.append(f"| {binary} | " + " | ".join(num(at[(binary, c)]["rps"]) if (binary, c) in at else "—" for c in levels) + " |")
    out.append("")
    out.append("Latency p50 / p99 (ms) at each concurrency:")
    out.append("")
    out.append("| binary | " + " | ".join(f"c={c}" for c in levels) + " |")
    out.append("|---|" + "---|" * len(levels))
    for binary in binaries:
        cells = []
        for c in levels:
            r = at.get((binary, c))
            cells.append(f"{num(r['p50_ms'], 2)} / {num(r['p99_ms'], 2)}" if r else "—")
        out.append(f"| {binary} | " + " | ".join(cells) + " |")
    if missing:
        base = next((r for r in missing if r["binary"] == CEILING_LAYERS), None)
        out.append("")
        out.append(f"A minimal API route: the 404 problem of `GET {missing[0]['path']}`, concurrency {missing[0]['c']}, "
                   "beside the same 404 of bench-layers (the stock layer stack, nothing else):")
        out.append("")
        out.append("| binary | status | req/s | p50 ms | p99 ms | × bench-layers | target (≥ 0.9 × bench-layers) |")
        out.append("|---|---|---|---|---|---|---|")
        for r in missing:
            x = ratio(r["rps"], base["rps"] if base else None)
            if r["binary"] == CEILING_LAYERS:
                goal = "the ceiling"
            else:
                goal = verdict(x, API_404_TARGET)
                targets.append((f"404 problem of {r['binary']}", x, f"≥ {API_404_TARGET} × bench-layers", goal))
            status = "404" if r["non2xx"] == r["requests"] else f"{r['non2xx']} non-2xx of {r['requests']}"
            if r["socket_errors"]:
                status += f", {r['socket_errors']} socket errors"
            out.append(f"| {r['binary']} | {status} | {num(r['rps'])} | {num(r['p50_ms'], 2)} | {num(r['p99_ms'], 2)} | {num(x, 2)} | {goal} |")
    return out, targets


# ---- startup ------------------------------------------------------------------------------


def startup_tables(data):
    runs = [r for r in data["results"] if r["kind"] == "startup"]
    bare = next((r for r in runs if r["binary"] == CEILING_HEALTH), None)
    out, targets = [], []
    out.append(f"Process start → first 200 on `/health/live`, {runs[0]['starts'] if runs else '?'} starts each (median, min, max); "
               "idle RSS one second after the first 200 (median of the starts), and its two parts: anonymous (the process's own memory) "
               "and file-backed (pages of the executable and libraries mapped as they were touched, shared by every process of "
               "the same image); RSS after load on the last start:")
    out.append("")
    out.append("| binary | start median ms | min | max | × bare (median) | target (≤ 1.5 × bare) | idle RSS MiB | target (≤ 16 MiB) "
               "| anon / file MiB | RSS after load MiB | peak RSS MiB | load |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        x = ratio(r["start_median_ms"], bare["start_median_ms"] if bare else None)
        idle = mib(r["idle_rss_kib"])
        if r["binary"] == CEILING_HEALTH:
            start_goal, rss_goal = "the ceiling", "—"
        else:
            start_goal = verdict(x, START_TARGET, at_least=False)
            rss_goal = verdict(idle, RSS_TARGET_MIB, at_least=False)
            if r["binary"].startswith("ycyw-worker"):
                start_goal = rss_goal = "no target for the worker"
            else:
                targets.append((f"start of {r['binary']}", x, f"≤ {START_TARGET} × bare", start_goal))
                targets.append((f"idle RSS of {r['binary']}", idle, f"≤ {RSS_TARGET_MIB:g} MiB", rss_goal))
        out.append(f"| {r['binary']} | {num(r['start_median_ms'], 1)} | {num(r['start_min_ms'], 1)} | {num(r['start_max_ms'], 1)} | "
                   f"{num(x, 2)} | {start_goal} | {num(idle, 1)} | {rss_goal} | "
                   f"{num(mib(r.get('idle_anon_kib')), 1)} / {num(mib(r.get('idle_file_kib')), 1)} | {num(mib(r.get('after_load_rss_kib')), 1)} | "
                   f"{num(mib(r.get('peak_rss_kib')), 1)} | {r.get('load', 'none').replace('_', ' ')} |")
    return out, targets


# ---- spa ----------------------------------------------------------------------------------


def spa_tables(data):
    runs = [r for r in data["results"] if r["kind"] == "spa"]
    ceiling = {(r["label"], r["c"]): r for r in runs if r["server"] == CEILING_STATIC}
    out = []
    out.append(f"wrk with `Accept-Encoding: gzip`, {data['meta'].get('duration', '?')} s after a {data['meta'].get('warmup', '?')} s warm-up, "
               "ycyw-api serving the built SPA beside the ceiling (bare axum + tower-http `ServeDir` + `CompressionLayer`):")
    out.append("")
    out.append("| path | bytes (raw → gzip) | c | server | req/s | p50 ms | p99 ms | MiB/s read | errors | × ceiling |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        base = ceiling.get((r["label"], r["c"]))
        x = ratio(r["rps"], base["rps"] if base else None)
        out.append(f"| `{r['path']}` | {num(r['raw_bytes'])} → {num(r['gzip_bytes'])} ({r['encoding']}) | {r['c']} | {r['server']} | "
                   f"{num(r['rps'])} | {num(r['p50_ms'], 2)} | {num(r['p99_ms'], 2)} | {num(r['bytes'] / r['seconds'] / 1048576, 1)} | "
                   f"{r['socket_errors'] + r['non2xx']} | {'the ceiling' if r['server'] == CEILING_STATIC else num(x, 2)} |")
    return out, []


TABLES = {"health": health_tables, "startup": startup_tables, "spa": spa_tables}


def summarize(args):
    meta, results = read_results(os.path.join(args.results, f"{args.mode}.results"))
    data = {"mode": args.mode, "meta": meta, "results": results}
    with open(os.path.join(args.results, f"{args.mode}.json"), "w") as f:
        json.dump(data, f, indent=1)
    lines, targets = TABLES[args.mode](data)
    print("\n".join(lines))
    if targets:
        print()
        for name, _, _, goal in targets:
            print(f"- {name}: {goal}")


# ---- the text summaries' targets ----------------------------------------------------------

def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)


def text_targets(mode, text):
    """The targets of a mode that writes text (search, book, worker, chat), read off its summary."""
    targets = []
    if mode == "search":
        # The summary's lines (the raw client's one-at-a-time profile is not a round).
        ratio_line = re.search(r"^api/raw throughput over the rounds: ([\d.]+)", text, re.M)
        p99s = [float(m) for m in re.findall(r"^round \d+ api \(wrk, release\)\s+[\d.]+\s+[\d.]+\s+([\d.]+)", text, re.M)]
        if ratio_line and p99s:
            x = float(ratio_line.group(1))
            targets.append(("search, API over raw SQL (throughput, all rounds)", x, f"≥ {SEARCH_RAW_TARGET} × raw",
                            verdict(x, SEARCH_RAW_TARGET)))
            worst = max(p99s)
            targets.append(("search p99 at c=32, worst round (ms)", worst, f"≤ {SEARCH_P99_TARGET_MS:g} ms",
                            verdict(worst, SEARCH_P99_TARGET_MS, at_least=False)))
    elif mode == "book":
        book = [fields(l) for l in text.splitlines() if l.startswith("RESULT book ")]
        over = re.search(r"overbooking\): (\d+)", text)
        if book and over:
            rps = float(book[-1]["rps"])
            goal = "met" if rps >= BOOK_TARGET and int(over.group(1)) == 0 else "**missed**"
            targets.append((f"booking attempts/s ({over.group(1)} overbooking)", rps, f"≥ {BOOK_TARGET:g}/s, 0 overbooking", goal))
    elif mode == "worker":
        rows = re.findall(r"^\| db \| noop \| (\d+) \| (\d+) \| \d+ \| [\d.]+ \| \*\*(\d+)\*\* \|", text, re.M)
        if rows:
            workers, each, best = max(rows, key=lambda r: int(r[2]))
            targets.append((f"worker no-op jobs/s, DB queue (best: {workers} × concurrency {each})", float(best),
                            f"≥ {WORKER_TARGET:g}/s", verdict(float(best), WORKER_TARGET)))
    elif mode == "chat":
        rows = re.findall(r"^\| (\d+) \| (\d+) \| \d+ \| \d+ \| [\d.]+ \| \*\*([\d.]+)\*\* \|", text, re.M)
        for instances, sockets, p99 in rows:
            targets.append((f"chat fan-out p99, {sockets} sockets on {instances} instance(s) (ms)", float(p99),
                            f"≤ {CHAT_P99_TARGET_MS:g} ms", verdict(float(p99), CHAT_P99_TARGET_MS, at_least=False)))
    return targets


# ---- the doc's section --------------------------------------------------------------------

TEXT_SUMMARIES = {
    "search": ("search.txt", "== scripts/bench search"),
    "book": ("book.txt", "== scripts/bench book"),
    "worker": ("worker.md", None),
    "chat": ("chat.md", None),
}

TITLES = {
    "health": "Health: `scripts/bench health`",
    "startup": "Start-up and memory: `scripts/bench startup`",
    "spa": "SPA: `scripts/bench spa`",
    "search": "Search: `scripts/bench search`",
    "book": "Booking: `scripts/bench book`",
    "worker": "Worker: `scripts/bench worker`",
    "chat": "Chat: `scripts/bench chat`",
}

PLOTS = {
    "health": [("health-throughput.png", "requests per second vs concurrency"), ("health-latency.png", "p50 and p99 latency per concurrency")],
    "startup": [("startup.png", "start → first 200 and RSS")],
    "spa": [("spa.png", "SPA requests per second")],
}


def section(args):
    modes = args.modes.split()
    with open(os.path.join(args.results, "all.json")) as f:
        run = json.load(f)
    lines = [BEGIN, "## Every benchmark in one run: `scripts/bench all` (generated)", ""]
    lines.append("Written by `scripts/bench all` (tools/bench-plot/report.py); the next run replaces this section, so edit the "
                 "script, not the text. Each figure stands beside its ceiling measured in the same run.")
    lines.append("")
    lines.append(f"- command: `{args.command}`")
    lines.append(f"- modes covered by this run: {', '.join(modes)}" +
                 (f"; not run: {', '.join(m for m in TITLES if m not in modes)} (their latest figures are in the hand-written sections below)"
                  if any(m not in modes for m in TITLES) else ""))
    lines.append(f"- machine: {run['machine']}")
    lines.append(f"- date: {run['started']} to {run['finished']}; commit {run['commit']}")
    loads = []
    for mode in modes:
        path = os.path.join(args.results, f"{mode}.json")
        if os.path.exists(path):
            with open(path) as f:
                meta = json.load(f)["meta"]
            loads.append(f"{mode} {meta.get('load_before', '?')} → {meta.get('load_after', '?')}")
    if loads:
        lines.append("- load average (1, 5, 15 min) at the start → end of each mode, on a machine shared with other work: " + "; ".join(loads))
    lines.append("")
    all_targets = []
    for mode in modes:
        lines.append(f"### {TITLES[mode]}")
        lines.append("")
        status = run.get("status", {}).get(mode)
        if mode in TABLES:
            path = os.path.join(args.results, f"{mode}.json")
            if status != 0 or not os.path.exists(path):
                lines.append(f"Not measured: the mode failed (exit {status}); see target/bench/all-{mode}.log.")
                lines.append("")
                continue
            with open(path) as f:
                data = json.load(f)
            body, targets = TABLES[mode](data)
            lines.extend(body)
            if data["meta"].get("notes"):
                lines.append("")
                lines.append(data["meta"]["notes"])
            all_targets.extend(targets)
            lines.append("")
            for png, alt in PLOTS.get(mode, []):
                if os.path.exists(os.path.join(args.plots, png)):
                    lines.append(f"![{alt}](benchmarks/{png})")
            lines.append("")
        else:
            name, start = TEXT_SUMMARIES[mode]
            path = os.path.join(args.results, name)
            if status != 0 or not os.path.exists(path):
                lines.append(f"Not measured: the mode failed (exit {status}); see target/bench/all-{mode}.log.")
                lines.append("")
                continue
            with open(path) as f:
                text = f.read()
            all_targets.extend(text_targets(mode, text))
            if start and start in text:
                text = text[text.rindex(start):]
            if name.endswith(".md"):
                lines.append(text.strip())
            else:
                lines.extend(["```text", text.strip(), "```"])
            lines.append("")
    if all_targets:
        lines.append("### Targets (issue #17, acceptance 3)")
        lines.append("")
        lines.append("| figure | value | target | |")
        lines.append("|---|---|---|---|")
        for name, value, target, goal in all_targets:
            shown = num(value, 2)
            lines.append(f"| {name} | {shown} | {target} | {goal.split(' (')[0]} |")
        lines.append("")
    lines.append(END)
    block = "\n".join(lines) + "\n"

    with open(args.doc) as f:
        doc = f.read()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + block.rstrip("\n") + tail
    else:
        # After the first paragraph: the first blank line after the first non-heading text.
        match = re.search(r"\A#[^\n]*\n\n(?:[^\n]+\n)+\n", doc)
        at = match.end() if match else len(doc)
        doc = doc[:at] + block + "\n" + doc[at:]
    with open(args.doc, "w") as f:
        f.write(doc)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command_name", required=True)
    s = sub.add_parser("summarize")
    s.add_argument("mode", choices=sorted(TABLES))
    s.add_argument("--results", required=True)
    s.set_defaults(run=summarize)
    d = sub.add_parser("section")
    d.add_argument("--results", required=True)
    d.add_argument("--doc", required=True)
    d.add_argument("--plots", required=True, help="the directory of the PNGs (docs/benchmarks)")
    d.add_argument("--modes", required=True)
    d.add_argument("--command", required=True)
    d.set_defaults(run=section)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    sys.exit(main())
