#!/usr/bin/env python3
"""Latency prober and a small load generator for bench/run.sh.

Usage:
  probe.py probe URL RATE SECONDS [--delay S] [--header "Name: value"]...
  probe.py load  URL CLIENTS SECONDS [--header "Name: value"]...
                 [--own-address] [--path-list P1,P2,...]

probe: one keep-alive HTTP/1.1 connection that asks for URL RATE times a
second, from DELAY seconds after this process started until DELAY + SECONDS
(a fixed window, so that it lines up with a load started at the same
moment). The prober never has more than one request open, so it adds
almost no load of its own. The latency of a probe is from sending it until
the last byte of its answer.

When an answer takes longer than the interval, the probes that were due
meanwhile cannot go out; they are "skipped", and each is counted as if it
had been sent on time and answered together with the one that was open
(its latency: from when it was due until that answer came), as HdrHistogram
does with an expected interval. Without this a stall of seconds would count
as one slow probe among hundreds of fast ones. p50/p90/p99 include them;
raw_p50/raw_p99 and max are of the probes actually sent.

load: CLIENTS threads, each with its own keep-alive connection, ask for URL
(or the paths of --path-list, on the host of URL: request n of all clients
together asks for path n modulo their number) one after another for
SECONDS. With --own-address client i connects from 127.0.0.(10+i)
instead of 127.0.0.1 (all of 127/8 is loopback), so that the server sees
CLIENTS different peers, as from that many kiosks (a limit per address then
applies to each one separately).

Each prints one JSON object: requests answered, errors (no complete answer
within 30 s, connection lost), counts per status, p50/p90/p99/max latency in
ms, for probe the skipped probes and the raw percentiles, for load the body
bytes received. Only http://127.0.0.1:PORT URLs
are accepted. Exit 1 when not a single request could be answered.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

REQUEST_TIMEOUT = 30.0


def percentile(sorted_ms, p):
    if not sorted_ms:
        return None
    i = max(1, min(len(sorted_ms), int(p / 100.0 * len(sorted_ms) + 0.999999)))
    return round(sorted_ms[i - 1], 2)


def summary(lat, errors, statuses, extra=None):
    lat.sort()
    out = {
        "answered": len(lat),
        "errors": errors,
        "status": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": percentile(lat, 50),
        "p90_ms": percentile(lat, 90),
        "p99_ms": percentile(lat, 99),
        "max_ms": round(lat[-1], 2) if lat else None,
    }
    out.update(extra or {})
    return out


class Client:
    def __init__(self, host, port, headers, source=None):
        self.host, self.port, self.headers, self.source = host, port, headers, source
        self.conn = None

    def get(self, path):
        """(status, body bytes); raises on a lost connection or a timeout."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=REQUEST_TIMEOUT,
                source_address=(self.source, 0) if self.source else None)
        try:
            self.conn.request("GET", path, headers=self.headers)
            r = self.conn.getresponse()
            body = r.read()
            if r.getheader("connection", "").lower() == "close":
                self.close()
            return r.status, len(body)
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def parse_url(url):
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or u.hostname != "127.0.0.1" or not u.port:
        raise ValueError("URL must be http://127.0.0.1:PORT/...")
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    return u.hostname, u.port, path


