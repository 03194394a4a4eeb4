#!/usr/bin/env python3
"""Start → first 200 and RSS of one server binary, for `scripts/bench startup`.

Starts COMMAND --starts times, each on a fresh port given in the environment variable
--port-env (PORT, or HEALTH_PORT for the worker), and times from just before the fork
(`subprocess.Popen`) to the first 200 answer of GET /health/live, polling with http.client
(a refused connection is retried after 0.5 ms, so the resolution is about 1 ms). One second
after that answer it reads the idle RSS (VmRSS of /proc/PID/status), then stops the process
with SIGTERM. The last start stays up for the load commands (--load, run in order through the
shell, `{base}` replaced by http://127.0.0.1:PORT), after which it reads VmRSS and VmHWM again.

Prints one `RESULT startup …` line (key=value, as scripts/bench's other results) and, with
--verbose, each start's time on stderr. Standard library only.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def first_200(process: subprocess.Popen, port: int, deadline: float) -> float:
    """Polls GET /health/live until 200; returns perf_counter() at that answer."""
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode} before answering")
        if time.perf_counter() > deadline:
            raise RuntimeError("no 200 on /health/live before the deadline")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/health/live")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return time.perf_counter()
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            time.sleep(0.0005)
        finally:
            connection.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--port-env", default="PORT")
    parser.add_argument("--idle-seconds", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds each start may take")
    parser.add_argument("--load", action="append", default=[], help="shell command run against the last start")
    parser.add_argument("--load-label", default="none")
    parser.add_argument("--log", help="file for the servers' stdout and stderr")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    log = open(args.log, "ab") if args.log else subprocess.DEVNULL

    starts_ms, idle_kib, anon_kib, file_kib = [], [], [], []
    after_load_kib = peak_kib = None
    for attempt in range(args.starts):
        port = free_port()
        env = dict(os.environ, **{args.port_env: str(port)})
        env.setdefault("PUBLIC_URL", f"http://127.0.0.1:{port}")
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        try:
            answered = first_200(process, port, started + args.timeout)
            starts_ms.append((answered - started) * 1000)
            time.sleep(args.idle_seconds)
            idle_kib.append(status_kib(process.pid, "VmRSS"))
            # The split: the process's own memory, and the pages of files (its executable, the
            # libraries) mapped as it touched them, shared with every process of the same image.
            anon_kib.append(status_kib(process.pid, "RssAnon"))
            file_kib.append(status_kib(process.pid, "RssFile"))
            if args.verbose:
                print(f"{args.name} start {attempt + 1}: {starts_ms[-1]:.1f} ms, idle RSS {idle_kib[-1]} KiB", file=sys.stderr)
            if attempt == args.starts - 1 and args.load:
                base = f"http://127.0.0.1:{port}"
                for load in args.load:
                    subprocess.run(load.replace("{base}", base), shell=True, check=True, stdout=sys.stderr)
                after_load_kib = status_kib(process.pid, "VmRSS")
                peak_kib = status_kib(process.pid, "VmHWM")
        finally:
            stop(process)

    fields = {
        "binary": args.name,
        "starts": len(starts_ms),
        "start_median_ms": f"{statistics.median(starts_ms):.2f}",
        "start_min_ms": f"{min(starts_ms):.2f}",
        "start_max_ms": f"{max(starts_ms):.2f}",
        "starts_ms": ",".join(f"{s:.1f}" for s in starts_ms),
        "idle_rss_kib": int(statistics.median(idle_kib)),
        "idle_rss_max_kib": max(idle_kib),
        "idle_anon_kib": int(statistics.median(anon_kib)),
        "idle_file_kib": int(statistics.median(file_kib)),
        "load": args.load_label,
    }
    if after_load_kib is not None:
        fields["after_load_rss_kib"] = after_load_kib
        fields["peak_rss_kib"] = peak_kib
    print("RESULT startup " + " ".join(f"{k}={v}" for k, v in fields.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
