#!/usr/bin/env python3
"""isolation.py - what plugins[].isolation: process costs per call.

Runs mcp-host over stdio with the echo plugin twice, in process and in a
runner process (MCPHOST_ISOLATION=process), and sends N tools/call echo
requests sequentially and with 16 in flight. Reports throughput, latency
percentiles, and CPU per request of mcp-host and of the runner (user+sys from
/proc; the runner is found as mcp-host's child), which survive a shared
machine better than wall time.

  python3 bench/isolation.py --build build [-n 20000]
"""
import argparse, os, subprocess, sys, tempfile, time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def children(pid):
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, int(q * len(sorted_values)))
    return sorted_values[i]


def run(host, plugin_dir, mode, n, in_flight):
    cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    cfg.write(f"server: {{log_level: warn}}\nplugins:\n  - path: {plugin_dir}/libmcphost_echo.so\n    alias: \"\"\n")
    cfg.close()
    env = dict(os.environ, MCPHOST_ISOLATION=mode)
    t0 = time.perf_counter()
    p = subprocess.Popen([host, "--config", cfg.name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
                         env=env)
    p.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
                  b'"capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}\n')
    p.stdout.readline()
    cold = time.perf_counter() - t0
    kids = children(p.pid)
    if mode == "process" and not kids:
        sys.exit("no runner process under mcp-host: is mcp-plugin-runner built beside it?")
    req = '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}\n'
    # Warm-up.
    for i in range(200):
        p.stdin.write((req % (10**9 + i)).encode())
        p.stdout.readline()
    host0 = cpu_seconds(p.pid)
    kid0 = sum(cpu_seconds(k) for k in kids)
    sent = recv = 0
    sent_at = {}
    lat = []
    start = time.perf_counter()
    out = p.stdout
    while recv < n:
        while sent < n and sent - recv < in_flight:
            sent += 1
            sent_at[sent] = time.perf_counter()
            p.stdin.write((req % sent).encode())
        line = out.readline()
        now = time.perf_counter()
        if b'"result"' not in line or b'"isError"' in line:
            sys.exit("unexpected answer: " + line.decode()[:300])
        rid = int(line.split(b'"id":', 1)[1].split(b",", 1)[0])
        lat.append(now - sent_at.pop(rid))
        recv += 1
    wall = time.perf_counter() - start
    host_cpu = cpu_seconds(p.pid) - host0
    kid_cpu = sum(cpu_seconds(k) for k in kids) - kid0
    p.stdin.close()
    p.wait()
    os.unlink(cfg.name)
    lat.sort()
    return {
        "mode": mode, "in_flight": in_flight, "rps": n / wall, "p50": percentile(lat, 0.5) * 1e6,
        "p99": percentile(lat, 0.99) * 1e6, "host_us": host_cpu / n * 1e6, "runner_us": kid_cpu / n * 1e6,
        "cold_ms": cold * 1e3,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="a build folder (bin/mcp-host, lib/mcphost/plugins)")
    ap.add_argument("-n", type=int, default=20000, help="calls per run")
    a = ap.parse_args()
    host = os.path.join(a.build, "bin", "mcp-host")
    plugin_dir = os.path.abspath(os.path.join(a.build, "lib", "mcphost", "plugins"))
    rows = []
    for in_flight in (1, 16):
        for mode in ("in_process", "process"):
            rows.append(run(host, plugin_dir, mode, a.n, in_flight))
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; nproc {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f}; {a.n} echo calls per row over stdio\n")
    print("| isolation | in flight | req/s | p50 | p99 | mcp-host CPU/call | runner CPU/call | total CPU/call | start to initialize |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['in_flight']} | {r['rps']:,.0f} | {r['p50']:.0f} us | {r['p99']:.0f} us | "
              f"{r['host_us']:.1f} us | {r['runner_us']:.1f} us | {r['host_us'] + r['runner_us']:.1f} us | "
              f"{r['cold_ms']:.1f} ms |")
    base = {r["in_flight"]: r for r in rows if r["mode"] == "in_process"}
    for r in rows:
        if r["mode"] == "process":
            b = base[r["in_flight"]]
            extra = r["host_us"] + r["runner_us"] - b["host_us"]
            print(f"\nisolation costs {extra:.1f} us of CPU per call with {r['in_flight']} in flight "
                  f"(p50 {r['p50'] - b['p50']:+.0f} us)", end="")
    print()


if __name__ == "__main__":
    main()