def probe(url, rate, seconds, delay, headers):
    host, port, path = parse_url(url)
    c = Client(host, port, headers)
    t_start = time.monotonic()
    try:
        c.conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
        c.conn.connect()  # the connection is open before the first probe
    except OSError:
        c.close()
    interval = 1.0 / rate
    # the window is fixed from the start of this process, so that it lines
    # up with a load started at the same moment
    start = t_start + delay
    end = start + seconds
    lat, corrected, statuses, errors, skipped = [], [], {}, 0, 0
    planned = start
    while planned < end:
        now = time.monotonic()
        if now < planned:
            time.sleep(planned - now)
        t = time.monotonic()
        try:
            status, _ = c.get(path)
        except (OSError, http.client.HTTPException):
            errors += 1
            planned += interval
            continue
        done = time.monotonic()
        ms = (done - t) * 1000.0
        statuses[status] = statuses.get(status, 0) + 1
        lat.append(ms)
        corrected.append(ms)
        # the probes that were due while this one was open: as if sent on
        # time, each would have waited until this answer came (what a
        # visitor arriving then would have seen)
        planned += interval
        while planned < done and planned < end:
            corrected.append((done - planned) * 1000.0)
            skipped += 1
            planned += interval
    c.close()
    corrected.sort()
    out = summary(lat, errors, statuses,
                  {"rate": rate, "seconds": seconds, "sent": len(lat) + errors,
                   "skipped": skipped})
    # the figures with the skipped probes counted as above
    out["raw_p99_ms"] = out["p99_ms"]
    out["raw_p50_ms"] = out["p50_ms"]
    out["p50_ms"] = percentile(corrected, 50)
    out["p90_ms"] = percentile(corrected, 90)
    out["p99_ms"] = percentile(corrected, 99)
    out["samples"] = len(corrected)
    return out


def load(url, clients, seconds, headers, own_address, paths):
    host, port, path = parse_url(url)
    paths = paths or [path]
    lock = threading.Lock()
    lat, statuses, state = [], {}, {"errors": 0, "bytes": 0, "next": 0}
    end = time.monotonic() + seconds

    def worker(n):
        c = Client(host, port, headers, f"127.0.0.{10 + n}" if own_address else None)
        while time.monotonic() < end:
            with lock:
                p = paths[state["next"] % len(paths)]
                state["next"] += 1
            t = time.monotonic()
            try:
                status, size = c.get(p)
            except (OSError, http.client.HTTPException):
                with lock:
                    state["errors"] += 1
                time.sleep(0.05)
                continue
            ms = (time.monotonic() - t) * 1000.0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                lat.append(ms)
                state["bytes"] += size
        c.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - t0
    with lock:
        return summary(list(lat), state["errors"], dict(statuses),
                       {"clients": clients, "seconds": round(elapsed, 2),
                        "body_bytes": state["bytes"],
                        "requests_per_s": round(len(lat) / elapsed, 1) if elapsed else 0})


def header_arg(s):
    name, sep, value = s.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"not a header: {s!r}")
    return name.strip(), value.strip()


def main(argv):
    if len(argv) < 5 or argv[1] not in ("probe", "load"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    mode, url = argv[1], argv[2]
    try:
        num, seconds = float(argv[3]), float(argv[4])
        headers, own_address, paths, delay = {}, False, None, 0.0
        rest = argv[5:]
        while rest:
            opt = rest.pop(0)
            if opt == "--own-address":
                own_address = True
                continue
            if not rest:
                raise ValueError(f"{opt} needs a value")
            val = rest.pop(0)
            if opt == "--header":
                k, v = header_arg(val)
                headers[k] = v
            elif opt == "--path-list":
                paths = [p for p in val.split(",") if p]
                if not all(p.startswith("/") for p in paths):
                    raise ValueError("--path-list: paths start with /")
            elif opt == "--delay":
                delay = float(val)
            else:
                raise ValueError(f"unknown option {opt}")
        if not (0 < seconds <= 600 and 0 <= delay <= 60):
            raise ValueError("SECONDS must be 0..600 and --delay 0..60")
        if mode == "probe":
            if not 0 < num <= 1000:
                raise ValueError("RATE must be 0..1000 per second")
            result = probe(url, num, seconds, delay, headers)
        else:
            if not 1 <= num <= 200 or num != int(num):
                raise ValueError("CLIENTS must be 1..200")
            result = load(url, int(num), seconds, headers, own_address, paths)
    except ValueError as e:
        print(f"probe.py: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0 if result["answered"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
