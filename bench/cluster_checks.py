#!/usr/bin/env python3
"""HTTP proofs and figures of bench/cluster (a browser adds nothing to these).

usage:
  cluster_checks.py free-ports N
  cluster_checks.py double-submit --instances URL,URL --control URL --token T --out JSON
  cluster_checks.py rate-limit --base URL --source IP --requests N --limit L --out JSON
  cluster_checks.py wrk-summary WRK_OUTPUT            (prints "req_s p50_ms p99_ms")
  cluster_checks.py report RESULTS_DIR > cluster.md

Each proof prints one line per finding and exits 1 when it fails, with a message
that says what was expected and what came instead. Python 3 stdlib only; every
network call has a timeout.
"""

import argparse
import concurrent.futures as cf
import http.client
import json
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse

TIMEOUT = 30.0


def request(base, method, path, body=None, headers=None, source=None, timeout=TIMEOUT):
    """One request (its own connection); returns (status, headers dict, body bytes)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(
        u.hostname,
        u.port or 80,
        timeout=timeout,
        source_address=(source, 0) if source else None,
    )
    try:
        hdrs = {"Connection": "close", **(headers or {})}
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read(4 << 20)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def api(base, endpoint, form, source=None):
    """A server function called as the checkout island does (JSON answer)."""
    status, _, data = request(
        base, "POST", f"/api/{endpoint}", form, {"Accept": "application/json"}, source
    )
    if status != 200:
        raise RuntimeError(f"/api/{endpoint} answered {status}: {data[:300]!r}")
    return json.loads(data)


def fixed_giftcard(base, country="US"):
    """A fixed-denomination gift card of the sandbox catalogue: (family, amount)."""
    brands = api(base, "catalog/brands", {"country": country})
    for b in brands["all_brands"]:
        if b.get("kind") != "giftcard" or b.get("is_out_of_stock"):
            continue
        page = api(base, "catalog/products", {"country": country, "family": b["family"]})
        for p in page["family"]["products"]:
            if not p.get("is_dynamic"):
                price = ((p.get("face_value") or {}).get("amount") or {}).get("price")
                if price:
                    return b["family"], price
    raise RuntimeError(f"no fixed-denomination gift card in {country}")


def sandbox_stats(control, token):
    status, _, data = request(
        control, "GET", "/control/stats", headers={"Authorization": f"Bearer {token}"}
    )
    if status != 200:
        raise RuntimeError(f"sandbox /control/stats answered {status}")
    return json.loads(data)


def free_ports(n):
    """n distinct free loopback ports (all held open until all are chosen)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# ---- the same checkout submitted twice at once to two instances --------------


def checkout_form(family, amount, **extra):
    """A complete US checkout of one card, paid in USDC on Solana."""
    return {
        "country": "US",
        "family": family,
        "amount": amount,
        "pay": "USDC|Solana",
        "beneficiary": "friend@example.com",
        "email": "buyer@example.com",
        "coupon": "",
        **extra,
    }


def double_submit(args):
    instances = args.instances.split(",")
    a, b = instances[0], instances[1]
    family, amount = fixed_giftcard(a)
    findings = {"family": family, "amount": amount, "rounds": []}
    ok = True
    # Round 1: the no-JavaScript form (a browser's plain post, answered with a
    # redirect to the order); round 2: the checkout island's call (JSON answer).
    for kind in ("plain form post", "island (JSON)"):
        key = "cluster-" + secrets.token_hex(12)
        form = checkout_form(family, amount, idempotency_key=key)
        accept = "text/html,application/xhtml+xml" if kind.startswith("plain") else "application/json"
        # As nginx would send them: from the trusted proxy, for one client.
        headers = {"Accept": accept, "X-Forwarded-For": "127.0.0.1", "Referer": f"{a}/brands/US/{family}"}
        before = sandbox_stats(args.control, args.token)
        barrier = threading.Barrier(2)

        def submit(base):
            barrier.wait(timeout=10)
            return request(base, "POST", "/api/orders/create", form, headers)

        with cf.ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(submit, [a, b]))
        # Let a late upstream call land before counting.
        time.sleep(0.5)
        after = sandbox_stats(args.control, args.token)
        created = after["orders"] - before["orders"]
        posts = after["requests"].get("/v5/orders", 0) - before["requests"].get("/v5/orders", 0)
        ids = []
        statuses = []
        for status, hdrs, data in answers:
            statuses.append(status)
            order = None
            loc = hdrs.get("location") or hdrs.get("serverfnredirect") or ""
            m = re.search(r"/orders/([0-9A-Za-z_-]+)", loc)
            if m:
                order = m.group(1)
            else:
                try:
                    order = json.loads(data).get("order_id")
                except (ValueError, AttributeError):
                    order = None
            ids.append(order)
        same = ids[0] is not None and ids[0] == ids[1]
        passed = created == 1 and same
        ok = ok and passed
        findings["rounds"].append(
            {
                "kind": kind,
                "statuses": statuses,
                "order_ids": ids,
                "upstream_orders_created": created,
                "upstream_order_posts": posts,
                "passed": passed,
            }
        )
        print(
            f"  {kind}: instance answers {statuses[0]} and {statuses[1]}, order ids {ids[0]} and {ids[1]}; "
            f"upstream orders created: {created} (POST /v5/orders: {posts}) -> {'PASS' if passed else 'FAIL'}"
        )
        if not passed:
            print(
                f"  FAIL ({kind}): expected exactly 1 upstream order and both instances naming it; got {created} "
                f"order(s) and ids {ids[0]} / {ids[1]}. The idempotency key is remembered per instance, "
                "not in a store the instances share."
            )
    findings["passed"] = ok
    write(args.out, findings)
    return 0 if ok else 1


