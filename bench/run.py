#!/usr/bin/env python3
"""bench/run.py - mcp-host against a server written with the official
TypeScript SDK (bench/peer/server.mjs), every workload, in one run (issue 9).

  python3 bench/run.py --build build [--seconds 3] [--warmup 1] [--write-results]
                       [--only stdio|http] [--workloads echo,tools/list,...]

Both servers serve the same catalog (bench/config/mcphost.yaml and the peer):
the echo tool, 200 more echo tools, resource test://static-text and prompt
test_simple_prompt. The workloads are

  echo            tools/call echo {"text":"hello"}
  tools/list      the 201 tools in one page
  resources/read  test://static-text
  prompts/get     test_simple_prompt

each over stdio (1 and 16 requests in flight; a fresh server per workload,
so each also gives a cold start) and over Streamable HTTP with 1, 16 and 100
clients on keep-alive connections, in two eras: legacy sessions (both
servers) and stateless - mcp-host's 2026-07-28 era against the SDK 1.x
peer's stateless mode (it knows no 2026-07-28). The load comes from
mcphost_loadgen (bench/loadgen/, raw JSON-RPC, built with the project);
server CPU per request is utime+stime of the server process from /proc,
the figure that survives a shared machine.

It prints one table per transport with the mcphost/peer ratios (CPU per
request, throughput, p99), the issue's targets, the machine and the date;
--write-results also writes it all to bench/RESULTS.md. A benchmark, not a
test: it fails on nothing but a broken setup.
"""
import argparse
import datetime
import json
import os
import platform
import re
import select
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER_DIR = os.path.join(HERE, "peer")
CONFIG = os.path.join(HERE, "config", "mcphost.yaml")

WORKLOADS = [
    ("echo", "tools/call", {"name": "echo", "arguments": {"text": "hello"}}),
    ("tools/list", "tools/list", {}),
    ("resources/read", "resources/read", {"uri": "test://static-text"}),
    ("prompts/get", "prompts/get", {"name": "test_simple_prompt"}),
]
STDIO_INFLIGHT = [1, 16]
HTTP_SESSIONS = [1, 16, 100]


# ---- setup ---------------------------------------------------------------

def sh(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr, **kw)  # stdout carries only the report


def prepare(build):
    """Builds what the run needs (a no-op when up to date) and installs the
    peer's pinned SDK once."""
    cache = os.path.join(build, "CMakeCache.txt")
    if not os.path.exists(cache):
        sys.exit(f"{build} is not a CMake build folder: cmake -S . -B {build} -DCMAKE_BUILD_TYPE=Release")
    build_type = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", open(cache).read(), re.M)
    build_type = build_type.group(1) if build_type else "?"
    if build_type not in ("Release", "RelWithDebInfo"):
        print(f"warning: {build} is a {build_type} build; the figures are only meaningful for Release", file=sys.stderr)
    sh(["cmake", "--build", build, "--target", "mcp-host", "mcphost_loadgen", "mcphost_echo", "mcphost_conformance"])
    if not os.path.isdir(os.path.join(PEER_DIR, "node_modules")):
        sh(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR)
    return build_type


def servers(build):
    host = os.path.join(build, "bin", "mcp-host")
    return {
        "mcphost": [host, "--config", CONFIG],
        "peer": ["node", os.path.join(PEER_DIR, "server.mjs")],
    }


# ---- a plain client for the checks --------------------------------------

