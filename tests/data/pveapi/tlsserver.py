#!/usr/bin/python3
"""A tiny Proxmox VE API stand-in over real HTTPS, for check_pveapi.

Usage: tlsserver.py WORKDIR DATADIR TOKEN

Generates a CA, a server certificate it signs (127.0.0.1, localhost), an
unrelated CA and a self-signed certificate in WORKDIR, then listens on
127.0.0.1 (check_pveapi runs it in a network namespace of its own):
  8006  HTTPS, CA-signed certificate
  8007  HTTPS, self-signed certificate named "pbs" (for fingerprint pinning)
  8010  HTTPS, another self-signed certificate, "pve-2" (a second node's pin)
  8008  TCP that accepts and never answers (stalled TLS handshake)
Paths end in /api2/json/cluster/status; the prefix picks the answer:
  /file/NAME      200 with DATADIR/NAME
  /status/CODE    CODE with an empty body and a Proxmox reason phrase
  /stall          never answers
  /huge           200 with 2 MiB and a Content-Length
  /huge-chunked   200 with 2 MiB, chunked
A request without "Authorization: PVEAPIToken=TOKEN" gets 401 No ticket.
Every request is logged as "PORT PATH" to WORKDIR/requests.log; WORKDIR/ready
is created once all listeners are up.
"""
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORK, DATA, TOKEN = sys.argv[1], sys.argv[2], sys.argv[3]
SUFFIX = "/api2/json/cluster/status"
REASONS = {401: "No ticket", 403: "Permission check failed", 500: "Internal Server Error",
           501: "Not Implemented", 503: "Service Unavailable", 595: "No route to host"}
log_lock = threading.Lock()


def run(*args):
    subprocess.run(args, cwd=WORK, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs():
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        run("openssl", "req", "-x509", *ec, "-keyout", ca + ".key", "-out", ca + ".pem",
            "-days", "2", "-subj", "/CN=proxmesh test " + ca,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost")
    with open(os.path.join(WORK, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    for name, cn in (("self", "pbs"), ("self2", "pve-2")):
        run("openssl", "req", "-x509", *ec, "-keyout", name + ".key", "-out", name + ".pem",
            "-days", "2", "-subj", "/CN=" + cn)
    out = subprocess.run(["openssl", "x509", "-in", "self.pem", "-noout", "-fingerprint",
                          "-sha256"], cwd=WORK, check=True, capture_output=True, text=True)
    with open(os.path.join(WORK, "self.fp"), "w") as f:
        f.write(out.stdout.strip().split("=", 1)[1] + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, body, reason=None):
        self.send_response(code, reason or REASONS.get(code, "OK"))
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with log_lock, open(os.path.join(WORK, "requests.log"), "a") as f:
            f.write("%d %s\n" % (self.server.server_address[1], self.path))
        if not self.path.endswith(SUFFIX):
            return self.answer(501, b"", "Method not implemented")
        if self.headers.get("Authorization") != "PVEAPIToken=" + TOKEN:
            time.sleep(0.1)
            return self.answer(401, b"")
        prefix = self.path[: -len(SUFFIX)]
        if prefix.startswith("/file/"):
            name = os.path.basename(prefix[6:])
            with open(os.path.join(DATA, name), "rb") as f:
                return self.answer(200, f.read())
        if prefix.startswith("/status/"):
            return self.answer(int(prefix[8:]), b"")
        if prefix == "/stall":
            time.sleep(60)
            return None
        if prefix == "/huge":
            return self.answer(200, b" " * (2 << 20))
        if prefix == "/huge-chunked":
            self.send_response(200, "OK")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b" " * 65536
            try:
                for _ in range(32):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            return None
        return self.answer(404, b"", "Not Found")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(WORK, cert), os.path.join(WORK, key))
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request, client_address):
        pass  # clients hang up on purpose (huge answers, timeouts)

    def finish_request(self, request, client_address):
        try:
            request = self.ctx.wrap_socket(request, server_side=True)
        except OSError:
            return  # the client gave up on our certificate
        self.RequestHandlerClass(request, client_address, self)


def stall(s):
    held = []
    while True:
        held.append(s.accept()[0])


def main():
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    make_certs()
    for port, cert, key in ((8006, "server.pem", "server.key"), (8007, "self.pem", "self.key"),
                            (8010, "self2.pem", "self2.key")):
        srv = Server(port, cert, key)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 8008))
    s.listen(16)
    threading.Thread(target=stall, args=(s,), daemon=True).start()
    open(os.path.join(WORK, "ready"), "w").close()
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
