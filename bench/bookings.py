#!/usr/bin/env python3
"""Bookings per second: concurrent clients booking through the JSON API.

Usage: bookings.py URL CLIENTS SECONDS [--refs FILE] [--stop-on-error]

URL is the server (http://127.0.0.1:PORT, nothing else is accepted). First
it reads the ten wijkwijzer locations (/api/v1/locations?type=wijkwijzer),
the topics (/api/v1/topics) and, for every location, every day from today
up to 400 days ahead and every topic, the slots (/api/v1/slots); the server
returns no slots outside its booking horizon, so that ends the walk.

From that it makes a shuffled list of attempts: for every start that a
topic offers, as many attempts as the slot has free desks plus one (so that
some attempts must lose; a 60-minute topic also takes the next slot, which
makes later 30-minute attempts there fail). The attempts carry a name and
no phone or e-mail, so the weekly cap per contact never applies.

Then CLIENTS workers, each with its own keep-alive HTTP/1.1 connection,
take the next attempt and POST it to /api/v1/bookings (JSON, with an Origin
of the server itself), until the list is empty or SECONDS have passed.

Prints one JSON object on stdout: attempts made, seconds (first request to
last answer), counts per status, bookings (201) per second, p50/p99/max
latency of the POSTs in ms (all of them, and of the 201s only), the
attempts left when the time ran out, and the CPU time this client used
while booking (it is one Python process: near 100 % of one core means the
client, not the server, set the pace). Exit 1 when the server cannot be used.

--refs FILE appends the "reference" of every 201 answer to FILE, one a line,
written as soon as the answer is in (for the kill -9 test: every reference
in it was confirmed to a client). --stop-on-error makes every client stop
at the first request without a complete answer (the server was killed)
instead of going on with the next attempt.
"""
import asyncio
import datetime
import json
import os
import random
import sys
import time
import urllib.parse

MAX_DAYS = 400  # the walk stops earlier at the first day past the horizon
CONNECT_TIMEOUT = 5.0
REQUEST_TIMEOUT = 30.0