class StdioClient:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.next = 0
        self.call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                 "clientInfo": {"name": "bench-check", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, msg):
        self.p.stdin.write((json.dumps(msg) + "\n").encode())

    def call(self, method, params):
        self.next += 1
        self.send({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params})
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("server closed stdout")
            msg = json.loads(line)
            if msg.get("id") == self.next:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def check_same_answers(cmds):
    """Both servers must do the same work: same tool count, same texts."""
    seen = {}
    for name, cmd in cmds.items():
        c = StdioClient(cmd)
        tools = c.call("tools/list", {})
        echo = c.call("tools/call", WORKLOADS[0][2])
        res = c.call("resources/read", WORKLOADS[2][2])
        prompt = c.call("prompts/get", WORKLOADS[3][2])
        c.close()
        seen[name] = (len(tools["tools"]), "nextCursor" in tools, echo["content"][0]["text"],
                      res["contents"][0]["text"], prompt["messages"][0]["content"]["text"])
    a, b = seen["mcphost"], seen["peer"]
    if a != b:
        sys.exit(f"the servers do not answer alike:\n  mcphost {a}\n  peer    {b}")
    print(f"check: both servers list {a[0]} tools in one page and answer echo, resources/read and "
          f"prompts/get with the same texts", file=sys.stderr)


# ---- running the load generator -----------------------------------------

