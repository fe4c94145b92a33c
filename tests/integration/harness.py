"""Test harness: starts the real server on a free port with a temporary
data folder, speaks HTTP and WebSocket to it, counts checks and prints
"N passed, N failed" at the end."""
import base64
import http.client
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        frame = traceback.extract_stack()[-2]
        print(f"FAIL {os.path.basename(frame.filename)}:{frame.lineno}: {what}", flush=True)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, extra=None, sanitizer=False, data=None, env=None):
        self.binary = binary
        self.port = free_port()
        self.own_data = data is None
        self.data = data or tempfile.mkdtemp(prefix="ww-data-")
        self.log = tempfile.NamedTemporaryFile(prefix="ww-log-", delete=False)
        self.sanitizer = sanitizer
        # the load tests book far more than a resident would: no rate limit
        # unless a test asks for one
        rate = [] if any(a == "--booking-rate" for a in (extra or [])) else ["--booking-rate", "0"]
        # every test client is 127.0.0.1: the per-client caps would count
        # them all as one, so they are off unless a test sets them
        for flag in ("--client-connections", "--client-websockets"):
            if not any(a == flag for a in (extra or [])):
                rate += [flag, "0"]
        args = [binary, "--port", str(self.port), "--data", self.data] + rate + (extra or [])
        # WW_SERVER_WRAPPER runs the server under a tool, e.g. valgrind
        wrapper = os.environ.get("WW_SERVER_WRAPPER", "").split()
        args = wrapper + args
        if wrapper:
            sanitizer = True  # slow start: use the long timeouts
        self.sanitizer = sanitizer
        # env: extra environment for the server, e.g. WIJKWIJZER_NOW
        penv = dict(os.environ, **env) if env else None
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=penv)
        deadline = time.time() + (30 if sanitizer else 10)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited early:\n" + self.output())
            try:
                st, _, _ = self.get("/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become ready:\n" + self.output())

    def output(self):
        self.log.flush()
        with open(self.log.name, "r", encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=10):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace")
        finally:
            c.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def raw(self, payload, timeout=5, read_all=True):
        """Sends raw bytes, returns what came back until close or timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(payload)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                out += chunk
                if not read_all and b"\r\n\r\n" in out:
                    break
            return out
        finally:
            s.close()

    def stop(self, sig=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30 if self.sanitizer else 10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        if self.own_data:
            shutil.rmtree(self.data, ignore_errors=True)
        os.unlink(self.log.name)


class WebSocket:
    """A minimal RFC 6455 client, enough to test our endpoint."""

    def __init__(self, port, path="/ws", protocol="wijkwijzer.v1", origin=None, timeout=5, source=None):
        # source: a local address such as 127.0.0.2, to be another client
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        key = base64.b64encode(os.urandom(16)).decode()
        origin = origin if origin is not None else f"http://127.0.0.1:{port}"
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if protocol:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        if origin:
            lines.append(f"Origin: {origin}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        resp = b""
        while b"\r\n\r\n" not in resp:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            resp += chunk
        head, _, self.buf = resp.partition(b"\r\n\r\n")
        self.status_line = head.split(b"\r\n")[0].decode(errors="replace") if head else ""
        self.accepted = self.status_line.startswith("HTTP/1.1 101")

    def send(self, text, opcode=1, fin=True, mask=True):
        payload = text.encode() if isinstance(text, str) else text
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        mbit = 0x80 if mask else 0
        if n < 126:
            head += bytes([mbit | n])
        elif n < 65536:
            head += bytes([mbit | 126]) + struct.pack(">H", n)
        else:
            head += bytes([mbit | 127]) + struct.pack(">Q", n)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            head += key
        self.sock.sendall(head + payload)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """Returns (opcode, payload bytes)."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def recv_text(self):
        while True:
            op, data = self.recv()
            if op == 1:
                return data.decode()
            if op == 8:
                raise ConnectionError("close %s" % (struct.unpack(">H", data[:2])[0] if len(data) >= 2 else "-"))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def summary(name):
    print(f"{name}: {PASSED} passed, {FAILED} failed", flush=True)
    return 1 if FAILED else 0
