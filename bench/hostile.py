#!/usr/bin/env python3
"""Hostile-traffic measurements against a running storefront (a measurement tool, not a test).

Ten figures, one step each (select some with --only, e.g. --only d,f,h):
  a. RSS after 1,000 hostile posts: 1,000 plain-form POSTs to /api/orders/create
     (concurrency 20), each with a 1.9 MB beneficiary; statuses seen and the
     server's RSS (VmRSS of --pid) before and after.
  b. Half-open connections held after the timeout: 300 connections (from two
     addresses: under the per-client cap) that send an unfinished request head
     and then nothing; how many are still open 15 s later.
  c. Upstream calls per 1,000 hostile requests: unknown brand pages, unknown
     order streams, validations from ever-changing X-Forwarded-For addresses and
     unknown catalogue families; the sandbox's /sandbox/control/stats, summed.
  d. Cross-site posts: every POST endpoint (the 23 server functions of src/api,
     /lang, /country, two language-prefixed ones) posted as another website would
     make a shopper's browser post it (Origin https://evil.example with
     Sec-Fetch-Site cross-site; a sibling subdomain's same-site; Origin null; a
     foreign Origin alone), each as a plain form and as the app's JSON call, with
     a complete checkout form and the shopper's cart cookie: refused (403) vs
     accepted, orders and upstream calls caused (sandbox stats before/after).
  e. Long-query pages: 2,000 GETs of the home page and a brand page, each with
     its own ~60 KB query (half in a parameter the page reads, half in a junk
     one); RSS before/after, the largest page answered, pages echoing the query.
     Then 4,000 with unique short queries the cache may keep (q=, 40 characters):
     RSS after (the page cache's byte budget, 32 MiB per kind of page).
  f. One address holding the connection cap: 400 slow-body POSTs to
     /api/cart/add (no order budget to answer 429 first) from 127.0.0.1
     (--attacker; the embedded sandbox's calls come from there too), each a
     head with Content-Length 16,000 (just under the 16 KiB body limit, which
     answers a larger one with 413 at once) and then no body: held vs refused
     (503 "Too many connections from your address"); meanwhile GET / from
     another address (127.0.0.2, --other: status and latency; and a validation,
     which needs the upstream) and from the same one; when the held ones are
     let go (watched up to 40 s).
  g. Slow readers: 300 connections (two addresses, 150 each: under the
     per-client cap) with a 4 KB receive buffer that each ask, pipelined, for the
     largest answer (the wasm, uncompressed) enough times to overflow the
     kernel's send buffer, and never read; how many the server still holds (its
     own sockets in /proc: needs --pid) second by second, until the write-stall
     limit + 5 s. Start the server with a short CR_WRITE_STALL_MS (5000) and pass
     it as --write-stall-ms: the default 30 s works too, only slower.
  h. Idle HTTP/2: h2c prior-knowledge connections written by hand (preface,
     SETTINGS; the server's SETTINGS and PINGs acknowledged), one after a GET /
     and one with no request, then idle, beside an idle HTTP/1.1 keep-alive one;
     after how many seconds the server sends GOAWAY and closes (bounded at 90 s).
     Runs in the background while the steps after it run.
  i. Orders per minute per client, through every path: from one address for
     60 s, in turn /api/orders/create, /api/cart/pay (a fresh cart each time,
     from /api/cart/add), /vi/api/orders/create and /vi/api/cart/pay; orders
     accepted (by path, before the first 429, after it, in all) and the sandbox's
     orders created.
  j. Upstream validations per minute per client: one address hammers
     /api/checkout/check and /api/orders/validate (two threads each) for 60 s;
     the upstream validations the sandbox counts (/v5/orders/validations).

Upstream calls are the sandbox's /sandbox/control/stats counts (needs --token),
without its `lang=...` keys, which annotate a call already counted.

usage: python3 bench/hostile.py --base http://127.0.0.1:3000 --pid PID \
           [--token TOKEN] [--out hostile.json] [--only a,b,...] [--write-stall-ms MS]

The steps b and d-j speak from loopback addresses of their own (127.R.R.n, R random
per run, when --base is an IPv4 loopback address) so that no step spends
another's per-client budget; f uses 127.0.0.1 and 127.0.0.2. The server must
run with the default per-client limits for f, i and j (CR_ORDER_RATE_PER_MINUTE,
CR_CHECK_RATE_PER_MINUTE, CR_MAX_CONNECTIONS_PER_CLIENT unset), e.g.

  CR_WRITE_STALL_MS=5000 CR_SANDBOX_CONTROL_TOKEN=bench-token \
    LEPTOS_SITE_ADDR=127.0.0.1:3050 LEPTOS_SITE_ROOT=target/site ./target/release/storefront &
  python3 bench/hostile.py --base http://127.0.0.1:3050 --pid $! --token bench-token \
    --write-stall-ms 5000 --out /tmp/hostile.json

About 6 minutes for all ten steps. Python 3.11 stdlib only. Every network step is
time-bounded; a figure that cannot be measured is printed as "n/a (reason)".
"""

import argparse
import base64
import collections
import concurrent.futures as cf
import http.client
import ipaddress
import json
import os
import random
import re
import secrets
import select
import socket
import statistics
import string
import threading
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


