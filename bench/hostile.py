#!/usr/bin/env python3
"""Hostile-traffic measurements against a running storefront (a measurement tool, not a test).

Three figures:
  a. RSS after 1,000 hostile posts: 1,000 plain-form POSTs to /api/orders/create
     (concurrency 20), each with a 1.9 MB beneficiary; statuses seen and the
     server's RSS (VmRSS of --pid) before and after.
  b. Half-open connections held after the timeout: 300 connections that send an
     unfinished request head and then nothing; how many are still open 15 s later.
  c. Upstream calls per 1,000 hostile requests: unknown brand pages, unknown
     order streams, validations from ever-changing X-Forwarded-For addresses and
     unknown catalogue families; the sandbox's /sandbox/control/stats, summed.

usage: python3 bench/hostile.py --base http://127.0.0.1:3000 --pid PID \
           [--token TOKEN] [--out hostile.json]

Python 3.11 stdlib only. Every network step is time-bounded; a figure that
cannot be measured is printed as "n/a (reason)".
"""

import argparse
import collections
import concurrent.futures as cf
import http.client
import json
import random
import secrets
import select
import socket
import string
import time
import urllib.parse

TIMEOUT = 30.0


def rss_mb(pid, field="VmRSS"):
    """The process's VmRSS (or another /proc status field) in MB, or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def rand(n):
    return "".join(random.choices(string.ascii_letters + string.digits, k=n))


def outcome(fn):
    """Runs fn() -> status; returns the status, or the error's kind."""
    try:
        return str(fn())
    except socket.timeout:
        return "err:timeout"
    except (OSError, http.client.HTTPException) as e:
        return f"err:{type(e).__name__}"


