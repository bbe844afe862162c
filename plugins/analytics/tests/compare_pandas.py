#!/usr/bin/python3
"""End-to-end: mcp-host with the analytics plugin against pandas.

Generates data sets with missing values (CSV in several dialects, TSV, JSON,
JSON Lines), adds the CSV data sets python3-statsmodels ships, loads each
through load_data, and checks that analyze_data's summary (describe()) and
correlation (corr(), pearson and spearman) equal pandas' to 1e-9 relative,
that the schema's unique counts equal nunique(), and that the query tool
gives the rows Python's sqlite3 gives for the same SQL over the pandas frame
(DataFrame.to_sql).

Usage: compare_pandas.py --host BIN --plugin-dir DIR [--no-statsmodels]
Exit status 0 when every check passes.
"""
import argparse
import glob
import math
import os
import sqlite3
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mcp_client import Host  # noqa: E402

REL = 1e-9
failures = []
checks = 0


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def is_nan(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def same(ours, theirs, scale, where):
    """One value: ours (from JSON) against pandas'."""
    global checks
    checks += 1
    if isinstance(theirs, (np.generic,)):
        theirs = theirs.item()
    if is_nan(theirs) or theirs is pd.NaT:
        if ours is not None:
            fail(f"{where}: expected null (NaN), got {ours!r}")
        return
    if isinstance(theirs, bool):
        if ours is not theirs:
            fail(f"{where}: expected {theirs!r}, got {ours!r}")
        return
    if isinstance(theirs, (int, float)):
        if not isinstance(ours, (int, float)) or isinstance(ours, bool):
            fail(f"{where}: expected {theirs!r}, got {ours!r}")
            return
        tol = max(REL * abs(theirs), REL * 1e-3 * scale, 1e-300)
        if abs(ours - theirs) > tol:
            fail(f"{where}: expected {theirs!r}, got {ours!r} (diff {abs(ours - theirs):.3g})")
        return
    if str(ours) != str(theirs):
        fail(f"{where}: expected {theirs!r}, got {ours!r}")


def compare_frame_dict(ours, theirs, label, scales, skip_top=()):
    """{column: {key: value}} dicts (describe/corr to_dict())."""
    if set(ours) != set(theirs):
        fail(f"{label}: columns differ: ours {sorted(ours)} pandas {sorted(theirs)}")
        return
    for col, stats in theirs.items():
        if set(ours[col]) != set(stats):
            fail(f"{label}[{col}]: keys differ: ours {sorted(ours[col])} pandas {sorted(stats)}")
            continue
        for k, v in stats.items():
            if k == "top" and col in skip_top:
                continue
            same(ours[col][k], v, scales.get(col, 1.0), f"{label}[{col}][{k}]")


def scales_of(df):
    out = {}
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            m = df[c].abs().max()
            out[c] = float(m) if not pd.isna(m) else 1.0
    return out


def tied_tops(df):
    """Text columns whose most frequent value is tied (top is then arbitrary)."""
    out = set()
    for c in df.columns:
        vc = df[c].value_counts()
        if len(vc) > 1 and vc.iloc[0] == vc.iloc[1]:
            out.add(c)
    return out


def check_dataset(host, path, data_id, pdf, label, load_args=None, reread=None):
    args = {"file_path": path, "data_id": data_id}
    args.update(load_args or {})
    res = host.call_tool("load_data", args)
    if res.get("isError"):
        fail(f"{label}: load_data failed: {res['content'][0]['text']}")
        return None
    sc = res["structuredContent"]
    if sc["source"].get("header") is False and reread is not None:
        # We found no header row: so read pandas, naming columns as we do.
        pdf = reread(header=None)
        pdf.columns = [f"column_{i + 1}" for i in range(len(pdf.columns))]
    if sc["shape"] != [len(pdf), len(pdf.columns)]:
        fail(f"{label}: shape {sc['shape']} != pandas {[len(pdf), len(pdf.columns)]}")
        return sc
    if sc["schema"]["column_order"] != [str(c) for c in pdf.columns]:
        fail(f"{label}: columns {sc['schema']['column_order']} != pandas {list(pdf.columns)}")
        return sc
    global checks
    for col in pdf.columns:
        checks += 1
        got = sc["schema"]["columns"][str(col)]["unique_count"]
        if got != pdf[col].nunique():
            fail(f"{label}: unique_count of {col}: {got} != pandas nunique {pdf[col].nunique()}")
    scales = scales_of(pdf)
    numeric = pdf.select_dtypes(include=["number"])
    if len(numeric.columns):
        s = host.structured("analyze_data", {"data_id": data_id, "operation": "summary"})
        compare_frame_dict(s["result"], pdf.describe().to_dict(), f"{label} summary", scales)
        s = host.structured("analyze_data", {"data_id": data_id, "operation": "summary",
                                             "percentiles": [0.05, 0.333, 0.95]})
        compare_frame_dict(s["result"], pdf.describe(percentiles=[0.05, 0.333, 0.95]).to_dict(),
                           f"{label} summary(percentiles)", scales)
    s = host.structured("analyze_data", {"data_id": data_id, "operation": "summary", "include": "all"})
    compare_frame_dict(s["result"], pdf.describe(include="all").to_dict(), f"{label} summary(all)", scales,
                       skip_top=tied_tops(pdf))
    if len(numeric.columns):
        for method in ("pearson", "spearman"):
            s = host.structured("analyze_data", {"data_id": data_id, "operation": "correlation",
                                                 "method": method})
            compare_frame_dict(s["result"], numeric.corr(method=method).to_dict(),
                               f"{label} corr({method})", {})
    return sc


SQL_QUERIES = (
    'SELECT category, count(*), avg(x), sum("count"), min(y), max(y), total(big) FROM {t} '
    'GROUP BY category ORDER BY category',
    'SELECT id, x, y, note, "when" FROM {t} WHERE x > 12 AND note LIKE \'%a%\' ORDER BY id LIMIT 60',
    'SELECT flag, count(*), avg(ratio) FROM {t} GROUP BY flag ORDER BY flag',
    'SELECT substr("when", 1, 10) AS day, count(*), max(ties) FROM {t} GROUP BY day ORDER BY day LIMIT 30',
    'SELECT id, sum(ties) OVER (ORDER BY id ROWS 3 PRECEDING) FROM {t} ORDER BY id LIMIT 25',
    'SELECT a.category, count(*) FROM {t} a JOIN {t} b ON a.id = b.id + 1 AND a.ties = b.ties '
    'GROUP BY 1 ORDER BY 1',
    'SELECT count(*), count(sparse), sum(const), avg(tiny) FROM {t}',
)


def sql_value_same(ours, theirs):
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return ours is None
    if isinstance(ours, bool):  # boolean columns come back as true/false, sqlite3 has 0/1
        ours = int(ours)
    if isinstance(theirs, (int, float)):
        return isinstance(ours, (int, float)) and abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))
    return ours == theirs