class Http:
    """A minimal HTTP/1.1 keep-alive client (Content-Length bodies only)."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT)

    async def request(self, method, path, body=None):
        if self.writer is None:
            await self.open()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            head += [f"Origin: http://{self.host}:{self.port}",
                     "Content-Type: application/json", f"Content-Length: {len(data)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        return await asyncio.wait_for(self._response(), REQUEST_TIMEOUT)

    async def _response(self):
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, body

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


def percentile(sorted_ms, p):
    if not sorted_ms:
        return None
    i = max(1, min(len(sorted_ms), int(p / 100.0 * len(sorted_ms) + 0.999999)))
    return round(sorted_ms[i - 1], 2)


async def plan(host, port):
    """The list of attempts: (location, start, topic)."""
    http = Http(host, port)
    status, body = await http.request("GET", "/api/v1/locations?type=wijkwijzer")
    if status != 200:
        raise RuntimeError(f"/api/v1/locations answered {status}")
    locations = [l["id"] for l in json.loads(body)["locations"]]
    status, body = await http.request("GET", "/api/v1/topics")
    if status != 200:
        raise RuntimeError(f"/api/v1/topics answered {status}")
    topics = [(t["id"], t["duration_min"]) for t in json.loads(body)["topics"]]
    short = [t for t, d in topics if d == min(d for _, d in topics)]
    attempts, days_with_slots = [], 0
    today = datetime.date.today()
    for loc in locations:
        empty_run = 0
        for d in range(MAX_DAYS):
            date = (today + datetime.timedelta(days=d)).isoformat()
            per_topic = {}
            for topic, _ in topics:
                q = urllib.parse.urlencode({"location": loc, "date": date, "topic": topic})
                status, body = await http.request("GET", f"/api/v1/slots?{q}")
                if status != 200:
                    raise RuntimeError(f"/api/v1/slots?{q} answered {status}")
                per_topic[topic] = json.loads(body)["slots"]
            if not any(per_topic.values()):
                # closed (weekend, holiday) or past the horizon: stop after
                # two empty weeks in a row
                empty_run += 1
                if d > 0 and empty_run > 14:
                    break
                continue
            empty_run = 0
            days_with_slots += 1
            # one attempt per free desk plus one, with a random topic that
            # offers this start (the long topic only where it fits)
            for s in per_topic[short[0]]:
                offered = [t for t, _ in topics
                           if any(x["start"] == s["start"] for x in per_topic[t])]
                for _ in range(s["free"] + 1):
                    attempts.append((loc, s["start"], random.choice(offered or short)))
    await http.close()
    random.shuffle(attempts)
    return locations, topics, days_with_slots, attempts


async def run(url, clients, seconds, refs_path=None, stop_on_error=False):
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or u.hostname != "127.0.0.1" or not u.port:
        raise RuntimeError("URL must be http://127.0.0.1:PORT")
    host, port = u.hostname, u.port
    t_plan = time.monotonic()
    locations, topics, days, attempts = await plan(host, port)
    plan_s = time.monotonic() - t_plan
    total_attempts = len(attempts)
    attempts.reverse()  # pop() from the end
    counts, lat_all, lat_201 = {}, [], []
    errors = []
    first = last = None
    stopped = False
    refs = open(refs_path, "a", encoding="ascii") if refs_path else None
    deadline = time.monotonic() + seconds

    async def worker(n):
        nonlocal first, last, stopped
        http = Http(host, port)
        i = 0
        while attempts and not stopped and time.monotonic() < deadline:
            loc, start, topic = attempts.pop()
            i += 1
            body = {"location": loc, "start": start, "topic": topic,
                    "name": f"Bench {n}-{i}", "lang": "nl"}
            t = time.monotonic()
            if first is None:
                first = t
            try:
                status, answer = await http.request("POST", "/api/v1/bookings", body)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                    ValueError, IndexError) as e:
                errors.append(type(e).__name__)
                await http.close()
                if stop_on_error:
                    stopped = True
                continue
            t2 = time.monotonic()
            last = t2
            ms = (t2 - t) * 1000.0
            counts[status] = counts.get(status, 0) + 1
            lat_all.append(ms)
            if status == 201:
                lat_201.append(ms)
                if refs is not None:
                    try:
                        ref = json.loads(answer).get("reference")
                    except ValueError:
                        ref = None
                    refs.write(f"{ref if isinstance(ref, str) else '(no reference)'}\n")
                    refs.flush()
        await http.close()

    cpu0 = os.times()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    cpu1 = os.times()
    if refs is not None:
        refs.close()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    elapsed = (last - first) if first is not None and last is not None else 0.0
    lat_all.sort()
    lat_201.sort()
    ok = counts.get(201, 0)
    return {
        "locations": len(locations),
        "topics": len(topics),
        "days_with_slots": days,
        "plan_seconds": round(plan_s, 1),
        "attempts_planned": total_attempts,
        "attempts_made": len(lat_all) + len(errors),
        "attempts_left": len(attempts),
        "seconds": round(elapsed, 2),
        "status": {str(k): v for k, v in sorted(counts.items())},
        "client_errors": len(errors),
        "client_error_kinds": sorted(set(errors)),
        "bookings_per_s": round(ok / elapsed, 1) if elapsed > 0 else 0,
        "requests_per_s": round(len(lat_all) / elapsed, 1) if elapsed > 0 else 0,
        "p50_ms": percentile(lat_all, 50),
        "p99_ms": percentile(lat_all, 99),
        "max_ms": round(lat_all[-1], 2) if lat_all else None,
        "p50_201_ms": percentile(lat_201, 50),
        "p99_201_ms": percentile(lat_201, 99),
        "stopped_on_error": stopped,
        "client_cpu_s": round(cpu, 2),
        "client_cpu_pct": round(100.0 * cpu / elapsed) if elapsed > 0 else None,
    }


def main():
    args = sys.argv[1:]
    refs_path, stop_on_error = None, False
    if "--stop-on-error" in args:
        args.remove("--stop-on-error")
        stop_on_error = True
    if "--refs" in args:
        i = args.index("--refs")
        if i + 1 >= len(args):
            print("bookings.py: --refs needs a file", file=sys.stderr)
            return 2
        refs_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    url, clients, seconds = args[0], int(args[1]), float(args[2])
    if not (1 <= clients <= 1000 and 1 <= seconds <= 600):
        print("bookings.py: CLIENTS must be 1..1000 and SECONDS 1..600", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(run(url, clients, seconds, refs_path, stop_on_error))
    except (RuntimeError, OSError, asyncio.TimeoutError, ValueError, KeyError) as e:
        print(f"bookings.py: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