def loadgen(build, args, timeout):
    exe = os.path.join(build, "bin", "mcphost_loadgen")
    out = subprocess.run([exe] + args, stdout=subprocess.PIPE, text=True, timeout=timeout)
    if out.returncode != 0:
        sys.exit(f"mcphost_loadgen failed ({out.returncode}): {' '.join(args)}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def common_args(a, label, method, params):
    return ["--label", label, "--method", method, "--params", json.dumps(params, separators=(",", ":")),
            "--seconds", str(a.seconds), "--warmup", str(a.warmup)]


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class HttpServer:
    """A server on a free loopback port; the URL comes from the "listening on"
    line both print on stderr."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        buf, deadline = b"", time.time() + 20
        while time.time() < deadline:
            r, _, _ = select.select([self.p.stderr], [], [], 0.5)
            if r:
                chunk = os.read(self.p.stderr.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                m = re.search(rb"listening on (http://\S+)", buf)
                if m:
                    self.url = m.group(1).decode()
                    time.sleep(0.3)  # let start-up settle before the idle RSS is read
                    self.idle_rss = status_kib(self.p.pid, "VmRSS")
                    return
        self.p.kill()
        sys.exit(f"{cmd[0]} did not start listening:\n{buf.decode(errors='replace')}")

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def startup(a, cmds):
    """Cold start (median of 5 spawns) and RSS after a few pings, over stdio,
    for the bench config, the smallest config and the shipped default
    (filesystem + analytics, when those plugins are built)."""
    host = cmds["mcphost"][0]
    configs = [("mcphost, bench config", cmds["mcphost"]),
               ("mcphost, config/examples/echo.yaml",
                [host, "--config", os.path.join(REPO, "config", "examples", "echo.yaml"), "--log-level", "warn"])]
    plugins = os.path.join(a.build, "lib", "mcphost", "plugins")
    if all(os.path.exists(os.path.join(plugins, f"libmcphost_{d}.so")) for d in ("filesystem", "analytics")):
        configs.append(("mcphost, config/mcphost.yaml (filesystem + analytics)",
                        [host, "--config", os.path.join(REPO, "config", "mcphost.yaml"), "--log-level", "warn"]))
    configs.append(("peer", cmds["peer"]))
    rows = []
    for name, cmd in configs:
        runs = []
        for _ in range(5):
            runs += loadgen(a.build, ["stdio", "--method", "ping", "--params", "{}", "--seconds", "0.05",
                                      "--warmup", "0", "--inflight", "1", "--"] + cmd, timeout=60)
        runs.sort(key=lambda r: r["cold_ms"])
        rows.append((name, runs[len(runs) // 2]["cold_ms"], max(r["hwm_kib"] for r in runs)))
    return rows


def run_stdio(a, cmds, chosen):
    rows = []
    for wname, method, params in chosen:
        for server, cmd in cmds.items():
            print(f"stdio {wname}: {server}", file=sys.stderr)
            args = ["stdio"] + common_args(a, server, method, params) + \
                   ["--inflight", ",".join(map(str, STDIO_INFLIGHT)), "--"] + cmd
            for r in loadgen(a.build, args, timeout=120 + 4 * (a.seconds + a.warmup)):
                r["workload"] = wname
                rows.append(r)
    return rows


def run_http(a, cmds, chosen):
    rows, idle = [], {}
    setups = [
        # (era label in the table, server, command, loadgen era)
        ("legacy", "mcphost", cmds["mcphost"] + ["--transport", "http", "--listen", "127.0.0.1:0"], "legacy"),
        ("legacy", "peer", cmds["peer"] + ["--http", "0"], "legacy"),
        ("stateless", "mcphost", cmds["mcphost"] + ["--transport", "http", "--listen", "127.0.0.1:0"], "modern"),
        ("stateless", "peer", cmds["peer"] + ["--http", "0", "--stateless"], "stateless"),
    ]
    for era, server, cmd, lg_era in setups:
        srv = HttpServer(cmd)
        idle.setdefault(server, srv.idle_rss)
        try:
            for wname, method, params in chosen:
                print(f"http {era} {wname}: {server}", file=sys.stderr)
                args = ["http"] + common_args(a, server, method, params) + \
                       ["--url", srv.url, "--pid", str(srv.p.pid), "--era", lg_era,
                        "--sessions", ",".join(map(str, HTTP_SESSIONS))]
                for r in loadgen(a.build, args, timeout=120 + 4 * (a.seconds + a.warmup)):
                    r["workload"] = wname
                    r["table_era"] = era
                    rows.append(r)
        finally:
            srv.stop()
    return rows, idle


# ---- the report ------------------------------------------------------------

def fmt_us(v):
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.0f} us" if v >= 100 else f"{v:.1f} us"


def ratio(x, y):
    return f"{x / y:.3f}" if y else "-"


def table(rows, key_cols, key_of):
    """One line per (workload, key): both servers' figures and mcphost/peer."""
    pairs = {}
    for r in rows:
        pairs.setdefault(key_of(r), {})[r["label"]] = r
    head = ["workload"] + key_cols + ["mcphost req/s", "peer req/s", "mcphost p99", "peer p99",
                                      "mcphost CPU/req", "peer CPU/req", "errors m/p", "gen CPU m/p",
                                      "CPU/req m/p", "req/s m/p", "p99 m/p", "peer CPU ÷ mcphost"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, pr in pairs.items():
        m, p = pr.get("mcphost"), pr.get("peer")
        if not m or not p:
            continue
        cells = list(key) + [
            f"{m['rps']:,.0f}", f"{p['rps']:,.0f}", fmt_us(m["p99_us"]), fmt_us(p["p99_us"]),
            fmt_us(m["cpu_us_per_req"]), fmt_us(p["cpu_us_per_req"]), f"{m['errors']}/{p['errors']}",
            f"{m['gen_cpu_share']:.0%}/{p['gen_cpu_share']:.0%}",
            ratio(m["cpu_us_per_req"], p["cpu_us_per_req"]), ratio(m["rps"], p["rps"]),
            ratio(m["p99_us"], p["p99_us"]),
            f"{p['cpu_us_per_req'] / m['cpu_us_per_req']:.1f}x" if m["cpu_us_per_req"] else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def find(rows, **kw):
    for r in rows:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def targets(stdio, http, idle, starts):
    """The issue's targets, each with its figure and met / not met."""
    out = []

    def line(name, ok, figure):
        out.append(f"| {name} | {figure} | {'met' if ok else '**not met**'} |")

    m1 = find(stdio, label="mcphost", workload="echo", concurrency=1)
    p1 = find(stdio, label="peer", workload="echo", concurrency=1)
    m16 = find(stdio, label="mcphost", workload="echo", concurrency=16)
    p16 = find(stdio, label="peer", workload="echo", concurrency=16)
    if m1 and p1 and m16 and p16:
        for n, (m, p) in (("sequential", (m1, p1)), ("16 in flight", (m16, p16))):
            f = p["cpu_us_per_req"] / m["cpu_us_per_req"]
            line(f"stdio echo {n}: >= 10x less server CPU/request", f >= 10,
                 f"{fmt_us(m['cpu_us_per_req'])} vs {fmt_us(p['cpu_us_per_req'])}: {f:.1f}x")
        line("stdio echo sequential: p99 < 100 us", m1["p99_us"] < 100, fmt_us(m1["p99_us"]))
    for era in ("legacy", "stateless"):
        m = find(http, label="mcphost", workload="echo", concurrency=100, table_era=era)
        p = find(http, label="peer", workload="echo", concurrency=100, table_era=era)
        if m and p:
            f = p["cpu_us_per_req"] / m["cpu_us_per_req"]
            what = "100 legacy sessions" if era == "legacy" else "100 modern clients (peer: stateless legacy)"
            line(f"HTTP echo, {what}: >= 10x less server CPU/request", f >= 10,
                 f"{fmt_us(m['cpu_us_per_req'])} vs {fmt_us(p['cpu_us_per_req'])}: {f:.1f}x")
            line(f"HTTP echo, {what}: p99 < 2 ms", m["p99_us"] < 2000, fmt_us(m["p99_us"]))
            line(f"HTTP echo, {what}: 0 errors", m["errors"] == 0, str(m["errors"]))
    for n, c, h in starts:
        if n.startswith("mcphost"):
            line(f"cold start < 10 ms ({n[9:]})", c < 10, f"{c:.1f} ms")
    for n, c, h in starts:
        if "filesystem" in n:
            line("peak RSS at idle with both first-party plugins < 10 MiB", h < 10 * 1024, f"{h / 1024:.1f} MiB")
    if "mcphost" in idle:
        line("idle RSS < 10 MiB (bench config: echo x201 + conformance, HTTP, before load)",
             idle["mcphost"] < 10 * 1024, f"{idle['mcphost'] / 1024:.1f} MiB (peer {idle.get('peer', 0) / 1024:.0f} MiB)")
    return "| target | figure | |\n|---|---|---|\n" + "\n".join(out)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    node = subprocess.run(["node", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    sdk = json.load(open(os.path.join(PEER_DIR, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))["version"]
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True).stdout.strip() or "?"
    # The build is of the working tree: say so when the host's sources differ from the commit.
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "host", "plugin_api", "plugins"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    if dirty:
        commit += " + uncommitted changes under host/, plugin_api/ or plugins/"
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{os.cpu_count()} x {model} (nproc {len(os.sched_getaffinity(0))})",
        "kernel": platform.release(), "node": node, "sdk": sdk, "commit": commit,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def report(a, build_type, mach, starts, stdio, http, idle):
    def rss_line(rows, server):
        peaks = [r["hwm_kib"] for r in rows if r["label"] == server]
        return f"{max(peaks) / 1024:.1f} MiB" if peaks else "-"

    parts = [
        "# Benchmark: mcp-host vs the official TypeScript SDK",
        "",
        f"- date: {mach['date']}; machine: {mach['cpu']}, Linux {mach['kernel']}; load average at start "
        f"{mach['load']}",
        f"- mcp-host {mach['commit']} ({build_type} build); peer: @modelcontextprotocol/sdk {mach['sdk']} "
        f"McpServer on node {mach['node']}",
        f"- command: `python3 bench/run.py --build {a.build_arg} --seconds {a.seconds} --warmup {a.warmup}`; "
        f"each phase: {a.warmup} s warm-up, then {a.seconds} s measured",
        "- gen CPU: the load generator's own CPU time as a share of the wall time (near 100%: the "
        "generator, not the server, set the throughput)",
        "- ratios are mcphost/peer: below 1 means mcp-host uses less CPU per request or has the lower p99, "
        "above 1 more throughput; the last column is how many times more CPU the peer spends per request",
        "",
    ]
    if stdio:
        parts += ["## stdio", "", "In flight: requests outstanding at once (1 = sequential).", "",
                  table(stdio, ["in flight"], lambda r: (r["workload"], str(r["concurrency"]))), "",
                  f"Peak RSS over the stdio runs: mcp-host {rss_line(stdio, 'mcphost')}, "
                  f"peer {rss_line(stdio, 'peer')}.", ""]
    if http:
        parts += ["## Streamable HTTP", "",
                  "Clients: concurrent clients, each on its own keep-alive connection with one request in "
                  "flight. legacy: initialize + Mcp-Session-Id sessions on both. stateless: mcp-host's "
                  "2026-07-28 era (`_meta` + MCP-Protocol-Version/Mcp-Method/Mcp-Name headers) against the "
                  "SDK 1.x peer's stateless mode (2025-11-25 without sessions: SDK 1.x has no 2026-07-28).", "",
                  table(http, ["era", "clients"], lambda r: (r["workload"], r["table_era"], str(r["concurrency"]))),
                  "",
                  f"Idle RSS after start (HTTP, bench config): mcp-host {idle.get('mcphost', 0) / 1024:.1f} MiB, "
                  f"peer {idle.get('peer', 0) / 1024:.1f} MiB. Peak RSS over the HTTP runs: mcp-host "
                  f"{rss_line(http, 'mcphost')}, peer {rss_line(http, 'peer')}.", ""]
    parts += ["## Start-up", "", "Over stdio: spawn to the `initialize` response (median of 5), and peak RSS "
              "after a few pings.", "", "| server | cold start | peak RSS |", "|---|---|---|"]
    parts += [f"| {n} | {c:.1f} ms | {h / 1024:.1f} MiB |" for n, c, h in starts] + [""]
    parts += ["## Targets (issue 9)", "", targets(stdio, http, idle, starts), ""]
    gen = max([r["gen_cpu_share"] for r in stdio + http] or [0])
    parts += ["## Notes", "",
              "- The machine is shared (other jobs, e.g. CI, may run beside the benchmark; see the load "
              "average above): server CPU per request is the figure to compare, throughput and latency "
              "move with the load. The generator (`mcphost_loadgen`) and the server share the cores; "
              f"the generator's highest CPU share of wall time in any phase was {gen:.0%} (near 100% "
              "it, not the server, would set the throughput).",
              "- HTTP clients are closed-loop (one request in flight each), so with K clients the mean "
              "latency is K / throughput: 100 clients at a p99 under 2 ms needs well over 50k requests/s "
              "from the two cores the server and the generator share.",
              "- The peer is shown at its best: JSON answers instead of SSE, and in stateless mode a pool of "
              "McpServers instead of a new one per request. Its stateless mode speaks 2025-11-25 "
              "(SDK 1.x has no 2026-07-28); mcp-host's stateless rows are its 2026-07-28 era.",
              "- tools/list: 201 tools in one page on both (mcp-host's page_size is raised to 1000 for "
              "that; the SDK does not paginate).", ""]
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="CMake build folder (Release); default build")
    ap.add_argument("--seconds", type=float, default=3.0, help="measured time per phase (default 3)")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured warm-up per phase (default 1)")
    ap.add_argument("--only", choices=["stdio", "http"], help="run one transport only")
    ap.add_argument("--workloads", help="comma-separated subset of: " + ", ".join(w[0] for w in WORKLOADS))
    ap.add_argument("--write-results", action="store_true", help="also write the report to bench/RESULTS.md")
    a = ap.parse_args()
    a.build_arg = a.build
    a.build = os.path.abspath(a.build)
    chosen = WORKLOADS
    if a.workloads:
        want = a.workloads.split(",")
        chosen = [w for w in WORKLOADS if w[0] in want]
        if len(chosen) != len(want):
            sys.exit("unknown workload in --workloads")
    if not shutil.which("node"):
        sys.exit("node is needed for the peer")

    build_type = prepare(a.build)
    mach = machine()
    cmds = servers(a.build)
    check_same_answers(cmds)
    starts = startup(a, cmds)
    stdio = run_stdio(a, cmds, chosen) if a.only != "http" else []
    http, idle = run_http(a, cmds, chosen) if a.only != "stdio" else ([], {})
    mach["load"] += "; at the end " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(a, build_type, mach, starts, stdio, http, idle)
    print(text)
    if a.write_results:
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write(text)
        print(f"written to {os.path.join(HERE, 'RESULTS.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