def check_sql(host, data_id, pdf):
    """The query tool against Python's sqlite3 over the same frame."""
    global checks
    con = sqlite3.connect(":memory:")
    pdf.to_sql(data_id, con, index=False)
    for q in SQL_QUERIES:
        sql = q.format(t=data_id)
        res = host.call_tool("query", {"sql": sql})
        if res.get("isError"):
            fail(f"{data_id} query {sql}: {res['content'][0]['text']}")
            continue
        got = res["structuredContent"]["rows"]
        want = con.execute(sql).fetchall()
        checks += 1
        if len(got) != len(want):
            fail(f"{data_id} query {sql}: {len(got)} rows, sqlite3 {len(want)}")
            continue
        for i, (a, b) in enumerate(zip(got, want)):
            checks += len(b)
            if len(a) != len(b) or not all(sql_value_same(x, y) for x, y in zip(a, b)):
                fail(f"{data_id} query {sql}: row {i}: {a} != sqlite3 {list(b)}")
                break


def generated(tmp):
    rng = np.random.default_rng(20240601)
    n = 3000
    x = rng.normal(10, 3, n)
    df = pd.DataFrame({
        "id": np.arange(n),
        "x": x,
        "y": 2.5 * x + rng.normal(0, 4, n),
        "big": rng.normal(1e9, 1e7, n),
        "tiny": rng.normal(0, 1e-6, n),
        "count": rng.integers(0, 100, n),
        "ratio": rng.uniform(-1, 1, n),
        "const": np.full(n, 5.0),
        "ties": rng.integers(0, 5, n),
        "flag": rng.random(n) < 0.3,
        "category": rng.choice(["alpha", "beta", "gamma", "delta"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "when": pd.date_range("2020-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M:%S"),
        "sparse": np.nan,
        "note": rng.choice(["plain", "has,comma", "has;semi", 'say "hi"', "two\nlines", "tab\there"], n),
    })
    df.loc[17, "sparse"] = 3.5
    for col, frac in (("x", 0.1), ("y", 0.15), ("count", 0.05), ("ratio", 0.2), ("ties", 0.1),
                      ("category", 0.05), ("big", 0.01)):
        mask = rng.random(n) < frac
        if col == "count":
            df[col] = df[col].astype("Int64")
        df.loc[mask, col] = np.nan if col != "count" else pd.NA
    files = []
    p = os.path.join(tmp, "gen.csv")
    df.to_csv(p, index=False)
    files.append((p, "gen_csv", lambda p=p, **kw: pd.read_csv(p, **kw), None))
    p = os.path.join(tmp, "gen_semicolon_crlf_bom.csv")
    df.to_csv(p, index=False, sep=";", lineterminator="\r\n", encoding="utf-8-sig")
    files.append((p, "gen_semi", lambda p=p, **kw: pd.read_csv(p, sep=";", encoding="utf-8-sig", **kw), None))
    p = os.path.join(tmp, "gen.tsv")
    df.to_csv(p, index=False, sep="\t")
    files.append((p, "gen_tsv", lambda p=p, **kw: pd.read_csv(p, sep="\t", **kw), None))
    p = os.path.join(tmp, "gen_pipe.txt")
    df.to_csv(p, index=False, sep="|")
    files.append((p, "gen_pipe", lambda p=p, **kw: pd.read_csv(p, sep="|", **kw), None))
    p = os.path.join(tmp, "gen.json")
    df.to_json(p, orient="records")
    files.append((p, "gen_json", lambda p=p: pd.read_json(p, orient="records", convert_dates=False), None))
    p = os.path.join(tmp, "gen.jsonl")
    df.to_json(p, orient="records", lines=True)
    files.append((p, "gen_jsonl", lambda p=p: pd.read_json(p, orient="records", lines=True,
                                                          convert_dates=False), None))
    return files


def json_fixups(pdf):
    # pandas' read_json makes an all-null column object dtype and an int
    # column with nulls float64, which read_csv agrees with; the all-null
    # column is float64 in read_csv, and in ours.
    for c in pdf.columns:
        if pdf[c].isna().all():
            pdf[c] = pdf[c].astype("float64")
    return pdf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--no-statsmodels", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="analytics-pandas-")
    roots = [tmp]
    files = generated(tmp)
    if not a.no_statsmodels:
        try:
            import statsmodels
            sm = os.path.join(os.path.dirname(statsmodels.__file__), "datasets")
            roots.append(os.path.realpath(sm))
            for p in sorted(glob.glob(os.path.join(sm, "*", "*.csv"))):
                name = "sm_" + os.path.splitext(os.path.basename(p))[0]
                # Some of these .csv files are tab-separated: let pandas sniff too.
                files.append((p, name, lambda p=p, **kw: pd.read_csv(p, sep=None, engine="python",
                                                                     encoding="utf-8-sig", **kw), None))
        except ImportError:
            print("python3-statsmodels is not installed: its data sets are skipped")
    host = Host(a.host, a.plugin_dir, roots)
    try:
        for path, data_id, reader, load_args in files:
            pdf = reader()
            if data_id.startswith("gen_json"):
                pdf = json_fixups(pdf)
            before = len(failures)
            check_dataset(host, path, data_id, pdf, data_id, load_args, reader)
            if data_id == "gen_csv":
                check_sql(host, data_id, pdf)
            print(("ok  " if len(failures) == before else "BAD ") + data_id, flush=True)
    finally:
        host.close()
    print(f"{checks} values compared, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
