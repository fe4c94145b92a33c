#!/usr/bin/env python3
"""Start-up time of the server: from exec to the first 200 on GET /healthz.

Usage: startup.py SERVER RUNS

Each run starts SERVER on a free 127.0.0.1 port with a fresh, empty --data
folder and --quiet, polls /healthz every millisecond, then stops the server
with SIGTERM. Prints one line: the median in ms, then every run in ms, e.g.
"12.3 11.9 12.3 12.8 13.0 12.1". Any failure exits non-zero with a message on
stderr; the server started by a run is always stopped (also on SIGTERM/SIGINT).
"""
import http.client
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

DEADLINE_S = 10.0  # per start


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz_ok(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        resp.read()
        return resp.status == 200
    finally:
        conn.close()


def stop(proc):
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def one_start(server):
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="wwbench-start-") as data, \
            tempfile.TemporaryFile() as log:
        argv = [server, "--port", str(port), "--data", data, "--quiet"]
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=log)
        try:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    msg = log.read().decode(errors="replace").strip()
                    raise RuntimeError(f"server exited with {proc.returncode}: {msg}")
                try:
                    if healthz_ok(port):
                        return (time.monotonic() - t0) * 1000.0
                except OSError:
                    pass
                if time.monotonic() - t0 > DEADLINE_S:
                    raise RuntimeError(f"no 200 on /healthz within {DEADLINE_S:.0f} s")
                time.sleep(0.001)
        finally:
            stop(proc)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    server, runs = sys.argv[1], int(sys.argv[2])
    # Turn SIGTERM (from run.sh's cleanup) into an exception so that the
    # finally blocks stop the server and remove the data folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        times = [one_start(server) for _ in range(max(1, min(runs, 50)))]
    except RuntimeError as e:
        print(f"startup.py: {e}", file=sys.stderr)
        return 1
    print(" ".join(f"{t:.1f}" for t in [statistics.median(times)] + times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