def request(base, method, path, body=None, headers=None, read=True, timeout=TIMEOUT):
    """One request over http.client; returns (status, body bytes or b'')."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    try:
        hdrs = {"Connection": "close", **(headers or {})}
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read(1 << 20) if read else b""
        return resp.status, data
    finally:
        conn.close()


def raw_post(base, path, headers, body, timeout=TIMEOUT):
    """POSTs over a raw socket and reads only the status line. A server that
    answers early and closes (413, 429...) still gets its status counted."""
    u = urllib.parse.urlsplit(base)
    head = f"POST {path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection((u.hostname, u.port or 80), timeout=timeout) as s:
        send_error = None
        try:
            s.sendall(head.encode() + body)
        except OSError as e:  # refused mid-body: the answer may already be there
            send_error = e
        buf = b""
        try:
            buf = s.recv(4096)  # the status line comes in the first segment
        except OSError:
            if send_error is None:
                raise
        if not buf.startswith(b"HTTP/"):
            raise send_error or ConnectionError("no status line")
        return int(buf.split(b" ", 2)[1])


def hostile_posts(args):
    """a. 1,000 plain-form posts with a 1.9 MB beneficiary."""
    before = rss_mb(args.pid)
    prefix = urllib.parse.urlencode({
        "country": "US", "family": "amazon", "amount": "25", "pay": args.pay,
        "beneficiary": "x" * 1_900_000, "email": "a@example.com", "coupon": "",
    }).encode() + b"&idempotency_key="
    headers = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}

    def one(_):
        body = prefix + secrets.token_hex(16).encode()
        return outcome(lambda: raw_post(args.base, "/api/orders/create", headers, body))

    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(20) as pool:
        statuses = collections.Counter(pool.map(one, range(1000)))
    return {
        "rss_before_mb": before,
        "rss_after_mb": rss_mb(args.pid),
        "rss_peak_mb": rss_mb(args.pid, "VmHWM"),
        "statuses": dict(sorted(statuses.items())),
        "seconds": round(time.monotonic() - t0, 1),
    }


def half_open(args, count=300, wait=15.0):
    """b. Connections that never finish their request head."""
    u = urllib.parse.urlsplit(args.base)
    socks, failed = [], collections.Counter()
    for _ in range(count):
        try:
            s = socket.create_connection((u.hostname, u.port or 80), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            socks.append(s)
        except OSError as e:
            failed[type(e).__name__] += 1
    time.sleep(wait if socks else 0)
    still_open, answered = 0, 0
    for s in socks:
        closed, got = False, False
        try:
            while select.select([s], [], [], 0)[0]:
                data = s.recv(65536)
                if not data:
                    closed = True
                    break
                got = True
        except OSError:
            closed = True
        still_open += not closed
        answered += got
    for s in socks:
        s.close()
    return {"attempted": count, "opened": len(socks), "open_failures": dict(failed),
            "wait_s": wait, "still_open": still_open, "sent_bytes_back": answered}


def sum_requests(stats):
    """Sums the counts of the stats JSON's `requests` map (or of a key like it):
    (total, distinct targets), or (None, 0)."""
    if not isinstance(stats, dict):
        return None, 0
    maps = [stats.get("requests")] + [v for k, v in stats.items() if "request" in k.lower()]
    for m in maps:
        if isinstance(m, dict):
            return sum(v for v in m.values() if isinstance(v, int)), len(m)
    return None, 0


def upstream_economy(args):
    """c. Upstream calls made for 1,000 hostile requests."""
    ctl = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    reset = outcome(lambda: request(args.base, "POST", "/sandbox/control/stats/reset",
                                    body=b"", headers=ctl, timeout=10)[0])
    form = {"country": "US", "family": "amazon", "amount": "25", "pay": args.pay,
            "beneficiary": "f@example.com", "email": "a@example.com", "coupon": ""}

    def xff(i):  # a different client address on every validation
        if i % 2:
            return f"198.51.100.{i % 254 + 1}"
        return ".".join(str(random.randint(1, 254)) for _ in range(4))

    kinds = {
        "brand": lambda i: request(args.base, "GET", f"/brands/US/junk-{rand(12)}"),
        "subscribe": lambda i: request(args.base, "GET", f"/api/orders/{rand(20)}/subscribe",
                                       headers={"Accept": "text/event-stream"},
                                       read=False, timeout=5),
        "validate": lambda i: request(args.base, "POST", "/api/orders/validate", body=form,
                                      headers={"X-Forwarded-For": xff(i)}),
        "products": lambda i: request(args.base, "POST", "/api/catalog/products",
                                      body={"country": "US", "family": f"junk{rand(10)}"},
                                      headers={"Accept": "application/json"}),
    }
    jobs = [(kind, i) for kind in kinds for i in range(250)]
    random.shuffle(jobs)
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda j: (j[0], outcome(lambda: kinds[j[0]](j[1])[0])), jobs))
    by_kind = collections.defaultdict(collections.Counter)
    for kind, status in results:
        by_kind[kind][status] += 1
    out = {"reset": reset, "seconds": round(time.monotonic() - t0, 1),
           "statuses": dict(sorted(collections.Counter(s for _, s in results).items())),
           "statuses_by_kind": {k: dict(sorted(v.items())) for k, v in by_kind.items()}}
    try:
        status, body = request(args.base, "GET", "/sandbox/control/stats", headers=ctl, timeout=10)
        stats = json.loads(body) if status == 200 else None
        out["upstream_calls"], out["distinct_upstream_targets"] = sum_requests(stats)
        out["stats_top_level_keys"] = len(stats) if isinstance(stats, dict) else 0
        if out["upstream_calls"] is None:
            out["upstream_error"] = f"stats answered {status}, no request counts"
        else:
            out["stats"] = stats
    except (OSError, ValueError, http.client.HTTPException) as e:
        out["upstream_calls"], out["upstream_error"] = None, f"{type(e).__name__}: {e}"
    return out


def step(fn, args):
    try:
        return fn(args)
    except Exception as e:  # a failed step is a reported figure, not a crash
        return {"error": f"{type(e).__name__}: {e}"}


def fmt(value, reason):
    if isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in value.items()) or None
    return f"n/a ({reason})" if value is None else str(value)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--token")
    p.add_argument("--out")
    p.add_argument("--pay", default="USDC|Solana", help="the forms' coin|network value")
    args = p.parse_args()
    args.base = args.base.rstrip("/")

    res = {"base": args.base, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    for name, fn in [("hostile_posts", hostile_posts), ("half_open", half_open),
                     ("upstream", upstream_economy)]:
        res[name] = step(fn, args)
        brief = {k: v for k, v in res[name].items() if k != "stats"}
        print(f"# {name}: {json.dumps(brief)}", flush=True)

    a, b, c = res["hostile_posts"], res["half_open"], res["upstream"]
    no_pid = "no --pid, or /proc unreadable"
    rows = [("RSS before hostile posts (MB)", a, "rss_before_mb", no_pid),
            ("RSS after 1,000 hostile posts (MB)", a, "rss_after_mb", no_pid),
            ("Peak RSS of the process so far, VmHWM (MB)", a, "rss_peak_mb", no_pid),
            ("Hostile post statuses", a, "statuses", "?"),
            ("Half-open connections opened", b, "opened", "?"),
            ("Half-open connections still open after 15 s", b, "still_open", "?"),
            ("Upstream calls per 1,000 hostile requests", c, "upstream_calls",
             c.get("upstream_error", "?")),
            ("Hostile request statuses", c, "statuses", "?")]
    print("\n| Figure | Value |\n|---|---|")
    for label, part, key, reason in rows:
        value = fmt(part.get(key), part.get("error", reason))
        print(f"| {label} | {value.replace('|', '/')} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=2)
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
