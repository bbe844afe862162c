#!/usr/bin/python3
"""End-to-end through mcp-host over stdio: the catalog (tools with schemas,
resources, templates, prompts), outputSchema-checked results, isError
results that say what to do next, progress notifications, a handle
returned by one host process resolving on another (stateless replicas),
query (SQL) against Python's sqlite3 over the same CSV, plot (PNG image
content, decoded) and completion/complete of data_id and column arguments.

Usage: e2e_host.py --host BIN --plugin-dir DIR
"""
import argparse
import base64
import csv as csvmod
import json
import os
import sqlite3
import struct
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mcp_client import Host  # noqa: E402

failures = []


def png_pixels(data):
    """Width, height and RGB rows of an 8-bit RGB, non-interlaced PNG (what
    the plugin writes), with the standard library only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    pos, idat = 8, b""
    w = h = 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 2, "8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * 3
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--plugin-dir", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="analytics-e2e-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    with open(os.path.join(data, "weather.csv"), "w") as f:
        f.write("city,date,temp,rain\n")
        for i in range(400):
            city = ["Oslo", "Rome", "Lima"][i % 3]
            temp = "" if i % 17 == 0 else str(round(10 + (i % 23) * 0.7 - (5 if city == "Oslo" else 0), 2))
            f.write(f"{city},2024-01-{1 + i % 28:02d},{temp},{(i * 7) % 13}\n")
    big = os.path.join(data, "big.csv")
    with open(big, "w") as f:
        f.write("a,b,c\n")
        line = "123456,7.25,some words here\n"
        f.write(line * ((10 << 20) // len(line)))
    with open(os.path.join(tmp, "outside.csv"), "w") as f:
        f.write("x\n1\n")

    cfg = {"handle_secret": "replica-secret"}
    h1 = Host(a.host, a.plugin_dir, [data], cfg)
    h2 = Host(a.host, a.plugin_dir, [data], cfg)
    try:
        tools = {t["name"]: t for t in h1.request("tools/list")["tools"]}
        for name in ("load_data", "analyze_data", "query", "plot", "list_datasets", "drop_data"):
            check(name in tools, f"tool {name} listed")
        check("outputSchema" in tools.get("analyze_data", {}), "analyze_data has an outputSchema")
        res = {r["uri"] for r in h1.request("resources/list")["resources"]}
        check({"analytics://status", "analytics://datasets"} <= res, f"static resources listed: {res}")
        tmpl = {t["uriTemplate"] for t in h1.request("resources/templates/list")["resourceTemplates"]}
        check({"analytics://data/{data_id}", "analytics://schema/{data_id}"} <= tmpl, f"templates listed: {tmpl}")
        prompts = {p["name"] for p in h1.request("prompts/list")["prompts"]}
        check({"data_exploration_guide", "data_quality_report", "correlation_study"} <= prompts, "prompts listed")

        r = h1.call_tool("load_data", {"file_path": "weather.csv", "data_id": "weather"})
        check(not r.get("isError"), f"load_data ok: {r}")
        sc = r["structuredContent"]
        check(sc["shape"] == [400, 4], f"shape {sc['shape']}")
        check(sc["schema"]["columns"]["date"]["type"] == "datetime", "date column is datetime")
        check(sc["schema"]["columns"]["temp"]["null_count"] == 24, "temp nulls")
        handle = sc["handle"]

        for op, extra in (("summary", {}), ("summary", {"include": "all"}), ("correlation", {}),
                          ("correlation", {"method": "spearman"}), ("value_counts", {"column": "city"}),
                          ("group_by", {"by": ["city"], "aggregations": {"temp": ["mean", "std", "median"]}}),
                          ("filter", {"conditions": [{"column": "date", "op": ">=", "value": "2024-01-20"},
                                                     {"column": "temp", "op": "not_null"}], "limit": 3}),
                          ("head", {"n": 3}), ("sample", {"n": 3, "seed": 1}), ("missing", {}), ("outliers", {})):
            args = {"data_id": "weather", "operation": op}
            args.update(extra)
            r = h1.call_tool("analyze_data", args)
            check(not r.get("isError") and "structuredContent" in r, f"{op} {extra}: {json.dumps(r)[:300]}")
            check(r.get("content") and r["content"][0]["type"] == "text", f"{op}: a text table")

        # Errors are isError results that say what to do next.
        r = h1.call_tool("analyze_data", {"data_id": "nope", "operation": "summary"})
        check(r.get("isError") and "load_data" in r["content"][0]["text"], f"unknown data_id: {r}")
        r = h1.call_tool("analyze_data", {"data_id": "weather", "operation": "value_counts", "column": "City"})
        check(r.get("isError") and "city, date, temp, rain" in r["content"][0]["text"], f"unknown column: {r}")
        r = h1.call_tool("load_data", {"file_path": os.path.join(tmp, "outside.csv"), "data_id": "o"})
        check(r.get("isError") and "outside" in r["content"][0]["text"], f"outside roots: {r}")
        r = h1.call_tool("analyze_data", {"data_id": "weather", "operation": "pivot"})
        check(r.get("isError") or "error" in r, "unknown operation refused")

        # Progress notifications while loading a 10 MB file.
        h1.notifications.clear()
        r = h1.call_tool("load_data", {"file_path": big, "data_id": "big"}, progress_token="p1")
        check(not r.get("isError"), f"big load: {r}")
        prog = [n for n in h1.notifications if n.get("method") == "notifications/progress"]
        check(len(prog) >= 2, f"progress notifications: {len(prog)}")

        # Another replica: nothing loaded there, the handle resolves anyway.
        r = h2.call_tool("analyze_data", {"data_id": "weather", "operation": "summary"})
        check(r.get("isError"), "replica 2 does not know the data_id")
        r2 = h2.call_tool("analyze_data", {"data_id": handle, "operation": "summary"})
        r1 = h1.call_tool("analyze_data", {"data_id": "weather", "operation": "summary"})
        check(not r2.get("isError") and r2["structuredContent"]["result"] == r1["structuredContent"]["result"],
              f"handle on replica 2: {json.dumps(r2)[:300]}")
        forged = handle[:-3] + ("AAA" if not handle.endswith("AAA") else "BBB")
        r = h2.call_tool("analyze_data", {"data_id": forged, "operation": "summary"})
        check(r.get("isError") and "not valid" in r["content"][0]["text"], f"forged handle refused: {r}")

        # Resources and prompts.
        st = json.loads(h1.read_resource("analytics://status")["contents"][0]["text"])
        check(st["data_loaded"] == 2 and st["domain"] == "analytics", f"status: {st}")
        csv = h1.read_resource("analytics://data/weather")["contents"][0]
        check(csv["mimeType"] == "text/csv" and csv["text"].startswith("city,date,temp,rain\n"), "data template")
        schema = json.loads(h1.read_resource("analytics://schema/weather")["contents"][0]["text"])
        check(schema["columns"]["city"]["unique_count"] == 3, "schema template")
        try:
            h1.read_resource("analytics://data/ghost")
            check(False, "unknown dataset resource is an error")
        except Exception:
            pass
        g = h1.get_prompt("data_exploration_guide", {"data_id": "weather"})
        check("Exploring weather" in g["messages"][0]["content"]["text"], "exploration guide")
        g = h1.get_prompt("data_quality_report", {"data_id": "weather"})
        check("temp: 24" in g["messages"][0]["content"]["text"], "quality report")
        g = h1.get_prompt("correlation_study", {"data_id": "weather"})
        check("spearman" in g["messages"][0]["content"]["text"], "correlation study")

        # query: the same SQL through Python's sqlite3 over the CSV (empty
        # fields as NULL, numbers typed) gives the same rows.
        con = sqlite3.connect(":memory:")
        con.execute("CREATE TABLE weather(city TEXT, date TEXT, temp REAL, rain INTEGER)")
        with open(os.path.join(data, "weather.csv")) as f:
            rows = list(csvmod.reader(f))[1:]
        con.executemany("INSERT INTO weather VALUES (?, ?, ?, ?)",
                        [(c, d, float(t) if t else None, int(r)) for c, d, t, r in rows])
        for sql in ("SELECT city, count(*) AS n, avg(temp), sum(rain), min(temp), max(date) FROM weather "
                    "GROUP BY city ORDER BY city",
                    "SELECT date, temp FROM weather WHERE temp > 20 AND rain BETWEEN 2 AND 8 ORDER BY date, temp",
                    "SELECT city, temp, rank() OVER (PARTITION BY city ORDER BY temp DESC) AS r FROM weather "
                    "WHERE temp IS NOT NULL ORDER BY city, r, temp LIMIT 40",
                    "SELECT substr(date, 1, 7) AS month, count(DISTINCT city) FROM weather GROUP BY month"):
            r = h1.call_tool("query", {"sql": sql})
            check(not r.get("isError"), f"query ok: {sql}: {json.dumps(r)[:300]}")
            if r.get("isError"):
                continue
            want = [list(x) for x in con.execute(sql).fetchall()]
            got = r["structuredContent"]["rows"]
            same = len(want) == len(got) and all(
                len(a) == len(b) and all(
                    (x is None and y is None) or (isinstance(x, str) and x == y) or
                    (isinstance(x, (int, float)) and isinstance(y, (int, float)) and abs(x - y) <= 1e-9 * max(1, abs(x)))
                    for x, y in zip(a, b)) for a, b in zip(want, got))
            check(same, f"query {sql}: ours {got[:3]} sqlite3 {want[:3]}")
            check(r["content"][0]["type"] == "text" and " row" in r["content"][0]["text"], "query text table")
        r = h1.call_tool("query", {"sql": "SELECT * FROM weather", "max_rows": 7})
        sc = r["structuredContent"]
        check(len(sc["rows"]) == 7 and sc["info"]["truncated"] and sc["types"] == ["string", "datetime", "float", "integer"],
              f"query truncation and types: {sc['info']} {sc['types']}")
        r = h1.call_tool("query", {"sql": "SELECT tmp FROM weather"})
        check(r.get("isError") and "no such column: tmp" in r["content"][0]["text"] and
              "weather(city text, date datetime text, \"temp\" real, rain integer)" in r["content"][0]["text"],
              f"query error names the columns: {r}")
        for sql, word in (("DELETE FROM weather", "DELETE is not allowed"), ("ATTACH 'x.db' AS x", "ATTACH is not allowed"),
                          ("PRAGMA writable_schema = 1", "PRAGMA writable_schema"),
                          ("SELECT load_extension('x')", "load_extension")):
            r = h1.call_tool("query", {"sql": sql})
            check(r.get("isError") and word in r["content"][0]["text"], f"query refused {sql}: {r}")
        # A replica that never loaded it: the handle in `datasets`.
        r = h2.call_tool("query", {"sql": "SELECT count(*), sum(rain) FROM weather", "datasets": [handle]})
        check(not r.get("isError") and r["structuredContent"]["rows"] ==
              [list(con.execute("SELECT count(*), sum(rain) FROM weather").fetchone())],
              f"query on replica 2 by handle: {json.dumps(r)[:300]}")

        # A query past query_timeout_seconds is stopped by the progress
        # handler: an isError result, and the process serves the next call.
        h3 = Host(a.host, a.plugin_dir, [data], {"query_timeout_seconds": 0.2})
        try:
            r = h3.call_tool("query", {"sql": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                              "SELECT count(*) FROM n"})
            check(r.get("isError") and "deadline" in r["content"][0]["text"], f"endless query stopped: {r}")
            r = h3.call_tool("query", {"sql": "SELECT 1 + 1"})
            check(not r.get("isError") and r["structuredContent"]["rows"] == [[2]], f"next query runs: {r}")
        finally:
            h3.close()

        # plot: PNG image content, decoded here; the bars match numpy's bins.
        import numpy as np
        r = h1.call_tool("plot", {"data_id": "weather", "kind": "histogram", "column": "temp", "bins": 6,
                                  "width": 420, "height": 300})
        check(not r.get("isError"), f"plot ok: {json.dumps(r)[:300]}")
        imgs = [c for c in r.get("content", []) if c["type"] == "image"]
        check(len(imgs) == 1 and imgs[0]["mimeType"] == "image/png", "one PNG image block")
        if imgs:
            w, h, px = png_pixels(base64.b64decode(imgs[0]["data"]))
            check((w, h) == (420, 300), f"PNG size {w}x{h}")
            sc = r["structuredContent"]
            temps = [float(t) for _, _, t, _ in rows if t]
            counts, edges = np.histogram(temps, bins=6)
            check(sc["bins"]["counts"] == counts.tolist(), f"bins {sc['bins']['counts']} numpy {counts.tolist()}")
            check(max(abs(a - b) for a, b in zip(sc["bins"]["edges"], edges)) < 1e-9, "edges as numpy")
            a = sc["plot_area"]
            lo, hi = sc["x_range"]
            for i, n in enumerate(counts):
                x = a["left"] + round(((edges[i] + edges[i + 1]) / 2 - lo) / (hi - lo) * (a["right"] - a["left"]))
                bar = sum(1 for y in range(a["top"], a["bottom"]) if tuple(px[y][3 * x:3 * x + 3]) == (70, 130, 180))
                want = n * (a["bottom"] - a["top"]) / sc["y_range"][1]
                check(abs(bar - want) <= 1, f"bar {i}: {bar} px for count {n} (want {want:.1f})")
        r = h1.call_tool("plot", {"data_id": "weather", "kind": "scatter", "x": "rain", "y": "temp"})
        check(not r.get("isError") and r["structuredContent"]["points"] == 376, f"scatter: {json.dumps(r)[:200]}")
        r = h1.call_tool("plot", {"data_id": "weather", "kind": "heatmap"})
        check(not r.get("isError") and r["structuredContent"]["columns"] == ["temp", "rain"], "heatmap")
        r = h1.call_tool("plot", {"data_id": "weather", "kind": "histogram", "column": "city"})
        check(r.get("isError") and "not numeric" in r["content"][0]["text"], f"plot of text refused: {r}")

        # completion/complete: data_id from the loaded datasets, columns from
        # the chosen data_id.
        caps = h1.server_info.get("capabilities", {})
        check("completions" in caps, f"completions capability: {caps}")
        c = h1.request("completion/complete", {"ref": {"type": "ref/resource", "uri": "analytics://data/{data_id}"},
                                               "argument": {"name": "data_id", "value": "we"}})
        check(c["completion"]["values"] == ["weather"], f"template data_id completion: {c}")
        c = h1.request("completion/complete", {"ref": {"type": "ref/prompt", "name": "data_quality_report"},
                                               "argument": {"name": "data_id", "value": ""}})
        check(sorted(c["completion"]["values"]) == ["big", "weather"], f"prompt data_id completion: {c}")
        c = h1.request("completion/complete", {"ref": {"type": "ref/prompt", "name": "correlation_study"},
                                               "argument": {"name": "target", "value": "r"},
                                               "context": {"arguments": {"data_id": "weather"}}})
        check(c["completion"]["values"] == ["rain"], f"target completion: {c}")
        c = h1.request("completion/complete", {"ref": {"type": "ref/prompt", "name": "data_exploration_guide"},
                                               "argument": {"name": "column", "value": ""},
                                               "context": {"arguments": {"data_id": "weather"}}})
        check(c["completion"]["values"] == ["city", "date", "rain", "temp"], f"column completion: {c}")
        g = h1.get_prompt("correlation_study", {"data_id": "weather", "target": "temp"})
        check("Focus on temp" in g["messages"][0]["content"]["text"], "correlation study with target")

        r = h1.call_tool("drop_data", {"data_id": "big"})
        check(not r.get("isError"), "drop_data")
        lst = h1.call_tool("list_datasets", {})["structuredContent"]
        check([d["data_id"] for d in lst["datasets"]] == ["weather"], f"list after drop: {lst}")
    finally:
        h1.close()
        h2.close()
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
