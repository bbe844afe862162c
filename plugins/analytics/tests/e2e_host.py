#!/usr/bin/python3
"""End-to-end through mcp-host over stdio: the catalog (tools with schemas,
resources, templates, prompts), outputSchema-checked results, isError
results that say what to do next, progress notifications, and a handle
returned by one host process resolving on another (stateless replicas).

Usage: e2e_host.py --host BIN --plugin-dir DIR
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mcp_client import Host  # noqa: E402

failures = []


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
        for name in ("load_data", "analyze_data", "list_datasets", "drop_data"):
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
