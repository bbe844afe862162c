#!/usr/bin/env python3
"""stdio_echo.py - quick figure for the stdio hot path (issue 9 grows this
into the full benchmark against the reference SDK).

Spawns mcp-host with the echo plugin, initializes, then sends N tools/call
echo requests with up to W in flight, and reports throughput and the host's
CPU time per request (user+sys of the child, from /proc), which survives a
shared machine better than wall time.

  python3 bench/stdio_echo.py --host build/bin/mcp-host --plugin-dir build/lib/mcphost/plugins [-n 20000] [-w 16]
"""
import argparse, json, os, subprocess, sys, tempfile, time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("-w", type=int, default=16, help="requests in flight")
    a = ap.parse_args()
    cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    cfg.write(f"server: {{log_level: warn}}\nplugins:\n  - path: {a.plugin_dir}/libmcphost_echo.so\n    alias: \"\"\n")
    cfg.close()
    t0 = time.perf_counter()
    p = subprocess.Popen([a.host, "--config", cfg.name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    p.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}\n')
    p.stdout.readline()
    cold = time.perf_counter() - t0
    cpu0 = cpu_seconds(p.pid)
    req = '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}\n'
    sent = recv = 0
    start = time.perf_counter()
    out = p.stdout
    while recv < a.n:
        while sent < a.n and sent - recv < a.w:
            sent += 1
            p.stdin.write((req % sent).encode())
        line = out.readline()
        if not line:
            sys.exit("host closed stdout")
        if b'"result"' not in line:
            sys.exit("unexpected answer: " + line.decode()[:200])
        recv += 1
    wall = time.perf_counter() - start
    cpu = cpu_seconds(p.pid) - cpu0
    p.stdin.close()
    p.wait()
    os.unlink(cfg.name)
    print(f"stdio echo: {a.n} calls, {a.w} in flight: {a.n / wall:,.0f} req/s, "
          f"host CPU {cpu / a.n * 1e6:.1f} us/request, spawn to initialize {cold * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
