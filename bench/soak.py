#!/usr/bin/env python3
"""Soak: 100 concurrent HTTP clients of both eras (50 legacy sessions, 50
stateless modern clients) mixing the methods against one mcp-host for a
long time; reports errors (target 0) and the server's RSS at the start and
the end (target flat). A benchmark, not a test: nothing here is asserted.

Usage: python3 bench/soak.py --build build [--minutes 10] [--slice 5]

The mix cycles through tools/call (echo), tools/list (201 tools),
resources/read, prompts/get, resources/list, prompts/list, ping (legacy)
and server/discover (modern); each slice runs one method for `--slice`
seconds with both eras at once
(mcphost_loadgen, raw JSON-RPC over keep-alive connections). RSS is read
from /proc after every slice.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import CONFIG, HttpServer, loadgen, prepare, status_kib  # noqa: E402

BOTH = ("legacy", "modern")
MIX = [  # (method, params, eras): ping exists only in the legacy era, server/discover only in the modern one
    ("tools/call", {"name": "echo", "arguments": {"text": "soak"}}, BOTH),
    ("tools/list", {}, BOTH),
    ("resources/read", {"uri": "test://static-text"}, BOTH),
    ("prompts/get", {"name": "test_simple_prompt"}, BOTH),
    ("resources/list", {}, BOTH),
    ("prompts/list", {}, BOTH),
    ("ping", {}, ("legacy",)),
    ("server/discover", {}, ("modern",)),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--slice", type=float, default=5, help="seconds per method and era pair")
    a = ap.parse_args()
    prepare(a.build)
    host = os.path.join(a.build, "bin", "mcp-host")
    srv = HttpServer([host, "--config", CONFIG, "--transport", "http", "--listen", "127.0.0.1:0"])
    pid = srv.p.pid
    started = time.time()
    end = started + a.minutes * 60
    totals = {"requests": 0, "errors": 0}
    per_method = {}
    rss_start = None
    rss_samples = []
    try:
        cycle = 0
        while time.time() < end:
            for method, params, eras in MIX:
                if time.time() >= end:
                    break
                common = ["--method", method, "--params", json.dumps(params, separators=(",", ":")),
                          "--seconds", str(a.slice), "--warmup", "0", "--url", srv.url, "--pid", str(pid),
                          "--sessions", "50"]
                exe = os.path.join(a.build, "bin", "mcphost_loadgen")
                procs = [subprocess.Popen([exe, "http", "--era", era, "--label", era] + common,
                                          stdout=subprocess.PIPE, text=True) for era in eras]
                for p in procs:
                    out, _ = p.communicate(timeout=120 + 4 * a.slice)
                    if p.returncode != 0:
                        sys.exit(f"mcphost_loadgen failed ({p.returncode})")
                    for line in out.splitlines():
                        if not line.startswith("{"):
                            continue
                        r = json.loads(line)
                        totals["requests"] += r["requests"]
                        totals["errors"] += r["errors"]
                        m = per_method.setdefault(method, {"requests": 0, "errors": 0})
                        m["requests"] += r["requests"]
                        m["errors"] += r["errors"]
                rss = status_kib(pid, "VmRSS")
                if rss_start is None:
                    rss_start = rss  # after the first slice: sessions made, caches warm
                rss_samples.append(rss)
            cycle += 1
            print(f"cycle {cycle}: {totals['requests']} requests, {totals['errors']} errors, "
                  f"RSS {rss_samples[-1] / 1024:.1f} MiB", file=sys.stderr)
        hwm = status_kib(pid, "VmHWM")
    finally:
        srv.stop()
    minutes = (time.time() - started) / 60
    print(f"# Soak: {datetime.date.today()}, {minutes:.1f} min, 50 legacy sessions + 50 stateless clients\n")
    print("| method | requests | errors |\n|---|---|---|")
    for method, m in per_method.items():
        print(f"| {method} | {m['requests']} | {m['errors']} |")
    print(f"| **all** | {totals['requests']} | {totals['errors']} |\n")
    print(f"RSS after the first slice {rss_start / 1024:.1f} MiB, at the end {rss_samples[-1] / 1024:.1f} MiB, "
          f"lowest {min(rss_samples) / 1024:.1f}, highest {max(rss_samples) / 1024:.1f}, peak (VmHWM) {hwm / 1024:.1f} MiB")
    print(f"errors: {'0 (target met)' if totals['errors'] == 0 else totals['errors']}; "
          f"RSS end/start {rss_samples[-1] / max(rss_start, 1):.2f}")


if __name__ == "__main__":
    main()