def fetch(base, method, path, body=None, headers=None, src=None, timeout=TIMEOUT,
          cap=1 << 20):
    """One request over http.client, from source address `src` when given;
    returns (status, response headers, body bytes: at most `cap`)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout,
                                      source_address=(src, 0) if src else None)
    try:
        hdrs = {"Connection": "close", **(headers or {})}
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read(cap) if cap else b""
        return resp.status, resp.msg, data
    finally:
        conn.close()


def request(base, method, path, body=None, headers=None, read=True, timeout=TIMEOUT, src=None):
    """One request over http.client; returns (status, body bytes or b'')."""
    status, _, data = fetch(base, method, path, body, headers, src, timeout,
                            cap=(1 << 20) if read else 0)
    return status, data


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
    # Two addresses (on loopback): under the per-client cap of 256 connections.
    srcs = [args.src(2), args.src(3)]
    socks, failed = [], collections.Counter()
    for i in range(count):
        try:
            s = connect(args, srcs[i % 2], timeout=5)
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
            m = {k: v for k, v in m.items() if not is_annotation(k)}
            return sum(v for v in m.values() if isinstance(v, int)), len(m)
    return None, 0


def is_annotation(key):
    """The sandbox also counts the `lang` of an order or validation body under a
    key of its own (`lang=en POST /v5/orders/validations`): not another call."""
    return key.startswith("lang=")


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


# ---- shared by the steps d-j ------------------------------------------------

def base_addr(args):
    u = urllib.parse.urlsplit(args.base)
    return u.hostname, u.port or 80


def connect(args, src=None, timeout=5.0, rcvbuf=None):
    """A TCP connection to the server, from source address `src` when given;
    `rcvbuf` sets SO_RCVBUF before connecting (a small window)."""
    host, port = base_addr(args)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if src:
            s.bind((src, 0))
        s.connect((host, port))
        return s
    except BaseException:
        s.close()
        raise


def setup_sources(args):
    """Gives each step d-j a client address of its own when the server is on
    IPv4 loopback (any 127/8 address can be bound on Linux): args.src(n)."""
    host, _ = base_addr(args)
    r1, r2 = random.randint(1, 254), random.randint(1, 254)
    args.loopback = False
    try:
        args.loopback = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        pass
    if args.loopback:
        try:  # can this machine bind them?
            probe = socket.socket()
            probe.bind((f"127.{r1}.{r2}.1", 0))
            probe.close()
        except OSError:
            args.loopback = False
    args.src = (lambda n: f"127.{r1}.{r2}.{n}") if args.loopback else (lambda n: None)


def sandbox_stats(args):
    """The sandbox's stats JSON, or None."""
    ctl = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        status, _, body = fetch(args.base, "GET", "/sandbox/control/stats", headers=ctl,
                                timeout=10)
        return json.loads(body) if status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        return None


def upstream_count(stats, part=""):
    """Upstream requests in `stats` whose path+query contains `part`, or None."""
    reqs = stats.get("requests") if isinstance(stats, dict) else None
    if not isinstance(reqs, dict):
        return None
    return sum(v for k, v in reqs.items()
               if part in k and not is_annotation(k) and isinstance(v, int))


def stats_delta(before, after):
    """Orders, upstream calls and upstream validations between two stats, or Nones."""
    out = {"orders_created": None, "upstream_calls": None, "upstream_validations": None}
    if isinstance(before, dict) and isinstance(after, dict):
        if isinstance(before.get("orders"), int) and isinstance(after.get("orders"), int):
            out["orders_created"] = after["orders"] - before["orders"]
        for key, part in [("upstream_calls", ""), ("upstream_validations", "/orders/validations")]:
            b, a = upstream_count(before, part), upstream_count(after, part)
            if a is not None and b is not None:
                out[key] = a - b
    return out


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}  # what a browser sends from our own pages
APP = {"Accept": "application/json", **SAME_ORIGIN}


def checkout_product(args):
    """A US gift-card family with a fixed amount, as tests/it/common's some_family
    finds one: (family, amount); ("amazon", "25") if none is found."""
    if getattr(args, "product", None):
        return args.product
    args.product = ("amazon", "25")
    try:
        _, _, body = fetch(args.base, "POST", "/api/catalog/brands", body={"country": "US"},
                           headers=APP, timeout=10)
        for b in json.loads(body).get("all_brands", [])[:20]:
            if b.get("kind") != "giftcard" or b.get("is_out_of_stock"):
                continue
            st, _, body = fetch(args.base, "POST", "/api/catalog/products",
                                body={"country": "US", "family": b["family"]},
                                headers=APP, timeout=10)
            if st != 200:
                continue
            for p in json.loads(body).get("family", {}).get("products", []):
                price = ((p.get("face_value") or {}).get("amount") or {}).get("price")
                if not p.get("is_dynamic") and not p.get("is_out_of_stock") and price:
                    args.product = (b["family"], price)
                    return args.product
    except (OSError, ValueError, KeyError, TypeError, http.client.HTTPException):
        pass
    return args.product


def checkout_form(args, key=None, n=0):
    family, amount = checkout_product(args)
    return {"country": "US", "family": family, "amount": amount, "pay": args.pay,
            "beneficiary": f"friend{n}@example.com", "email": "buyer@example.com",
            "coupon": "", "idempotency_key": key or f"hostile-{secrets.token_hex(12)}"}


def new_cart(args, src, extra=None):
    """Adds one card to a new cart from `src`: (cookie "cart=...", the cart's key
    to pay it with), or (None, None)."""
    family, amount = checkout_product(args)
    st, msg, _ = fetch(args.base, "POST", "/api/cart/add",
                       body={"country": "US", "family": family, "amount": amount,
                             "beneficiary": "ann@example.com"},
                       headers={**APP, **(extra or {})}, src=src, timeout=10)
    cookie = next((c.split(";")[0] for c in msg.get_all("Set-Cookie") or []
                   if c.startswith("cart=") and not c.startswith("cart=;")), None)
    if not cookie:
        return None, None
    try:  # the signed cookie's payload is readable: {"v": {"k": key, ...}}
        payload = cookie.split("=", 1)[1].split(".")[0]
        key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["v"]["k"]
        return cookie, key
    except (ValueError, KeyError, TypeError, IndexError):
        pass
    st, _, body = fetch(args.base, "POST", "/api/cart/get", body=b"",
                        headers={**APP, "Cookie": cookie}, src=src, timeout=10)
    try:
        return cookie, json.loads(body)["key"]
    except (ValueError, KeyError, TypeError):
        return cookie, None