# ---- nginx never sends a POST again to another instance ----------------------


def no_resend(args):
    """An order POST through nginx whose instance dies while it waits for the
    upstream: nginx answers 502 and never passes the POST to another instance
    (a retried order would be the shopper's second order). The nginx under test
    is fresh and knows two instances, the one to be killed first: round robin
    sends it the first request."""
    # Through the main nginx: the fresh one's round robin must start at the order.
    family, amount = fixed_giftcard(args.catalog)
    auth = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}
    # The upstream keeps the order request waiting, so the instance is killed mid-request.
    status, _, data = request(
        args.control, "POST", "/control/faults",
        json.dumps({"match": "/v5/orders", "exact": True, "kind": "latency", "latency_ms": 4000, "times": 1}),
        auth,
    )
    if status not in (200, 201):
        print(f"  FAIL: the sandbox refused the latency rule ({status}: {data[:200]!r})")
        return 1
    offset = os.path.getsize(args.access_log) if os.path.exists(args.access_log) else 0
    before = sandbox_stats(args.control, args.token)
    form = checkout_form(family, amount, idempotency_key="noresend-" + secrets.token_hex(12))
    headers = {"Accept": "application/json", "Referer": f"{args.nginx}/brands/US/{family}"}
    with cf.ThreadPoolExecutor(1) as pool:
        answer = pool.submit(request, args.nginx, "POST", "/api/orders/create", form, headers)
        # Until the order request has reached the upstream (the instance now waits).
        deadline = time.time() + 10
        while time.time() < deadline:
            now = sandbox_stats(args.control, args.token)
            if now["requests"].get("/v5/orders", 0) > before["requests"].get("/v5/orders", 0):
                break
            time.sleep(0.05)
        else:
            print("  FAIL: the order request never reached the upstream")
            return 1
        os.kill(args.kill_pid, signal.SIGKILL)
        status, _, data = answer.result(timeout=60)
    # nginx answers only after every instance it tried, so anything resent has
    # already reached the upstream; its access log line follows the answer.
    after = sandbox_stats(args.control, args.token)
    posts = after["requests"].get("/v5/orders", 0) - before["requests"].get("/v5/orders", 0)
    lines = []
    deadline = time.time() + 10
    while not lines and time.time() < deadline:
        with open(args.access_log, "rb") as f:
            f.seek(offset)
            lines = [l.decode(errors="replace") for l in f if b"/api/orders/create" in l]
        if not lines:
            time.sleep(0.05)
    # `upstream=A` or, when nginx passed it on, `upstream=A, B` (then `upstream_status=`).
    upstreams = [m.group(1) for l in lines for m in [re.search(r"upstream=(.*?) upstream_status=", l)] if m]
    tried = [u.strip() for u in ",".join(upstreams).split(",") if u.strip()]
    passed = status == 502 and posts == 1 and tried == [f"127.0.0.1:{args.killed_port}"]
    print(
        f"  order POST through nginx, its instance :{args.killed_port} killed mid-request: "
        f"answer {status}, instances tried {tried or 'none logged'}, POST /v5/orders upstream: {posts} "
        f"-> {'PASS' if passed else 'FAIL'}"
    )
    if not passed:
        print(
            "  FAIL: expected a 502, one instance tried (the killed one) and one upstream order request; "
            "nginx must never pass a POST on to another instance"
        )
    write(args.out, {"status": status, "tried": tried, "upstream_order_posts": posts, "passed": passed})
    return 0 if passed else 1


