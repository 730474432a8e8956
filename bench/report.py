#!/usr/bin/env python3
"""Renders bench/run's raw outputs (bench/results/raw/) as a Markdown report.

usage: python3 bench/report.py bench/results/raw > bench/results/latest.md

Anything missing is shown as "n/a (reason)"; this script never needs a step to
have succeeded.
"""

import json
import os
import re
import sys

RAW = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results", "raw")


def read(name, default=None):
    try:
        with open(os.path.join(RAW, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def load_json(name):
    text = read(name)
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


META = {}
for line in (read("meta.env", "") or "").splitlines():
    if "=" in line:
        k, v = line.split("=", 1)
        META[k] = v


def na(key, fallback="not measured"):
    reason = read(os.path.join("na", key))
    return "n/a (%s)" % (reason.strip() if reason else fallback)


def reason(key):
    r = read(os.path.join("na", key))
    return r.strip() if r else None


def fmt_int(v):
    return "{:,}".format(int(round(v)))


def fmt_ms(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return "%.0f ms" % v
    if v >= 10:
        return "%.1f ms" % v
    return "%.2f ms" % v


def kib(v):
    return "%.1f KiB" % (v / 1024.0)


def verdict(ok):
    if ok is None:
        return "n/a"
    return "met" if ok else "**missed**"


# ---- wrk ----------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(name):
    text = read(os.path.join("wrk", name + ".txt"))
    if not text:
        return None
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        return None
    out["rps"] = float(m.group(1))
    for p in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s|m)\s*$" % p, text, re.M)
        out["p" + p] = float(m.group(1)) * UNITS[m.group(2)] if m else None
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+\w+) read", text)
    out["requests"] = int(m.group(1)) if m else None
    stats = load_json(os.path.join("wrk", name + ".stats.json"))
    calls = sum((stats or {}).get("requests", {}).values()) if stats else None
    out["upstream_per_req"] = calls / float(out["requests"]) if calls is not None and out["requests"] else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["errors"] = sum(int(x) for x in m.groups()) if m else 0
    return out


def wrk_cell(r, key):
    if r is None:
        return "n/a"
    if key == "rps":
        return fmt_int(r["rps"])
    return fmt_ms(r[key])


def wrk_notes(r, label):
    notes = []
    if r and r["non2xx"]:
        notes.append("%s: %d non-2xx" % (label, r["non2xx"]))
    if r and r["errors"]:
        notes.append("%s: %d socket errors" % (label, r["errors"]))
    return notes


# ---- sections -----------------------------------------------------------------
summary = []  # (target, result, verdict)
sections = []
steps = META.get("steps", "").split()


def section_ssr():
    lines = ["## 1. SSR throughput and latency (wrk) vs the same HTML from nginx", ""]
    if "ssr" not in steps:
        lines += ["n/a (step not selected)", ""]
        return lines
    if reason("ssr") or reason("server"):
        lines.append(na("ssr") if reason("ssr") else na("server"))
        summary.append(("SSR ≥ ½ static throughput", na("ssr"), "n/a"))
        summary.append(("SSR p99 < 20 ms at 100 clients", na("ssr"), "n/a"))
        return lines
    d = META.get("duration", "10")
    lines.append(
        "wrk %s, %s s per run, `--latency`, 1 thread at 1 connection and 2 threads otherwise, "
        "cookie `country=US`, no `Accept-Encoding` (uncompressed, both servers), keep-alive. "
        "Catalogue warm (3 s warm-up per page first). Static: Debian nginx %s, %s workers, "
        "`sendfile`, the page saved with curl. Pages: home `/` %s bytes, brand `/brands/US/amazon` %s bytes."
        % (
            META.get("wrk", "?"), d, META.get("nginx", "?"), META.get("nproc", "?"),
            fmt_int(int(META.get("home_bytes", "0") or 0)), fmt_int(int(META.get("brand_bytes", "0") or 0)),
        )
    )
    lines.append("")
    lines.append("| page | conns | SSR req/s | SSR p50 | SSR p99 | upstream calls / SSR req | static req/s | static p50 | static p99 | SSR/static |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    ratios_100, p99_100 = {}, {}
    static_missing = reason("static")
    for page in ("home", "brand"):
        for c in (1, 10, 100):
            s = wrk("ssr-%s-c%d" % (page, c))
            t = wrk("static-%s-c%d" % (page, c))
            ratio = s["rps"] / t["rps"] if s and t and t["rps"] else None
            if c == 100:
                ratios_100[page] = ratio
                p99_100[page] = s["p99"] if s else None
            lines.append(
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |"
                % (
                    page, c, wrk_cell(s, "rps"), wrk_cell(s, "p50"), wrk_cell(s, "p99"),
                    "%.2f" % s["upstream_per_req"] if s and s.get("upstream_per_req") is not None else "n/a",
                    wrk_cell(t, "rps"), wrk_cell(t, "p50"), wrk_cell(t, "p99"),
                    "%.2f×" % ratio if ratio is not None else "n/a",
                )
            )
            notes += wrk_notes(s, "SSR %s c=%d" % (page, c)) + wrk_notes(t, "static %s c=%d" % (page, c))
            for key in ("wrk-ssr-%s-c%d" % (page, c), "wrk-static-%s-c%d" % (page, c)):
                if reason(key):
                    notes.append("%s: %s" % (key[4:], reason(key)))
    lines.append("")
    def both(d, fmt):
        return ", ".join("%s %s" % (p, fmt(d[p]) if d.get(p) is not None else "n/a") for p in ("home", "brand"))

    br_rows = []
    br_ratios = {}
    for page in ("home", "brand"):
        for c in (10, 100):
            r = wrk("ssr-%s-c%d-br" % (page, c))
            t = wrk("static-%s-c%d-br" % (page, c))
            if not r and not t:
                continue
            ratio = r["rps"] / t["rps"] if r and t and t["rps"] else None
            br_ratios[(page, c)] = ratio
            br_rows.append(
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |"
                % (page, c, wrk_cell(r, "rps"), wrk_cell(r, "p50"), wrk_cell(r, "p99"),
                   wrk_cell(t, "rps"), wrk_cell(t, "p50"), wrk_cell(t, "p99"),
                   "%.2f×" % ratio if ratio is not None else "n/a",
                   fmt_int(int(META.get(page + "_br_bytes", "0") or 0)))
            )
            notes += wrk_notes(r, "SSR %s c=%d br" % (page, c)) + wrk_notes(t, "static %s c=%d br" % (page, c))
    if br_rows:
        lines.append(
            "As browsers ask, `Accept-Encoding: br, gzip`: the shop (its page cache keeps each page "
            "compressed once, brotli q11 and gzip 9) next to nginx serving the same pages precompressed (%s):"
            % META.get("nginx_precompressed", "gzip_static")
        )
        lines.append("")
        lines.append("| page | conns | SSR req/s | SSR p50 | SSR p99 | static req/s | static p50 | static p99 | SSR/static | shop's answer |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines += br_rows
        lines.append("")
        at100 = {p: br_ratios.get((p, 100)) for p in ("home", "brand")}
        if all(v is not None for v in at100.values()):
            summary.append((
                "compressed SSR ≥ ½ nginx precompressed (100 conns)",
                both(at100, lambda v: "%.2f×" % v),
                verdict(all(v >= 0.5 for v in at100.values())),
            ))
    if static_missing:
        notes.append("static: " + static_missing)
    if notes:
        lines.append("Notes: " + "; ".join(notes) + ".")
        lines.append("")


    if ratios_100 and any(v is not None for v in ratios_100.values()):
        ok = all(v is not None and v >= 0.5 for v in ratios_100.values())
        summary.append(("SSR ≥ ½ static throughput (100 conns)", both(ratios_100, lambda v: "%.2f×" % v), verdict(ok)))
    else:
        summary.append(("SSR ≥ ½ static throughput (100 conns)", "n/a (%s)" % (static_missing or "no data"), "n/a"))
    if p99_100 and any(v is not None for v in p99_100.values()):
        ok = all(v is not None and v < 20 for v in p99_100.values())
        summary.append(("SSR p99 < 20 ms at 100 conns", both(p99_100, fmt_ms), verdict(ok)))
    else:
        summary.append(("SSR p99 < 20 ms at 100 conns", "n/a", "n/a"))
    return lines


def section_payload():
    lines = ["## 2. Client payload (release build, `target/site/pkg`)", ""]
    if "payload" not in steps:
        lines += ["n/a (step not selected)", ""]
        return lines
    text = read("payload.tsv")
    if not text:
        lines.append(na("payload"))
        summary.append(("wasm + JS ≤ 150 KiB brotli", na("payload"), "n/a"))
        return lines
    lines.append("gzip `-9`, brotli `-q 11` (CLI). \"Served\" is what the running server answered to "
                 "`Accept-Encoding: br, gzip` (the precompressed file when the build made one) and how long that took.")
    lines.append("")
    lines.append("| file | raw | gzip -9 | brotli | served (br) | served in |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    total = {"raw": 0, "gz": 0, "br": 0}
    wallet = {"evm": 0, "solana": 0}
    have = set()
    for row in text.splitlines():
        f = row.split("\t")
        label = f[0] if f[0].startswith("wallet") else "storefront." + f[0]
        if len(f) < 4:
            lines.append("| %s | missing | | | | |" % label)
            continue
        name, raw, gz, br = f[0], int(f[1]), int(f[2]), int(f[3]) if f[3] else None
        served = int(f[4]) if len(f) > 4 and f[4] else None
        secs = float(f[5]) if len(f) > 5 and f[5] else None
        have.add(name)
        lines.append(
            "| %s | %s | %s | %s | %s | %s |"
            % (label, kib(raw), kib(gz), kib(br) if br is not None else "n/a",
               kib(served) if served is not None else "n/a",
               fmt_ms(secs * 1000) if secs is not None else "n/a")
        )
        if name.startswith("wallet_"):
            wallet[name.split("_")[1].split(".")[0]] += br or 0
        if name in ("wasm", "js"):
            total["raw"] += raw
            total["gz"] += gz
            total["br"] += br or 0
    if {"wasm", "js"} <= have:
        lines.append("| **wasm + JS** | %s | %s | **%s** | | |" % (kib(total["raw"]), kib(total["gz"]), kib(total["br"])))
        summary.append(("wasm + JS ≤ 150 KiB brotli", kib(total["br"]), verdict(total["br"] <= 150 * 1024)))
    else:
        summary.append(("wasm + JS ≤ 150 KiB brotli", "n/a (files missing)", "n/a"))
    for kind, pages in (("evm", "EVM order pages waiting for payment"), ("solana", "Solana order pages waiting for payment")):
        if {"wallet_%s.js" % kind, "wallet_%s_bg.wasm" % kind} <= have:
            lines.append("| **wallet_%s module** (%s, alone) | | | **%s** | | |" % (kind, pages, kib(wallet[kind])))
            summary.append(("wallet_%s module ≤ 15 KiB brotli (the order page's extra)" % kind, kib(wallet[kind]), verdict(wallet[kind] <= 15 * 1024)))
    lines.append("")
    return lines


def section_sse():
    lines = ["## 3. Live view: SSE subscribers on one order (`examples/sse_load.rs`)", ""]
    if "sse" not in steps:
        lines += ["n/a (step not selected)", ""]
        return lines
    r = load_json("sse.json")
    if not r:
        lines.append(na("sse"))
        summary.append(("10,000 subscribers < 150 MB RSS", na("sse"), "n/a"))
        summary.append(("change delay p99 < 100 ms", na("sse"), "n/a"))
        return lines
    n = r.get("n")
    mb = lambda kb: "%.1f MB" % (kb / 1000.0) if kb is not None else "n/a"
    lines.append(
        "One order, N raw HTTP/1.1 subscribers to `/api/orders/{id}/subscribe` on 127.0.0.1 "
        "(256 connecting at a time), then `POST /sandbox/control/orders/{id}/pay`; delay = from "
        "sending the pay call to reading the event whose `order_state` is no longer "
        "`WaitingForPayment`. The load tool (1 tokio thread) and the server share the %s cores. "
        "Server RSS from `/proc/<pid>/status` (MB = 1000 kB)." % META.get("nproc", "?")
    )
    if META.get("sse_note"):
        lines.append("")
        lines.append("Note: " + META["sse_note"] + ".")
    lines.append("")
    lines.append("| measure | value |")
    lines.append("|---|---:|")
    conn = r.get("connected")
    lines.append("| subscribers asked / connected / got the current state | %s / %s / %s |" % (n, conn, r.get("ready")))
    if r.get("connect_secs") is not None:
        lines.append("| time to connect them all | %.1f s |" % r["connect_secs"])
    if r.get("failed"):
        lines.append("| failed connections | %s (%s) |" % (r["failed"], ", ".join("%s: %s" % kv for kv in r.get("failures", {}).items())))
    if r.get("upstream_streams") is not None:
        lines.append("| upstream event streams opened (sandbox stats) | %s |" % r["upstream_streams"])
    idle, with_n = r.get("rss_idle_kb"), r.get("rss_connected_kb")
    lines.append("| server RSS idle | %s |" % mb(idle))
    lines.append("| server RSS with N connected | %s |" % mb(with_n))
    if idle is not None and with_n is not None and conn:
        lines.append("| per subscriber | %.1f kB |" % ((with_n - idle) / float(conn)))
    lines.append("| server RSS after the change / peak (VmHWM) | %s / %s |" % (mb(r.get("rss_after_kb")), mb(r.get("hwm_kb"))))
    d = r.get("delay_ms") or {}
    lines.append("| pay call answered in | %s |" % ", ".join(fmt_ms(x) for x in r.get("pay_call_ms", [])) if r.get("pay_call_ms") else "| pay call | n/a |")
    lines.append("| got the new state (of those still open) | %s / %s |" % (r.get("received"), r.get("open_before_pay")))
    lines.append("| delay p50 / p99 / max | %s / %s / %s |" % (fmt_ms(d.get("p50")), fmt_ms(d.get("p99")), fmt_ms(d.get("max"))))
    if r.get("fanout_server_cpu_ms") is not None:
        lines.append("| CPU time from the pay call until all had it: server / load tool | %s / %s |" % (
            fmt_ms(r["fanout_server_cpu_ms"]), fmt_ms(r.get("fanout_tool_cpu_ms"))))
    lines.append("| then got `Done` / `stop` (delivery after %s ms) | %s / %s |" % (META.get("delivery_ms", "1000"), r.get("done"), r.get("stopped")))
    if r.get("error"):
        lines.append("| error | %s |" % r["error"])
    lines.append("")
    full = n is not None and n >= 10000
    if with_n is not None:
        ok = with_n < 150000 and full and conn == n
        summary.append(("10,000 subscribers < 150 MB RSS", "%s with %s connected" % (mb(with_n), conn), verdict(ok) if full else "n/a (N < 10,000)"))
    else:
        summary.append(("10,000 subscribers < 150 MB RSS", "n/a (no RSS: %s)" % (r.get("error") or "pid not readable"), "n/a"))
    if d.get("p99") is not None:
        ok = d["p99"] < 100 and r.get("received") == r.get("open_before_pay")
        summary.append(("change delay p99 < 100 ms", "%s (%s/%s got it)" % (fmt_ms(d["p99"]), r.get("received"), r.get("open_before_pay")), verdict(ok)))
    else:
        summary.append(("change delay p99 < 100 ms", "n/a (%s)" % (r.get("error") or "no event received"), "n/a"))
    return lines


CATALOGUE = ("/v3/payment_vias", "/v2/brands", "/v2/homepage", "/v5/products/")


def section_economy():
    lines = ["## 4. Upstream economy: 1,000 cold page views at concurrency 50", ""]
    if "economy" not in steps:
        lines += ["n/a (step not selected)", ""]
        return lines
    stats = load_json("economy-stats.json")
    codes = (read("economy-codes.txt") or "").split()
    if not stats or reason("economy"):
        lines.append(na("economy"))
        summary.append(("≤ 1 upstream call per key per TTL", na("economy"), "n/a"))
        return lines
    views = len([c for c in codes if re.fullmatch(r"\d{3}", c)])
    by_code = {}
    for c in codes:
        by_code[c] = by_code.get(c, 0) + 1
    req = stats.get("requests", {})
    cat = {k: v for k, v in req.items() if k.startswith(CATALOGUE)}
    price = {k: v for k, v in req.items() if k.startswith("/v4/products/price")}
    other = {k: v for k, v in req.items() if k not in cat and k not in price}
    total = sum(req.values())
    per1000 = total * 1000.0 / views if views else None
    ms = int(META.get("economy_ms", "0") or 0)
    lines.append(
        "Fresh server (cold cache, TTL 300 s), sandbox stats reset, then 1,000 GETs with curl "
        "`--parallel --parallel-max 50`: 500 × `/` with cookie `country` in US, GB, DE, FR, JP and "
        "500 brand pages `/brands/{country}/{amazon|steam|netflix|spotify|roblox}` (25 pairs), "
        "interleaved. Then `GET /sandbox/control/stats`."
    )
    lines.append("")
    lines.append("| measure | value |")
    lines.append("|---|---:|")
    lines.append("| page views answered | %s (%s) in %.1f s |" % (views, ", ".join("%s × %s" % (v, k) for k, v in sorted(by_code.items())), ms / 1000.0))
    lines.append("| upstream calls, all | %s = **%.0f per 1,000 page views** |" % (total, per1000 or 0))
    if cat:
        top = max(cat.items(), key=lambda kv: kv[1])
        lines.append("| catalogue calls (payment vias, brands, homepage, products) | %s over %s keys |" % (sum(cat.values()), len(cat)))
        lines.append("| catalogue: max calls per key | %s (`%s`) |" % (top[1], top[0]))
    if price:
        top = max(price.items(), key=lambda kv: kv[1])
        brand_views = 500
        lines.append("| price quotes `/v4/products/price` (reused for CR_QUOTE_TTL_SECS) | %s over %s keys = %.1f per brand page view |" % (sum(price.values()), len(price), sum(price.values()) / float(brand_views)))
        lines.append("| price: max calls per key | %s (`%s`) |" % (top[1], top[0]))
    if other:
        lines.append("| other upstream calls | %s |" % ", ".join("`%s` × %s" % kv for kv in sorted(other.items())))
    lines.append("")
    if cat:
        m = max(cat.values())
        res = "catalogue max %s per key" % m
        if price:
            res += "; price quotes max %s per key" % max(price.values())
        summary.append(("≤ 1 upstream call per key per TTL", res, verdict(m <= 1)))
    else:
        summary.append(("≤ 1 upstream call per key per TTL", "n/a (no catalogue calls counted)", "n/a"))
    return lines


def lighthouse_run(path):
    r = load_json(path)
    if not r:
        return None
    out = {"scores": {}, "below": []}
    for cid, cat in (r.get("categories") or {}).items():
        out["scores"][cid] = None if cat.get("score") is None else round(cat["score"] * 100)
        for ref in cat.get("auditRefs", []):
            a = r.get("audits", {}).get(ref["id"], {})
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 0.9:
                out["below"].append(ref["id"])
    au = r.get("audits", {})
    out["lcp"] = au.get("largest-contentful-paint", {}).get("numericValue")
    out["tbt"] = au.get("total-blocking-time", {}).get("numericValue")
    out["cls"] = au.get("cumulative-layout-shift", {}).get("numericValue")
    out["error"] = (r.get("runtimeError") or {}).get("message")
    try:
        node = au["largest-contentful-paint-element"]["details"]["items"][0]["items"][0]["node"]
        out["lcp_element"] = node.get("selector") or node.get("nodeLabel")
    except (KeyError, IndexError, TypeError):
        out["lcp_element"] = None
    return out


def lighthouse(name, preset, runs):
    """The median run (by performance score) and the range of performance scores."""
    got = []
    for i in range(1, runs + 1):
        r = lighthouse_run(os.path.join("lh", "%s-%s-%d.json" % (name, preset, i)))
        if r is not None:
            got.append(r)
    if not got:
        return None
    got.sort(key=lambda r: (r["scores"].get("performance") is None, r["scores"].get("performance") or 0))
    med = got[(len(got) - 1) // 2]
    perfs = [r["scores"].get("performance") for r in got if r["scores"].get("performance") is not None]
    med["perf_range"] = (min(perfs), max(perfs)) if perfs else None
    med["runs"] = len(got)
    return med


def section_lighthouse():
    lines = ["## 5. Lighthouse", ""]
    if "lighthouse" not in steps:
        lines += ["n/a (step not selected)", ""]
        return lines
    if reason("lighthouse"):
        lines.append(na("lighthouse"))
        summary.append(("Lighthouse 95+ everywhere", na("lighthouse"), "n/a"))
        return lines
    preset = META.get("lh_preset", "mobile")
    runs = int(META.get("lh_runs", "1") or 1)
    presets = ["mobile", "desktop"] if preset == "both" else [preset if preset == "desktop" else "mobile"]
    lines.append(
        "Lighthouse %s (npm, `bench/node_modules`), Debian Chromium `--headless=new --no-sandbox "
        "--disable-gpu`, categories performance, accessibility, best-practices, seo. "
        "**mobile** = Lighthouse's default (Moto G Power emulation, simulated slow 4G, 4× CPU slowdown); "
        "**desktop** = `--preset=desktop`. Served by the release server over plain HTTP on 127.0.0.1 "
        "with compression. Order page: a fresh order waiting for payment (QR, countdown, live stream). "
        "%d run(s) per page and preset: the median run by performance score is shown, with the range."
        % (META.get("lighthouse") or "?", runs)
    )
    lines.append("")
    lines.append("| page | preset | performance | accessibility | best practices | SEO | LCP | TBT | CLS | audits below 0.9 |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    worst = None
    all_ok = True
    any_data = False
    notes = []
    paths = {"home": "`/`", "brand": "`/brands/US/amazon`", "order": "`/orders/{id}`"}
    for p in presets:
        for name in ("home", "brand", "order"):
            r = lighthouse(name, p, runs)
            if r is None:
                why = reason("lh-%s-%s-1" % (name, p)) or reason("lh-order") or "no report"
                lines.append("| %s | %s | n/a (%s) | | | | | | | |" % (paths[name], p, why))
                all_ok = False
                continue
            any_data = True
            s = r["scores"]
            cell = lambda k: "n/a" if s.get(k) is None else str(s[k])
            perf = cell("performance")
            if r["perf_range"] and r["perf_range"][0] != r["perf_range"][1]:
                perf += " (%d–%d)" % r["perf_range"]
            if r["runs"] < runs:
                perf += " [%d/%d runs]" % (r["runs"], runs)
            for k in ("performance", "accessibility", "best-practices", "seo"):
                v = s.get(k)
                if v is None or v < 95:
                    all_ok = False
                if v is not None and (worst is None or v < worst[0]):
                    worst = (v, "%s %s %s" % (name, p, k))
            lines.append(
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                % (paths[name], p, perf, cell("accessibility"), cell("best-practices"), cell("seo"),
                   fmt_ms(r["lcp"]) if r["lcp"] is not None else "n/a",
                   fmt_ms(r["tbt"]) if r["tbt"] is not None else "n/a",
                   "%.3f" % r["cls"] if r["cls"] is not None else "n/a",
                   ", ".join(r["below"][:8]) + (" …" if len(r["below"]) > 8 else "") if r["below"] else "–")
            )
            if r.get("error"):
                notes.append("%s %s: runtime error: %s" % (name, p, r["error"]))
            if r.get("lcp_element") and (s.get("performance") or 0) < 95:
                notes.append("%s %s LCP element: `%s`" % (name, p, r["lcp_element"]))
    lines.append("")
    if notes:
        lines.append("Notes: " + "; ".join(notes) + ".")
        lines.append("")
    if any_data:
        summary.append(("Lighthouse 95+ everywhere (%s, median of %d)" % (" + ".join(presets), runs),
                        "lowest %s (%s)" % (worst[0], worst[1]) if worst else "n/a", verdict(all_ok)))
    else:
        summary.append(("Lighthouse 95+ everywhere", "n/a (no report)", "n/a"))
    return lines


def main():
    body = []
    body += section_ssr()
    body += section_payload()
    body += section_sse()
    body += section_economy()
    body += section_lighthouse()

    mem_gib = int(META.get("mem_kb", "0") or 0) / 1024.0 / 1024.0
    dirty = META.get("dirty", "0")
    out = ["# Storefront benchmarks", ""]
    out.append("| | |")
    out.append("|---|---|")
    out.append("| date | %s |" % META.get("date", "?"))
    out.append("| machine | %s cores (`nproc`), %s, %.1f GiB RAM, %s, kernel %s |" % (
        META.get("nproc", "?"), META.get("model", "?"), mem_gib, META.get("os", "?"), META.get("kernel", "?")))
    out.append("| build | commit %s%s, %s, %s |" % (
        META.get("commit", "?"), " + uncommitted changes" if dirty not in ("", "0") else "",
        META.get("rustc", "?"), META.get("build", "?")))
    out.append("| command | `bash bench/run` (%s s; steps: %s) |" % (META.get("elapsed_secs", "?"), META.get("steps", "?")))
    out.append("| load average (1/5/15 min) | %s at start, %s at end |" % (META.get("load_start", "?"), META.get("load_end", "?")))
    out.append("| server | `target/release/storefront`, embedded sandbox upstream, `CR_ORDER_RATE_PER_MINUTE=100000`, `CR_SANDBOX_DELIVERY_DELAY_MS=1000`, open-files limit %s |" % META.get("nofile", "?"))
    out.append("")
    out.append("## Targets")
    out.append("")
    out.append("| target | result | |")
    out.append("|---|---|---|")
    for t, r, v in summary:
        out.append("| %s | %s | %s |" % (t, r, v))
    out.append("")
    out += body
    print("\n".join(out).rstrip() + "\n")


main()