def server_sockets(args):
    """The server's TCP sockets on its port, by peer (ip, port): (state hex,
    bytes not yet sent, still owned by the server process). None without --pid
    or /proc. A socket the server has closed is orphaned (inode 0), even while
    the kernel still tries to deliver what was written to it."""
    if not args.pid:
        return None
    _, port = base_addr(args)
    try:
        owned = set()
        for fd in os.listdir(f"/proc/{args.pid}/fd"):
            try:
                link = os.readlink(f"/proc/{args.pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                owned.add(int(link[8:-1]))
        out = {}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    lines = f.readlines()[1:]
            except OSError:
                continue
            for line in lines:
                parts = line.split()
                lhex, lport = parts[1].split(":")
                if int(lport, 16) != port or parts[3] == "0A":  # 0A: the listener
                    continue
                rhex, rport = parts[2].split(":")
                raw = bytes.fromhex(rhex)
                if len(raw) == 4:
                    ip = socket.inet_ntoa(raw[::-1])
                else:
                    ip6 = ipaddress.IPv6Address(b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
                    ip = str(ip6.ipv4_mapped or ip6)
                out[(ip, int(rport, 16))] = (parts[3], int(parts[4].split(":")[0], 16),
                                             int(parts[9]) in owned)
        return out
    except OSError:
        return None


def held_by_server(args, local_addrs):
    """Of our connections (their local (ip, port)), how many the server still
    holds, and how many of those have unsent bytes queued: (held, stalled) or
    (None, None)."""
    table = server_sockets(args)
    if table is None:
        return None, None
    held = stalled = 0
    for a in local_addrs:
        entry = table.get(a)
        if entry and entry[2]:
            held += 1
            stalled += entry[1] > 0
    return held, stalled


def drain(s):
    """Reads what a non-blocking socket has: (bytes, closed by the peer)."""
    data = b""
    try:
        while select.select([s], [], [], 0)[0]:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except OSError:
        return data, True
    return data, False


def status_of(data):
    if data.startswith(b"HTTP/"):
        try:
            return int(data.split(b" ", 2)[1])
        except (IndexError, ValueError):
            pass
    return None


# ---- d. cross-site posts -----------------------------------------------------

# The server functions of src/api (#[server(prefix = "/api", endpoint = ...)]):
# all answer POST but catalog/country_options (GetUrl), posted all the same.
SERVER_FNS = [
    "cart/add", "cart/count", "cart/get", "cart/pay", "cart/prices", "cart/update",
    "catalog/brands", "catalog/country_options", "catalog/homepage",
    "catalog/payment_options", "catalog/products", "catalog/storefront",
    "checkout/check", "checkout/price", "orders/again", "orders/create", "orders/draft",
    "orders/get", "orders/recent", "orders/recent/forget", "orders/region",
    "orders/validate", "pricing/quote",
]
# The plain routes of src/server/routes.rs that change state (GET routes: a POST
# to them is refused or 405) and a language-prefixed path of each kind of order.
CROSS_SITE_PATHS = ([f"/api/{e}" for e in SERVER_FNS] + ["/lang", "/country"]
                    + ["/vi/api/orders/create", "/tr/api/cart/pay"])


def cross_site(args):
    """d. Every POST endpoint as another website would make the browser post it."""
    src = args.src(4)
    host, port = base_addr(args)
    family, amount = checkout_product(args)
    cookie, cart_key = new_cart(args, src)
    variants = {
        "cross-site": {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        "same-site": {"Origin": f"https://sibling.{host}", "Sec-Fetch-Site": "same-site"},
        "origin-null": {"Origin": "null"},
        "foreign-origin": {"Origin": "https://evil.example"},
    }
    kinds = {"form": {"Accept": "text/html,application/xhtml+xml"},
             "app": {"Accept": "application/json"}}
    jobs = [(p, v, k) for p in CROSS_SITE_PATHS for v in variants for k in kinds]

    def one(job):
        path, variant, kind = job
        form = {**checkout_form(args), "lang": "en", "to": "tr", "next": "/",
                "quantity": "3", "order_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
        if path.endswith("cart/pay") and cart_key:
            form["idempotency_key"] = cart_key  # were it accepted, the cart is paid
        hdrs = {**kinds[kind], **variants[variant]}
        if cookie:
            hdrs["Cookie"] = cookie  # a sibling subdomain's post carries Lax cookies
        return job, outcome(lambda: fetch(args.base, "POST", path, body=form, headers=hdrs,
                                          src=src, timeout=15)[0])

    before = sandbox_stats(args)
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, jobs))
    after = sandbox_stats(args)
    by_variant = collections.defaultdict(collections.Counter)
    for (path, variant, kind), st in results:
        by_variant[variant][st] += 1
    accepted = [f"{v}/{k} POST {p} -> {st}" for (p, v, k), st in results if st != "403"]
    # Controls: the same requests from our own pages are served.
    control = {}
    for path in ("/api/catalog/brands", "/api/cart/count"):
        control[path] = outcome(lambda: fetch(args.base, "POST", path, body={"country": "US"},
                                              headers={**APP, "Origin": f"http://{host}:{port}"},
                                              src=src, timeout=10)[0])
    # Cross-site GETs of the plain routes that set a cookie (by design: links).
    gets = {}
    for path in ("/lang?to=tr&next=/", "/country?country=FR&next=/"):
        try:
            st, msg, _ = fetch(args.base, "GET", path, src=src, timeout=10,
                               headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
            gets[path] = f"{st}, sets {len(msg.get_all('Set-Cookie') or [])} cookie(s)"
        except (OSError, http.client.HTTPException) as e:
            gets[path] = f"err:{type(e).__name__}"
    delta = stats_delta(before, after)
    return {"endpoints": len(CROSS_SITE_PATHS), "variants": list(variants), "kinds": list(kinds),
            "sent": len(results),
            "refused_403": sum(st == "403" for _, st in results),
            "accepted": len(accepted), "accepted_requests": accepted[:50],
            "statuses_by_variant": {v: dict(sorted(c.items())) for v, c in by_variant.items()},
            "cart_cookie": bool(cookie), **delta,
            "same_origin_control": control, "cross_site_gets": gets,
            "seconds": round(time.monotonic() - t0, 1)}


# ---- e. long-query pages -----------------------------------------------------

def long_queries(args, count=2000, qbytes=60_000, bound=180.0):
    """e. Unique ~60 KB queries on the home page and a brand page."""
    src = args.src(5)
    family, _ = checkout_product(args)
    paths = ["/", f"/brands/US/{family}"]
    filler = rand(qbytes)
    before = rss_mb(args.pid)
    t0 = time.monotonic()

    def one(i):
        if time.monotonic() - t0 > bound:
            return "skipped", None, 0, False
        tok = secrets.token_hex(8)
        if (i // 2) % 2:  # a parameter the page reads, far over its length
            query = f"q={tok}{filler[:qbytes - 18]}"
        else:  # a stranger's parameter
            query = f"utm_{tok}={filler[:qbytes - 22]}"
        try:
            st, msg, body = fetch(args.base, "GET", f"{paths[i % 2]}?{query}", src=src,
                                  timeout=TIMEOUT, cap=16 << 20)
            return str(st), msg.get("x-page-cache"), len(body), filler[:1024].encode() in body
        except socket.timeout:
            return "err:timeout", None, 0, False
        except (OSError, http.client.HTTPException) as e:
            return f"err:{type(e).__name__}", None, 0, False

    with cf.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(count)))
    seconds = round(time.monotonic() - t0, 1)
    after = rss_mb(args.pid)
    time.sleep(2)
    out = {"requests": count, "query_bytes": qbytes, "paths": paths,
           "rss_before_mb": before, "rss_after_mb": after,
           "rss_after_2s_mb": rss_mb(args.pid), "rss_peak_mb": rss_mb(args.pid, "VmHWM"),
           "statuses": dict(sorted(collections.Counter(r[0] for r in results).items())),
           "page_cache": dict(collections.Counter(str(r[1]) for r in results)),
           "largest_page_bytes": max((r[2] for r in results), default=None),
           "smallest_page_bytes": min((r[2] for r in results if r[2]), default=None),
           "pages_echoing_the_query": sum(r[3] for r in results),
           "seconds": seconds}

    # Then what the cache may keep: twice as many unique queries within the page's
    # own parameters and lengths (q= 40 characters; 2,000 home pages weigh more
    # than the 32 MiB a kind may keep): does the byte budget hold?
    def kept(i):
        try:
            st, msg, body = fetch(args.base, "GET", f"{paths[i % 2]}?q={rand(40)}", src=src,
                                  timeout=TIMEOUT, cap=16 << 20)
            return str(msg.get("x-page-cache")), len(body)
        except (OSError, http.client.HTTPException) as e:
            return f"err:{type(e).__name__}", 0

    t1 = time.monotonic()
    with cf.ThreadPoolExecutor(8) as pool:
        kept_results = list(pool.map(kept, range(2 * count)))
    time.sleep(2)
    out["short_queries"] = 2 * count
    out["short_query_page_cache"] = dict(collections.Counter(r[0] for r in kept_results))
    out["short_query_page_bytes"] = sum(r[1] for r in kept_results)
    out["rss_after_short_queries_mb"] = rss_mb(args.pid)
    out["short_query_seconds"] = round(time.monotonic() - t1, 1)
    return out


# ---- f. one address holding the connection cap --------------------------------

def one_address(args, count=400, body_len=16_000, watch=40.0):
    """f. Slow-body posts from one address, and another address meanwhile."""
    if not args.loopback:
        return {"error": "needs a loopback --base (binds --attacker and --other)"}
    attacker, other = args.attacker, args.other
    host, port = base_addr(args)
    # Not /api/orders/create: its order budget answers 429 before any body is
    # read. /api/cart/add has no budget: each post waits for its body.
    head = (f"POST /api/cart/add HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: application/json\r\nSec-Fetch-Site: same-origin\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {body_len}\r\n\r\n").encode()
    out = {"attacker": attacker, "other": other, "attempted": count, "content_length": body_len}
    # A Content-Length over the body limit, for the record: answered at once?
    try:
        with connect(args, other) as s:
            s.sendall(head.replace(f"Content-Length: {body_len}".encode(),
                                   b"Content-Length: 10000000"))
            t = time.monotonic()
            s.settimeout(5)
            first = s.recv(4096)
            out["content_length_10mb"] = f"{status_of(first)} after {time.monotonic() - t:.2f} s"
    except OSError as e:
        out["content_length_10mb"] = f"err:{type(e).__name__}"

    socks, failed, buf, local = [], collections.Counter(), {}, {}
    t0 = time.monotonic()
    for _ in range(count):
        try:
            s = connect(args, attacker, timeout=5)
            s.sendall(head)
            s.setblocking(False)
            socks.append(s)
            buf[s], local[s] = b"", s.getsockname()[:2]
        except OSError as e:
            failed[type(e).__name__] += 1
    out["opened"], out["open_failures"] = len(socks), dict(failed)
    out["open_seconds"] = round(time.monotonic() - t0, 1)
    time.sleep(1.0)
    closed = set()
    for s in socks:
        data, eof = drain(s)
        buf[s] += data
        if eof:
            closed.add(s)
    refused = [s for s in socks if b"Too many connections" in buf[s]]
    answered = collections.Counter(str(status_of(buf[s])) for s in socks if buf[s] and s not in refused)
    held = [s for s in socks if not buf[s] and s not in closed]
    out["held"], out["refused_503_too_many"] = len(held), len(refused)
    out["other_answers"] = dict(answered)
    out["closed_without_answer"] = sum(1 for s in socks if s in closed and not buf[s])
    out["held_by_server"], _ = held_by_server(args, [local[s] for s in socks])

    def probe(src):
        t = time.monotonic()
        try:
            st, _, body = fetch(args.base, "GET", "/", src=src, timeout=15)
            return st, round((time.monotonic() - t) * 1000, 1), body[:60].decode(errors="replace")
        except (OSError, http.client.HTTPException) as e:
            return f"err:{type(e).__name__}", round((time.monotonic() - t) * 1000, 1), ""

    probes = [probe(other) for _ in range(5)]
    out["other_get_statuses"] = dict(collections.Counter(str(p[0]) for p in probes))
    out["other_get_ms_median"] = statistics.median(p[1] for p in probes)
    out["other_get_ms_max"] = max(p[1] for p in probes)
    st, ms, text = probe(attacker)
    out["attacker_get"] = f"{st} in {ms} ms" + (f": {text.strip()}" if st != 200 else "")
    # A request of the other address that must reach the upstream (never cached):
    # with the embedded sandbox, the shop's own connections to it come from
    # 127.0.0.1 too, and count in that address's share.
    t = time.monotonic()
    st = outcome(lambda: fetch(args.base, "POST", "/api/orders/validate",
                               body=checkout_form(args), headers=APP, src=other, timeout=15)[0])
    out["other_validate"] = f"{st} in {(time.monotonic() - t) * 1000:.1f} ms"
    table = server_sockets(args)
    if table is not None:
        mine = {local[s] for s in socks}
        out["server_connections_from_attacker_not_ours"] = sum(
            1 for (ip, p), e in table.items() if ip == attacker and e[2] and (ip, p) not in mine)
    # How long are the held ones kept? (the handler time limit, CR_HANDLER_TIMEOUT_MS)
    released, rel_status = {}, collections.Counter()
    while held and time.monotonic() - t0 < watch:
        for s in held:
            if s in released:
                continue
            data, eof = drain(s)
            buf[s] += data
            if data or eof:
                released[s] = time.monotonic() - t0
                rel_status[str(status_of(buf[s]))] += 1
        if len(released) == len(held):
            break
        time.sleep(0.5)
    times = sorted(released.values())
    out["watched_s"] = round(min(watch, time.monotonic() - t0), 1)
    out["released"] = len(released)
    out["released_statuses"] = dict(rel_status)
    out["released_after_s"] = (f"{times[0]:.1f}-{times[-1]:.1f} (median {statistics.median(times):.1f})"
                               if times else None)
    out["still_held_at_end"] = len(held) - len(released)
    for s in socks:
        s.close()
    return out


# ---- g. slow readers ----------------------------------------------------------

def large_answer(args):
    """The largest answer the shop serves: its wasm (path from the home page's
    loader script), else the home page. (path, bytes or None)."""
    try:
        _, _, body = fetch(args.base, "GET", "/", timeout=10, cap=4 << 20)
        m = re.findall(rb'\(\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"', body)
        if m:
            root, pkg, _, wasm = (x.decode() for x in m[-1])
            path = f"{root}/{pkg}/{wasm}.wasm"
            st, msg, _ = fetch(args.base, "HEAD", path, headers={"Accept-Encoding": "identity"},
                               timeout=10, cap=0)
            if st == 200 and (msg.get("Content-Length") or "").isdigit():
                return path, int(msg["Content-Length"])
        return "/", len(body)
    except (OSError, http.client.HTTPException):
        return "/", None


def slow_readers(args, count=300, rcvbuf=4096, queue_bytes=4_500_000):
    """g. Connections that ask for a large answer and never read it. The kernel
    takes up to ~4 MB of one connection's answers (tcp_wmem's maximum) whether or
    not the client reads: each connection asks for the answer as many times
    (pipelined) as it takes to send more than that, so the server's writes wait."""
    stall = args.write_stall_ms / 1000
    wait = stall + 5
    path, size = large_answer(args)
    repeat = min(64, queue_bytes // size + 1) if size else 16
    host, port = base_addr(args)
    req = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
           "Accept-Encoding: identity\r\n\r\n").encode() * repeat
    srcs = [args.src(7), args.src(8)]  # 150 each: under the per-client cap of 256
    socks, failed, local = [], collections.Counter(), {}
    t0 = time.monotonic()
    try:
        for i in range(count):
            try:
                s = connect(args, srcs[i % 2], timeout=5, rcvbuf=rcvbuf)
                socks.append(s)
                s.sendall(req)
                s.setblocking(False)
                local[s] = s.getsockname()[:2]
            except OSError as e:
                failed[type(e).__name__] += 1
        opened = round(time.monotonic() - t0, 1)
        time.sleep(1.5)
        held0, stalled0 = held_by_server(args, local.values())
        # One sample a second until the wait is over: when were they let go?
        samples = []
        while time.monotonic() - t0 < wait:
            time.sleep(1.0)
            samples.append((round(time.monotonic() - t0, 1), held_by_server(args, local.values())[0]))
        held1, stalled1 = held_by_server(args, local.values())
    finally:
        for s in socks:  # unread data: the close resets, the kernel frees the queues
            s.close()
    return {"answer": f"{path} ({size} bytes) x {repeat} pipelined", "attempted": count,
            "opened": len(local), "open_failures": dict(failed), "open_seconds": opened,
            "client_rcvbuf": rcvbuf, "write_stall_s": stall, "wait_s": wait,
            "held_by_server_at_1_5s": held0, "with_unsent_bytes_at_1_5s": stalled0,
            "held_by_server_after_wait": held1, "with_unsent_bytes_after_wait": stalled1,
            "held_by_second": samples, "seconds": round(time.monotonic() - t0, 1)}


# ---- h. idle HTTP/2 -----------------------------------------------------------

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
HPACK_STATUS = {8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500}


def h2_frame(kind, flags, stream, payload=b""):
    return (len(payload).to_bytes(3, "big") + bytes([kind, flags])
            + (stream & 0x7FFFFFFF).to_bytes(4, "big") + payload)


def hpack_get(authority, path="/"):
    """GET `path` as an HPACK block: static-table :method GET, :scheme http, and
    literals without indexing (indexed names) for :path and :authority."""
    def literal(index, value):
        v = value.encode()
        return bytes([index, len(v)]) + v  # 0000xxxx: name index; H=0, 7-bit length
    return b"\x82\x86" + (b"\x84" if path == "/" else literal(4, path)) + literal(1, authority)


def h2_idle(args, src, with_request, bound):
    """One h2c connection: preface + SETTINGS (+ GET /), then idle; answers the
    server's SETTINGS and PINGs. Seconds from idle to GOAWAY and to close."""
    host, port = base_addr(args)
    out = {"request": "GET /" if with_request else "none", "pings_answered": 0}
    s = connect(args, src, timeout=10)
    try:
        s.sendall(H2_PREFACE + h2_frame(SETTINGS, 0, 0))
        if with_request:
            s.sendall(h2_frame(HEADERS, 0x5, 1, hpack_get(f"{host}:{port}")))  # END_STREAM|END_HEADERS
        t0 = idle_from = time.monotonic()
        buf, waiting = b"", with_request
        while time.monotonic() - t0 < bound:
            if not select.select([s], [], [], 1.0)[0]:
                continue
            try:
                data = s.recv(65536)
            except OSError as e:
                out["closed"] = f"err:{type(e).__name__}"
                data = b""
            if not data:
                out["closed_after_s"] = round(time.monotonic() - idle_from, 1)
                break
            buf += data
            while len(buf) >= 9 and len(buf) >= 9 + int.from_bytes(buf[:3], "big"):
                n = int.from_bytes(buf[:3], "big")
                kind, flags = buf[3], buf[4]
                stream = int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
                payload, buf = buf[9:9 + n], buf[9 + n:]
                now = time.monotonic()
                if kind == SETTINGS and not flags & 1:
                    s.sendall(h2_frame(SETTINGS, 1, 0))
                elif kind == PING and not flags & 1:
                    s.sendall(h2_frame(PING, 1, 0, payload))
                    out["pings_answered"] += 1
                    out.setdefault("first_ping_after_s", round(now - idle_from, 1))
                elif kind == GOAWAY and "goaway_after_s" not in out:
                    out["goaway_after_s"] = round(now - idle_from, 1)
                    out["goaway_error_code"] = int.from_bytes(payload[4:8], "big")
                elif kind == HEADERS and stream == 1 and "status" not in out and payload:
                    first = payload[0]
                    out["status"] = HPACK_STATUS.get(first & 0x7F, "?") if first & 0x80 else "literal"
                elif kind == DATA and n:
                    inc = n.to_bytes(4, "big")
                    s.sendall(h2_frame(WINDOW_UPDATE, 0, 0, inc) + h2_frame(WINDOW_UPDATE, 0, stream, inc))
                elif kind == RST_STREAM:
                    out["rst_stream"] = int.from_bytes(payload[:4], "big")
                if waiting and stream == 1 and kind in (DATA, HEADERS) and flags & 1:
                    waiting, idle_from = False, now  # the answer is complete: idle from here
                    out["answered_in_s"] = round(now - t0, 2)
        else:
            out["still_open_at_bound"] = True
    finally:
        s.close()
    out["bound_s"] = bound
    return out


def h1_idle(args, src, bound):
    """An HTTP/1.1 keep-alive connection idle after one GET /: seconds to close."""
    host, port = base_addr(args)
    s = connect(args, src, timeout=10)
    try:
        s.sendall(f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        t0 = idle_from = time.monotonic()
        got = b""
        while time.monotonic() - t0 < bound:
            if not select.select([s], [], [], 1.0)[0]:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                return {"closed_after_s": round(time.monotonic() - idle_from, 1),
                        "status": status_of(got)}
            got += data
            idle_from = time.monotonic()
        return {"still_open_at_bound": True, "bound_s": bound, "status": status_of(got)}
    finally:
        s.close()


def idle_h2(args, bound=90.0):
    """h. Idle h2c connections (after a request, and without one), and an idle
    HTTP/1.1 keep-alive one for comparison, side by side."""
    jobs = {"h2_after_get": lambda: h2_idle(args, args.src(6), True, bound),
            "h2_no_request": lambda: h2_idle(args, args.src(6), False, bound),
            "h1_keep_alive": lambda: h1_idle(args, args.src(6), bound)}
    with cf.ThreadPoolExecutor(3) as pool:
        futures = {k: pool.submit(f) for k, f in jobs.items()}
        out = {}
        for k, fut in futures.items():
            try:
                out[k] = fut.result()
            except Exception as e:  # noqa: BLE001 - reported, not raised
                out[k] = {"error": f"{type(e).__name__}: {e}"}
    return out


def h2_summary(r):
    if not isinstance(r, dict) or "error" in r:
        return None
    parts = []
    if "status" in r:
        parts.append(f"status {r['status']}")
    if "pings_answered" in r:  # h2
        parts.append(f"GOAWAY after {r['goaway_after_s']} s (error {r.get('goaway_error_code')})"
                     if "goaway_after_s" in r else "no GOAWAY")
    if "closed_after_s" in r:
        parts.append(f"closed after {r['closed_after_s']} s")
    elif r.get("still_open_at_bound"):
        parts.append(f"still open at {r['bound_s']:.0f} s")
    if "pings_answered" in r:
        parts.append(f"{r['pings_answered']} PINGs answered")
    return ", ".join(parts)


# ---- i. orders per minute per client -------------------------------------------

ORDER_PATHS = ["/api/orders/create", "/api/cart/pay", "/vi/api/orders/create", "/vi/api/cart/pay"]


def orders_per_minute(args, window=60.0):
    """i. One client orders through every path for a minute."""
    src = args.src(9)
    checkout_product(args)
    before = sandbox_stats(args)
    log, n = [], 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < window:
        path = ORDER_PATHS[n % len(ORDER_PATHS)]
        n += 1
        if path.endswith("cart/pay"):
            try:
                cookie, key = new_cart(args, src)
            except (OSError, http.client.HTTPException):
                cookie = key = None
            if not (cookie and key):
                log.append((time.monotonic() - t0, path, "no cart"))
                continue
            form = {"pay": args.pay, "email": "buyer@example.com", "coupon": "",
                    "idempotency_key": key}
            hdrs = {**APP, "Cookie": cookie}
        else:
            form, hdrs = checkout_form(args, n=n), APP
        st = outcome(lambda: fetch(args.base, "POST", path, body=form, headers=hdrs, src=src,
                                   timeout=15)[0])
        log.append((time.monotonic() - t0, path, st))
        if st == "429":
            time.sleep(0.25)
    after = sandbox_stats(args)
    ok = [(t, p) for t, p, st in log if st == "200"]
    first_refusal = next((t for t, _, st in log if st == "429"), None)
    before_refusal = sum(1 for t, _ in ok if first_refusal is None or t < first_refusal)
    by_path = collections.defaultdict(collections.Counter)
    for _, p, st in log:
        by_path[p][st] += 1
    out = {"window_s": window, "attempts": len(log), "accepted": len(ok),
           "accepted_by_path": {p: by_path[p].get("200", 0) for p in ORDER_PATHS},
           "statuses_by_path": {p: dict(sorted(c.items())) for p, c in by_path.items()},
           "accepted_before_first_429": before_refusal,
           "first_429_after_s": round(first_refusal, 2) if first_refusal is not None else None,
           "accepted_after_first_429": len(ok) - before_refusal,
           **stats_delta(before, after)}
    if first_refusal is not None and window - first_refusal > 5:
        out["rate_after_first_429_per_min"] = round(
            out["accepted_after_first_429"] / (window - first_refusal) * 60, 1)
    return out


# ---- j. upstream validations per minute per client ------------------------------

def validations_per_minute(args, window=60.0, threads=4):
    """j. One client hammers the live check and the validation for a minute."""
    src = args.src(10)
    checkout_product(args)
    before = sandbox_stats(args)
    t0 = time.monotonic()
    paths = ["/api/checkout/check", "/api/orders/validate"]

    def worker(w):
        path, got, k = paths[w % 2], [], 0
        while time.monotonic() - t0 < window:
            k += 1
            form = {**checkout_form(args, n=w * 100_000 + k), "lang": "en"}
            form.pop("idempotency_key")
            st = outcome(lambda: fetch(args.base, "POST", path, body=form, headers=APP,
                                       src=src, timeout=15)[0])
            got.append((time.monotonic() - t0, st))
            if st == "429":
                time.sleep(0.1)
        return path, got

    with cf.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(worker, range(threads)))
    after = sandbox_stats(args)
    statuses = collections.defaultdict(collections.Counter)
    first = {}
    for path, got in results:
        for t, st in got:
            statuses[path][st] += 1
            if st == "429":
                first[path] = min(first.get(path, t), t)
    later = collections.Counter()
    for p, got in results:  # two threads a path
        later[p] += sum(1 for t, st in got if st == "200" and p in first and t > first[p])
    rate = {p: round(n / (window - first[p]) * 60, 1) for p, n in later.items()
            if p in first and window - first[p] > 5}
    return {"window_s": window, "threads": threads,
            "statuses_by_path": {p: dict(sorted(c.items())) for p, c in statuses.items()},
            "answered_200_by_path": {p: c.get("200", 0) for p, c in statuses.items()},
            "first_429_after_s": {p: round(t, 2) for p, t in first.items()},
            "rate_after_first_429_per_min": rate,
            **stats_delta(before, after)}


def step(fn, args):
    try:
        return fn(args)
    except Exception as e:  # a failed step is a reported figure, not a crash
        return {"error": f"{type(e).__name__}: {e}"}


def fmt(value, reason):
    if isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in value.items()) or None
    return f"n/a ({reason})" if value is None else str(value)


STEPS = [("a", "hostile_posts", hostile_posts), ("b", "half_open", half_open),
         ("c", "upstream", upstream_economy), ("d", "cross_site", cross_site),
         ("e", "long_queries", long_queries), ("f", "one_address", one_address),
         ("g", "slow_readers", slow_readers), ("h", "idle_h2", idle_h2),
         ("i", "orders_per_minute", orders_per_minute),
         ("j", "validations_per_minute", validations_per_minute)]


def rows(args, res):
    """The table's rows: (label, part, key, reason) of the steps that ran."""
    no_pid = "no --pid, or /proc unreadable"
    no_stats = "no --token, or no sandbox stats"
    out = []
    if "hostile_posts" in res:
        a = res["hostile_posts"]
        out += [("RSS before hostile posts (MB)", a, "rss_before_mb", no_pid),
                ("RSS after 1,000 hostile posts (MB)", a, "rss_after_mb", no_pid),
                ("Peak RSS of the process so far, VmHWM (MB)", a, "rss_peak_mb", no_pid),
                ("Hostile post statuses", a, "statuses", "?")]
    if "half_open" in res:
        b = res["half_open"]
        out += [("Half-open connections opened", b, "opened", "?"),
                ("Half-open connections still open after 15 s", b, "still_open", "?")]
    if "upstream" in res:
        c = res["upstream"]
        out += [("Upstream calls per 1,000 hostile requests", c, "upstream_calls",
                 c.get("upstream_error", "?")),
                ("Hostile request statuses", c, "statuses", "?")]
    if "cross_site" in res:
        d = res["cross_site"]
        if "sent" in d:
            d["summary"] = (f"{d['refused_403']} of {d['sent']} refused with 403 "
                            f"({d['endpoints']} endpoints x {len(d['variants'])} variants x "
                            f"{len(d['kinds'])} kinds), {d['accepted']} accepted")
        out += [("Cross-site posts refused / accepted", d, "summary", "?"),
                ("Cross-site posts: orders created", d, "orders_created", no_stats),
                ("Cross-site posts: upstream calls caused", d, "upstream_calls", no_stats),
                ("Same-origin control posts", d, "same_origin_control", "?")]
    if "long_queries" in res:
        e = res["long_queries"]
        n = f"{e.get('requests', 2000):,}"
        out += [("RSS before long-query pages (MB)", e, "rss_before_mb", no_pid),
                (f"RSS after {n} unique ~60 KB-query pages (MB)", e, "rss_after_mb", no_pid),
                ("Largest page answered to a long query (bytes)", e, "largest_page_bytes", "?"),
                ("Long-query page statuses", e, "statuses", "?"),
                ("Long-query pages: x-page-cache", e, "page_cache", "?"),
                ("Long-query pages that echo the query", e, "pages_echoing_the_query", "?"),
                (f"RSS after {e.get('short_queries', 4000):,} more, unique short q= the cache may keep (MB)", e,
                 "rss_after_short_queries_mb", no_pid),
                ("  ... their x-page-cache", e, "short_query_page_cache", "?")]
    if "one_address" in res:
        f = res["one_address"]
        if "held" in f:
            f["summary"] = (f"{f['held']} held, {f['refused_503_too_many']} refused "
                            f"(503 too many), other {f['other_answers'] or 0}")
            f["other_summary"] = (f"{f['other_get_statuses']} median {f['other_get_ms_median']} ms, "
                                  f"max {f['other_get_ms_max']} ms")
        out += [(f"Slow-body posts from one address ({f.get('attempted', 400)})", f, "summary", "?"),
                ("  ... slots the server holds for it (/proc)", f, "held_by_server", no_pid),
                ("  ... GET / from another address meanwhile", f, "other_summary", "?"),
                ("  ... GET / from the same address meanwhile", f, "attacker_get", "?"),
                ("  ... /api/orders/validate (upstream) from the other address", f,
                 "other_validate", "?"),
                ("  ... the attacker address's other connections (the shop's own)", f,
                 "server_connections_from_attacker_not_ours", no_pid),
                ("  ... held ones let go after (s)", f, "released_after_s", "none let go"),
                ("  ... how they were let go", f, "released_statuses", "?"),
                ("  ... a 10 MB Content-Length", f, "content_length_10mb", "?")]
    if "slow_readers" in res:
        g = res["slow_readers"]
        stall = g.get("write_stall_s", args.write_stall_ms / 1000)
        if g.get("held_by_second"):
            g["held_by_second_text"] = ", ".join(f"{t:g} s: {n}" for t, n in g["held_by_second"])
        out += [("Slow readers opened (of 300)", g, "opened", "?"),
                ("  ... held by the server 1.5 s after opening", g, "held_by_server_at_1_5s", no_pid),
                ("  ... of them with unsent bytes (writes waiting)", g, "with_unsent_bytes_at_1_5s", no_pid),
                (f"  ... still held {stall + 5:g} s after opening (write stall {stall:g} s)", g,
                 "held_by_server_after_wait", no_pid),
                ("  ... held, second by second after opening", g, "held_by_second_text", no_pid)]
    if "idle_h2" in res:
        h = res["idle_h2"]
        for k, label in [("h2_after_get", "Idle h2c connection after one GET /"),
                         ("h2_no_request", "Idle h2c connection, no request"),
                         ("h1_keep_alive", "Idle HTTP/1.1 keep-alive after one GET /")]:
            r = h.get(k)
            if isinstance(r, dict) and "error" not in r:
                h[k + "_summary"] = h2_summary(r)
            reason = r.get("error") if isinstance(r, dict) else h.get("error")
            out.append((label, h, k + "_summary", reason or "?"))
    if "orders_per_minute" in res:
        i = res["orders_per_minute"]
        out += [("Orders accepted from one client in 60 s (all paths)", i, "accepted", "?"),
                ("  ... by path", i, "accepted_by_path", "?"),
                ("  ... before the first 429", i, "accepted_before_first_429", "?"),
                ("  ... first 429 after (s)", i, "first_429_after_s", "no 429"),
                ("  ... accepted after it, as a rate (per minute)", i,
                 "rate_after_first_429_per_min", "no 429, or too late"),
                ("  ... orders created (sandbox)", i, "orders_created", no_stats)]
    if "validations_per_minute" in res:
        j = res["validations_per_minute"]
        out += [("Upstream validations caused by one client in 60 s", j,
                 "upstream_validations", no_stats),
                ("  ... answered 200 by path", j, "answered_200_by_path", "?"),
                ("  ... first 429 after (s)", j, "first_429_after_s", "no 429"),
                ("  ... answered 200 after it, as a rate (per minute)", j,
                 "rate_after_first_429_per_min", "no 429"),
                ("  ... all upstream calls meanwhile", j, "upstream_calls", no_stats)]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--token")
    p.add_argument("--out")
    p.add_argument("--pay", default="USDC|Solana", help="the forms' coin|network value")
    p.add_argument("--only", default="abcdefghij",
                   help="the steps to run, e.g. d,e,f (default: all, a-j)")
    p.add_argument("--write-stall-ms", type=int, default=30_000,
                   help="the server's CR_WRITE_STALL_MS (step g waits it + 5 s)")
    p.add_argument("--attacker", default="127.0.0.1",
                   help="step f's address that holds its connection share")
    p.add_argument("--other", default="127.0.0.2", help="step f's other address")
    args = p.parse_args()
    args.base = args.base.rstrip("/")
    only = set(args.only.replace(",", "").replace(" ", "").lower())
    unknown = only - {s[0] for s in STEPS}
    if unknown:
        p.error(f"unknown steps: {','.join(sorted(unknown))} (a-j)")
    setup_sources(args)

    res = {"base": args.base, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
           "steps": "".join(s for s, _, _ in STEPS if s in only),
           "write_stall_ms": args.write_stall_ms,
           "client_addresses": "own 127/8 address per step" if args.loopback else "this host's"}
    # h only waits: it runs in the background while the steps after it run.
    background = {}
    if "h" in only:
        t = threading.Thread(target=lambda: background.update(idle_h2=step(idle_h2, args)),
                             daemon=True)
        t.start()
        background["thread"] = t
    for letter, name, fn in STEPS:
        if letter not in only:
            continue
        if letter == "h":
            continue  # joined at the end
        res[name] = step(fn, args)
        brief = {k: v for k, v in res[name].items() if k != "stats"}
        print(f"# {letter}. {name}: {json.dumps(brief)}", flush=True)
    if "thread" in background:
        background["thread"].join(120)
        res["idle_h2"] = background.get("idle_h2", {"error": "did not finish in 120 s"})
        print(f"# h. idle_h2: {json.dumps(res['idle_h2'])}", flush=True)
        # in step order in the JSON
        res = {k: res[k] for k in [k for k in res if k not in {n for _, n, _ in STEPS}]
               + [n for _, n, _ in STEPS if n in res]}

    print("\n| Figure | Value |\n|---|---|")
    for label, part, key, reason in rows(args, res):
        value = fmt(part.get(key), part.get("error", reason))
        print(f"| {label} | {value.replace('|', '/')} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=2)
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
