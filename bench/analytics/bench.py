#!/usr/bin/python3
"""Load, summary and correlation of the same CSV in pandas and in mcp-host's
analytics plugin, in one run; prints times, peak memory and the ratios.

Usage: bench.py --host BIN --plugin-dir DIR [--rows 1000000] [--file F]
Generates a ~100 MB CSV (1M rows x 12 mixed columns, with missing values)
unless --file is given. pandas runs in a child process so its peak RSS is
its own; the host's peak RSS is VmHWM of the mcp-host process.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugins", "analytics",
                                "tests"))
from mcp_client import Host  # noqa: E402

PANDAS_CHILD = r'''
import json, sys, time
import pandas as pd
t0 = time.perf_counter(); df = pd.read_csv(sys.argv[1]); t1 = time.perf_counter()
d = df.describe().to_dict(); t2 = time.perf_counter()
c = df.select_dtypes(include=["number"]).corr().to_dict(); t3 = time.perf_counter()
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child of the (large)
# generating parent would report the parent's peak.
hwm = [int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(json.dumps({"load": t1 - t0, "summary": t2 - t1, "correlation": t3 - t2, "peak_rss": hwm}))
'''


def generate(path, rows):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(7)
    df = pd.DataFrame({
        "id": np.arange(rows),
        "price": rng.lognormal(3, 1, rows).round(4),
        "qty": rng.integers(1, 500, rows),
        "discount": rng.uniform(0, 0.5, rows).round(6),
        "score": rng.normal(50, 15, rows),
        "visits": pd.array(rng.integers(0, 10000, rows), dtype="Int64"),
        "lat": rng.uniform(-90, 90, rows),
        "active": rng.random(rows) < 0.5,
        "region": rng.choice(["north", "south", "east", "west", "central"], rows),
        "segment": rng.choice(["consumer", "corporate", "home office"], rows),
        "day": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, rows), unit="D"),
        "code": ["C" + str(x) for x in rng.integers(0, 10**9, rows)],
    })
    for col in ("score", "visits", "price"):
        df.loc[rng.random(rows) < 0.05, col] = None
    df["day"] = df["day"].dt.strftime("%Y-%m-%d")
    df.to_csv(path, index=False)


def vm_hwm(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--file")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="analytics-bench-")
    path = a.file or os.path.join(tmp, "bench.csv")
    if not a.file:
        generate(path, a.rows)
    size = os.path.getsize(path)
    print(f"file: {path} ({size / 1e6:.1f} MB)", flush=True)

    pd_res = json.loads(subprocess.run([sys.executable, "-c", PANDAS_CHILD, path], check=True,
                                       capture_output=True, text=True).stdout)

    host = Host(a.host, a.plugin_dir, [os.path.dirname(os.path.realpath(path))],
                {"max_dataset_mb": 4096, "max_total_mb": 8192})
    try:
        base = vm_hwm(host.proc.pid)
        ours = {}
        t0 = time.perf_counter()
        host.structured("load_data", {"file_path": os.path.realpath(path), "data_id": "bench"})
        ours["load"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        host.structured("analyze_data", {"data_id": "bench", "operation": "summary"})
        ours["summary"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        host.structured("analyze_data", {"data_id": "bench", "operation": "correlation"})
        ours["correlation"] = time.perf_counter() - t0
        ours["peak_rss"] = vm_hwm(host.proc.pid)
        ours["peak_rss_over_start"] = ours["peak_rss"] - base
    finally:
        host.close()

    print(f"{'step':<12}{'pandas':>12}{'mcphost':>12}{'speedup':>10}")
    for step in ("load", "summary", "correlation"):
        print(f"{step:<12}{pd_res[step]:>11.3f}s{ours[step]:>11.3f}s{pd_res[step] / ours[step]:>9.2f}x")
    print(f"{'peak RSS':<12}{pd_res['peak_rss'] / 2**20:>10.0f}MB{ours['peak_rss'] / 2**20:>10.0f}MB"
          f"{pd_res['peak_rss'] / ours['peak_rss']:>9.2f}x")
    print(f"host RSS growth over start: {ours['peak_rss_over_start'] / 2**20:.0f} MB = "
          f"{ours['peak_rss_over_start'] / size:.2f}x the file (target <= 2x)")
    print("(mcphost times are whole MCP round trips over stdio, JSON included)")


if __name__ == "__main__":
    main()