# ---- the order rate limit across instances -----------------------------------


def rate_limit(args):
    base = args.base
    family, amount = fixed_giftcard(base)
    form = checkout_form(family, amount)
    log_offset = os.path.getsize(args.access_log) if args.access_log else 0
    counts = {}
    retry_after_missing = 0
    retry_afters = []
    t0 = time.monotonic()
    for i in range(args.requests):
        # Each with a different forged X-Forwarded-For: nginx overwrites it with the
        # address it saw, so it can't buy a fresh budget.
        forged = f"203.0.113.{i % 250 + 1}"
        status, hdrs, _ = request(
            base,
            "POST",
            "/api/orders/validate",
            form,
            {"Accept": "application/json", "X-Forwarded-For": forged},
            args.source,
        )
        counts[status] = counts.get(status, 0) + 1
        if status == 429:
            ra = hdrs.get("retry-after")
            if ra and ra.strip().isdigit():
                retry_afters.append(int(ra))
            else:
                retry_after_missing += 1
    elapsed = time.monotonic() - t0
    spread = served_by(args.access_log, log_offset, args.source) if args.access_log else {}
    allowed = counts.get(200, 0)
    refused = counts.get(429, 0)
    other = {k: v for k, v in counts.items() if k not in (200, 429)}
    # A token bucket of `limit` a minute refills one token every 60/limit s.
    ceiling = args.limit + int(elapsed * args.limit / 60) + 1
    passed = allowed <= ceiling and refused == args.requests - allowed and retry_after_missing == 0 and allowed >= 1
    result = {
        "requests": args.requests,
        "limit_per_minute": args.limit,
        "elapsed_s": round(elapsed, 2),
        "allowed": allowed,
        "refused_429": refused,
        "other_statuses": other,
        "retry_after_missing": retry_after_missing,
        "retry_after_range": [min(retry_afters), max(retry_afters)] if retry_afters else None,
        "ceiling": ceiling,
        "by_instance": spread,
        "passed": passed,
    }
    write(args.out, result)
    if spread:
        shown = "; ".join(
            f"{up}: {v.get('200', 0)} allowed, {v.get('429', 0)} refused" for up, v in sorted(spread.items())
        )
    print(
        f"  {args.requests} validations through nginx from {args.source} (each with a forged X-Forwarded-For) "
        f"in {elapsed:.2f} s: "
        f"{allowed} allowed, {refused} refused with 429"
        + (f" (Retry-After {result['retry_after_range'][0]}-{result['retry_after_range'][1]} s)" if retry_afters else "")
        + (f", other statuses {other}" if other else "")
        + f" -> {'PASS' if passed else 'FAIL'}"
    )
    if spread:
        print(f"  served by (nginx access log): {shown}")
    if not passed:
        if allowed > ceiling:
            print(
                f"  FAIL: at most {ceiling} may pass ({args.limit} a minute for the whole cluster, plus the "
                f"refill in {elapsed:.0f} s); {allowed} did: each instance counts its own {args.limit}, "
                "so behind N instances the limit is N times looser."
            )
        if retry_after_missing:
            print(f"  FAIL: {retry_after_missing} answers of 429 had no Retry-After in whole seconds.")
        if other:
            print(f"  FAIL: unexpected statuses {other}.")
    return 0 if passed else 1


def served_by(access_log, offset, source):
    """{upstream: {status: count}} of the validations `source` sent, from nginx's log."""
    out = {}
    try:
        with open(access_log, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            for line in f:
                m = re.match(
                    r'(\S+) \[[^\]]*\] "POST /api/orders/validate HTTP/[\d.]+" (\d+) \d+ upstream=(\S+)', line
                )
                if m and (not source or m.group(1) == source):
                    per = out.setdefault(m.group(3), {})
                    per[m.group(2)] = per.get(m.group(2), 0) + 1
    except OSError:
        pass
    return out


# ---- wrk and the report --------------------------------------------------------


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_summary(path):
    """(req/s, p50 ms, p99 ms, non-2xx, errors) from `wrk --latency` output, or None."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not (rps and p50 and p99):
        return None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:(.*)", text)
    return {
        "req_s": float(rps.group(1)),
        "p50_ms": round(ms(*p50.groups()), 2),
        "p99_ms": round(ms(*p99.groups()), 2),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def write(path, data):
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def report(results):
    """bench/results/cluster.md from the run's results directory."""
    meta = {}
    try:
        for line in open(os.path.join(results, "meta.env"), encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    except OSError:
        pass
    proofs = []
    try:
        for line in open(os.path.join(results, "proofs.tsv"), encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                proofs.append(parts[:3])
    except OSError:
        pass
    out = []
    w = out.append
    w("# Cluster: three storefront instances behind nginx, one Redis\n")
    w("| | |\n|---|---|")
    for key, label in [
        ("date", "date"),
        ("machine", "machine"),
        ("commit", "commit"),
        ("build", "build"),
        ("nginx", "nginx"),
        ("redis", "redis"),
        ("wrk", "wrk"),
        ("redis_keys", "Redis in use"),
        ("elapsed", "run time"),
        ("steps", "steps"),
    ]:
        if meta.get(key):
            w(f"| {label} | {meta[key]} |")
    w("")
    w("Topology: Redis (`--save '' --appendonly no`), the standalone sandbox as the partner API, "
      "three release instances (`target/release/storefront`, same `CR_COOKIE_SECRET`, "
      "`CR_TRUSTED_PROXIES=127.0.0.1`, `CR_REDIS_URL`), nginx in front with `deploy/nginx.conf` "
      "(round robin, no stickiness), all on free loopback ports. `bash bench/cluster`.\n")
    w("Instances: `LEPTOS_SITE_ADDR=127.0.0.1:<port>`, `CR_API_URL=<nginx>/sandbox` (the sandbox through "
      "a test-only nginx location, so that its logo URLs are nginx's origin), "
      "`CR_PARTNER_ID=e2e-canary-partner-6f2a`, the rest of the settings from `Leptos.toml` and the defaults. "
      "The browser suites and wrk run with `CR_ORDER_RATE_PER_MINUTE=10000 CR_UPSTREAM_RATE_PER_MINUTE=100000` "
      "(one loopback address plays every shopper); the double submit, the rate limit and the failover run "
      "with the defaults (order limit 30 a minute), on instances restarted with an emptied Redis.\n")
    w("## Proofs\n")
    w("| proof | result | detail |\n|---|---|---|")
    for name, result, detail in proofs:
        shown = "**FAIL**" if result == "FAIL" else result
        w(f"| {name} | {shown} | {detail} |")
    w("")
    w("## Throughput: one catalogue page through nginx\n")
    tp = read_json(os.path.join(results, "throughput.json")) or {}
    w(
        f"`wrk -t2 -c{meta.get('wrk_conns', '?')} -d{meta.get('wrk_duration', '?')}s --latency`, "
        f"`{meta.get('wrk_path', '?')}` with cookie `country=US`, warm page cache, no compression. "
        "nginx 2 workers; wrk, nginx and the instances share the machine's cores.\n"
    )
    w("| upstreams | req/s | p50 | p99 | non-2xx | vs 1 instance |\n|---|---:|---:|---:|---:|---:|")
    base = (tp.get("nginx-1") or {}).get("req_s")
    for key, label in [("direct", "none: one instance, no nginx"), ("nginx-1", "nginx → 1 instance"), ("nginx-3", "nginx → 3 instances")]:
        r = tp.get(key)
        if not r:
            w(f"| {label} | n/a | | | | |")
            continue
        ratio = f"{r['req_s'] / base:.2f}×" if base and key != "direct" else ""
        w(f"| {label} | {r['req_s']:,.0f} | {r['p50_ms']} ms | {r['p99_ms']} ms | {r['non_2xx']} | {ratio} |")
    w("")
    if meta.get("load_throughput_start"):
        w(f"Load average (1/5/15 min) {meta['load_throughput_start']} before the runs, "
          f"{meta.get('load_throughput_end', '?')} after.\n")
    if meta.get("throughput_note"):
        w(meta["throughput_note"] + "\n")
    return "\n".join(out) + "\n"


# ---- what Prometheus scraped from the instances ------------------------------


def prom(base, query):
    """The value of an instant query: the sum of its samples (None when empty)."""
    status, _, data = request(base, "GET", "/api/v1/query?" + urllib.parse.urlencode({"query": query}))
    if status != 200:
        raise RuntimeError(f"prometheus answered {status} to {query}: {data[:200]!r}")
    answer = json.loads(data)
    if answer.get("status") != "success":
        raise RuntimeError(f"prometheus: {query}: {answer}")
    samples = answer["data"]["result"]
    if not samples:
        return None
    return sum(float(s["value"][1]) for s in samples)


def prom_journey(args):
    """After the journey: Prometheus says what the sandbox saw."""
    # The last scrape after the journey's last request (1 s interval).
    time.sleep(3)
    before = json.load(open(args.before, encoding="utf-8"))
    after = sandbox_stats(args.control, args.token)
    posts = after["requests"].get("/v5/orders", 0) - before["requests"].get("/v5/orders", 0)
    created = after["orders"] - before["orders"]
    q = {
        "order_calls": 'sum(storefront_upstream_calls_total{endpoint="/v5/orders"})',
        "placed": 'sum(storefront_orders_total{outcome="placed"})',
        "live_streams_max": "max_over_time(sum(storefront_live_streams)[15m:1s])",
        "upstream_streams_max": "max_over_time(sum(storefront_upstream_streams)[15m:1s])",
        "fanout_events": "sum(storefront_live_fanout_delay_seconds_count)",
        "page_hits": 'sum(storefront_cache_requests_total{cache="pages",result="hit"})',
        "http_requests": "sum(storefront_http_requests_total)",
        "up": 'count(up{job="storefront"} == 1)',
        "ready": "count(storefront_ready == 1)",
    }
    seen = {k: prom(args.prom, v) or 0 for k, v in q.items()}
    checks = [
        (seen["order_calls"] == posts and posts > 0,
         f"partner order calls: Prometheus {seen['order_calls']:.0f}, the sandbox {posts}"),
        (seen["placed"] >= created > 0,
         f"orders placed: Prometheus {seen['placed']:.0f} (a repeated key counts again), created at the sandbox {created}"),
        (seen["live_streams_max"] >= 1, f"browser streams open at once, at most: {seen['live_streams_max']:.0f}"),
        (seen["upstream_streams_max"] >= 1, f"partner streams open at once, at most: {seen['upstream_streams_max']:.0f}"),
        (seen["fanout_events"] >= 1, f"events fanned out: {seen['fanout_events']:.0f}"),
        (seen["up"] == args.instances and seen["ready"] == args.instances,
         f"targets up {seen['up']:.0f}, ready {seen['ready']:.0f} of {args.instances}"),
    ]
    ok = all(c for c, _ in checks)
    print(
        f"Prometheus scraped {args.instances} instances every 1 s: {checks[0][1]}; {checks[1][1]}; "
        f"streams at most {seen['live_streams_max']:.0f} browser / {seen['upstream_streams_max']:.0f} partner; "
        f"{seen['http_requests']:.0f} HTTP answers, {seen['page_hits']:.0f} page-cache hits -> {'PASS' if ok else 'FAIL'}"
    )
    for passed, what in checks:
        print(f"  {'ok' if passed else 'FAIL:'} {what}")
    write(args.out, {"seen": seen, "sandbox_order_posts": posts, "sandbox_orders": created, "passed": ok})
    return 0 if ok else 1


def prom_wait(base, query, equals, within):
    """Waits until `query` equals `equals` (a number, or a query whose value it
    must equal); the value last seen and the seconds it took."""
    started = time.monotonic()
    value = None
    while time.monotonic() - started < within:
        value = prom(base, query)
        want = equals if isinstance(equals, float) else prom(base, equals)
        if value is not None and value == want:
            return True, value, time.monotonic() - started
        time.sleep(0.5)
    return False, value, time.monotonic() - started


def prom_redis_down(args):
    """Redis is away: readiness falls on every instance and the alert goes pending."""
    # The instances up now (the failover proof may have killed one of them).
    n = prom(args.prom, 'count(up{job="storefront"} == 1)') or 0
    ok1, v1, t1 = prom_wait(args.prom, "count(storefront_ready == 0)", n, 30)
    ok2, v2, t2 = prom_wait(
        args.prom, 'count(ALERTS{alertname="StorefrontNotReady",alertstate="pending"})', n, 30
    )
    errors = prom(args.prom, "sum(increase(storefront_shared_store_errors_total[5m]))") or 0
    ok = n >= 2 and ok1 and ok2 and errors > 0
    print(
        f"Redis stopped: storefront_ready 0 on {v1 or 0:.0f} of the {n:.0f} instances up ({t1:.1f} s), "
        f"StorefrontNotReady pending on {v2 or 0:.0f} ({t2:.1f} s; it fires after 2 min, as alerts.test.yml proves), "
        f"{errors:.0f} shared-store errors counted -> {'PASS' if ok else 'FAIL'}"
    )
    if not ok:
        print(f"  FAIL: readiness 0 on {v1}, pending on {v2}, errors {errors}")
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("free-ports")
    f.add_argument("n", type=int)
    d = sub.add_parser("double-submit")
    d.add_argument("--instances", required=True)
    d.add_argument("--control", required=True, help="the sandbox's base URL (its /control/*)")
    d.add_argument("--token", required=True)
    d.add_argument("--out")
    r = sub.add_parser("rate-limit")
    r.add_argument("--base", required=True)
    r.add_argument("--source", default=None, help="local address to send from (a client of its own)")
    r.add_argument("--requests", type=int, default=100)
    r.add_argument("--limit", type=int, default=30)
    r.add_argument("--access-log", help="nginx's access log: which instance answered what")
    r.add_argument("--out")
    nr = sub.add_parser("no-resend")
    nr.add_argument("--nginx", required=True, help="a fresh nginx knowing the instance to kill first")
    nr.add_argument("--catalog", required=True, help="where to read the catalogue (not the nginx under test)")
    nr.add_argument("--kill-pid", type=int, required=True)
    nr.add_argument("--killed-port", type=int, required=True)
    nr.add_argument("--control", required=True)
    nr.add_argument("--token", required=True)
    nr.add_argument("--access-log", required=True)
    nr.add_argument("--out")
    ws = sub.add_parser("wrk-summary")
    ws.add_argument("path")
    fs = sub.add_parser("failover-summary")
    fs.add_argument("path")
    pj = sub.add_parser("prom-journey")
    pj.add_argument("--prom", required=True)
    pj.add_argument("--control", required=True)
    pj.add_argument("--token", required=True)
    pj.add_argument("--before", required=True, help="the sandbox's stats before the journey")
    pj.add_argument("--instances", type=int, default=3)
    pj.add_argument("--out")
    pr = sub.add_parser("prom-redis-down")
    pr.add_argument("--prom", required=True)
    pr.add_argument("--instances", type=int, default=3)
    pw = sub.add_parser("prom-wait")
    pw.add_argument("--prom", required=True)
    pw.add_argument("--query", required=True)
    pw.add_argument("--equals", required=True, help="a number, or a query whose value it must equal")
    pw.add_argument("--within", type=float, default=30)
    rp = sub.add_parser("report")
    rp.add_argument("results")
    args = p.parse_args()
    try:
        if args.cmd == "free-ports":
            print(" ".join(map(str, free_ports(args.n))))
            return 0
        if args.cmd == "double-submit":
            return double_submit(args)
        if args.cmd == "rate-limit":
            return rate_limit(args)
        if args.cmd == "no-resend":
            return no_resend(args)
        if args.cmd == "wrk-summary":
            s = wrk_summary(args.path)
            if not s:
                return 1
            print(json.dumps(s))
            return 0
        if args.cmd == "failover-summary":
            r = read_json(args.path)
            if not r:
                return 1
            print(
                f"killed :{r['killed']} (kill -9) under a live order view; the page was live again "
                f"{r['live_again_ms'] / 1000:.1f} s later, its stream through nginx on :{r['reconnected_to']}, "
                "and reached Done (not by polling)"
            )
            return 0
        if args.cmd == "prom-journey":
            return prom_journey(args)
        if args.cmd == "prom-redis-down":
            return prom_redis_down(args)
        if args.cmd == "prom-wait":
            try:
                equals = float(args.equals)
            except ValueError:
                equals = args.equals
            ok, value, took = prom_wait(args.prom, args.query, equals, args.within)
            print(f"{args.query} = {value} ({args.equals}) after {took:.1f} s -> {'PASS' if ok else 'FAIL'}")
            if not ok:
                print(f"  FAIL: {args.query} was {value}, not {args.equals}, within {args.within:g} s")
            return 0 if ok else 1
        if args.cmd == "report":
            sys.stdout.write(report(args.results))
            return 0
    except (OSError, RuntimeError, ValueError, KeyError, http.client.HTTPException, threading.BrokenBarrierError) as e:
        print(f"  FAIL: {type(e).__name__}: {e}")
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
