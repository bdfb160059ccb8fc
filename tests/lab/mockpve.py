#!/usr/bin/python3
"""Mock of the Proxmox VE API (pveproxy) for the proxmesh lab.

Serves the few endpoints proxmesh reads, with the real API's shape and quirks
(reference/proxmox-api.md): booleans as 0/1, the cluster entry first and the
rest in random order, keys in random order, `local` set for the answering node,
401 with an empty body after about 3 s, 5xx proxy errors with empty bodies,
501 for unknown paths. GET /nodes/NODE/apt/versions is answered from this
host's dpkg database for its own node and proxied to NODE's instance for
another, as the real API's `proxyto => 'node'` does.

State lives in STATE_DIR (shared read-only by both PVE hosts, written from the
machine by tests/lab/api):
  cluster.json   {"name", "version", "quorate", "standalone", "nodes": [...]}
  token          the one valid API token, USER@REALM!TOKENID=SECRET
  NODE.json      this instance's {"fault": MODE, "cert": "good"|"wrong",
                 "frr_version": DEBIAN-VERSION (reported instead of the real one)}
A node missing from cluster.json's nodes answers as a standalone one (a fresh
install before `pvecm add`), as with "standalone": 1.
Faults: none, 401, 500, 595 (empty body), garbage (200, not JSON),
truncated (200, cut-off JSON), stall (TLS done, request read, no answer
for 60 s).
"""

import argparse
import http.server
import json
import os
import random
import socket
import socketserver
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

AUTH_DELAY = 3.0
STALL = 60.0


def read_json(path, default):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def shuffled(d):
    items = list(d.items())
    random.shuffle(items)
    return dict(items)


class Mock:
    def __init__(self, args):
        self.state = args.state_dir
        self.node = args.node
        self.certs = {
            "good": (args.cert, args.key),
            "wrong": (args.wrong_cert, args.wrong_key),
        }
        self.contexts = {}
        self.version = self.pve_version()

    @staticmethod
    def pve_version():
        try:
            with open("/etc/debian_version", encoding="ascii") as f:
                major = f.read().split(".")[0]
        except OSError:
            major = "12"
        return ("9.0.3", "9.0") if major in ("13", "trixie/sid") else ("8.4.1", "8.4")

    def control(self):
        c = read_json(os.path.join(self.state, self.node + ".json"), {})
        return {"fault": c.get("fault", "none"), "cert": c.get("cert", "good"),
                "frr_version": c.get("frr_version")}

    def cluster(self):
        return read_json(os.path.join(self.state, "cluster.json"), {"nodes": []})

    def token(self):
        try:
            with open(os.path.join(self.state, "token"), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return None

    def context(self, which):
        if which not in self.contexts:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.certs[which])
            self.contexts[which] = ctx
        return self.contexts[which]

    # Endpoint bodies ("data" of the answer).
    def joined(self, c):
        """Is this node in the cluster (`api join`)? One that is not (yet)
        answers as a freshly installed, standalone node."""
        return any(n["name"] == self.node for n in c.get("nodes", []))

    def cluster_status(self):
        c = self.cluster()
        nodes = c.get("nodes", [])
        if c.get("standalone") or not self.joined(c):
            me = next((n for n in nodes if n["name"] == self.node), {"ip": None})
            e = {"type": "node", "id": "node/" + self.node, "name": self.node,
                 "nodeid": 0, "local": 1, "online": 1, "level": ""}
            if me.get("ip"):
                e["ip"] = me["ip"]
            return [shuffled(e)]
        entries = []
        for n in nodes:
            e = {"type": "node", "id": "node/" + n["name"], "name": n["name"],
                 "nodeid": int(n["nodeid"]), "local": int(n["name"] == self.node),
                 "online": int(bool(n.get("online", 1))), "level": ""}
            if n.get("ip"):
                e["ip"] = n["ip"]
            entries.append(shuffled(e))
        random.shuffle(entries)
        head = {"type": "cluster", "id": "cluster", "name": c.get("name", "pmlab"),
                "nodes": len(nodes), "version": int(c.get("version", 1)),
                "quorate": int(bool(c.get("quorate", 1)))}
        return [shuffled(head)] + entries

    def config_nodes(self):
        out = []
        c = self.cluster()
        for n in c.get("nodes", []) if self.joined(c) else []:
            out.append(shuffled({"node": n["name"], "name": n["name"],
                                 "nodeid": str(n["nodeid"]), "quorum_votes": "1",
                                 "ring0_addr": n.get("ip", "")}))
        random.shuffle(out)
        return out

    def nodes(self):
        out = []
        for n in self.cluster().get("nodes", []):
            e = {"type": "node", "id": "node/" + n["name"], "node": n["name"],
                 "status": "online" if n.get("online", 1) else "offline", "level": ""}
            if n.get("fingerprint"):
                e["ssl_fingerprint"] = n["fingerprint"]
            out.append(shuffled(e))
        random.shuffle(out)
        return out

    def version_info(self):
        return shuffled({"version": self.version[0], "release": self.version[1],
                         "repoid": "0123456789abcdef"})

    # What GET /access/permissions shows a token with that role on /
    # (pve-access-control's PVEAuditor and Administrator, abridged).
    ROLES = {
        "auditor": ["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit",
                    "Sys.Audit", "VM.Audit"],
        "admin": ["Datastore.Allocate", "Datastore.Audit", "Mapping.Audit", "Pool.Audit",
                  "SDN.Audit", "Sys.Audit", "Sys.Modify", "Sys.PowerMgmt", "VM.Audit",
                  "VM.PowerMgmt"],
    }

    def access_permissions(self):
        privs = Mock.ROLES[self.cluster().get("token_role", "auditor")]
        return {"/": shuffled({p: 1 for p in privs})}

    # GET /nodes/NODE/apt/versions for this node (pve-manager's
    # PVE/API2/APT.pm `versions`): proxmox-ve and pve-manager first, then the
    # rest by name; optional packages only when installed; OldVersion is the
    # installed version and Version the candidate (the same here).
    APT_OPTIONAL = ("frr-pythontools", "ifupdown2")
    APT_ALWAYS = ("corosync",)

    def apt_versions(self):
        out = [shuffled({"Package": "proxmox-ve", "Title": "Proxmox Virtual Environment",
                         "Origin": "Proxmox", "Arch": "all", "Section": "admin",
                         "Priority": "optional", "CurrentState": "Installed",
                         "Version": self.version[0], "OldVersion": self.version[0],
                         "RunningKernel": os.uname().release}),
               shuffled({"Package": "pve-manager", "Title": "Proxmox Virtual Environment "
                         "Management Tools", "Origin": "Proxmox", "Arch": "amd64",
                         "Section": "admin", "Priority": "optional",
                         "CurrentState": "Installed", "Version": self.version[0],
                         "OldVersion": self.version[0],
                         "ManagerVersion": self.version[0] + "/0123456789abcdef"})]
        installed = {}
        try:
            res = subprocess.run(
                ["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n",
                 *self.APT_OPTIONAL, *self.APT_ALWAYS],
                capture_output=True, text=True, check=False)
            for line in res.stdout.splitlines():
                name, ver, status = line.split("\t")
                if status.startswith("ii"):
                    installed[name] = ver
        except OSError:
            pass
        forced = self.control()["frr_version"]
        if forced and "frr-pythontools" in installed:
            installed["frr-pythontools"] = forced
        for name in sorted(self.APT_OPTIONAL + self.APT_ALWAYS):
            if name not in installed and name in self.APT_OPTIONAL:
                continue
            e = {"Package": name, "Title": name, "Origin": "Debian", "Arch": "amd64",
                 "Section": "net", "Priority": "optional"}
            if name in installed:
                e.update(CurrentState="Installed", Version=installed[name],
                         OldVersion=installed[name])
            else:
                e.update(CurrentState="NotInstalled", Version="0")
            out.append(shuffled(e))
        return out

    def node_ip(self, name):
        return next((n.get("ip") for n in self.cluster().get("nodes", [])
                     if n["name"] == name), None)

    ROUTES = {
        "/api2/json/access/permissions": "access_permissions",
        "/api2/json/cluster/status": "cluster_status",
        "/api2/json/cluster/config/nodes": "config_nodes",
        "/api2/json/nodes": "nodes",
        "/api2/json/version": "version_info",
    }


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pve-api-daemon/3.0"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.client_address[0], fmt % args))
        sys.stdout.flush()

    def reply(self, code, reason, body=b""):
        self.send_response(code, reason)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Cache-Control", "max-age=0")
        self.send_header("Pragma", "no-cache")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def unauthorized(self, reason):
        time.sleep(AUTH_DELAY)
        self.reply(401, reason)

    def dispatch(self):
        mock = self.server.mock
        fault = mock.control()["fault"]
        if fault == "stall":
            time.sleep(STALL)
            self.close_connection = True
            return
        auth = self.headers.get("Authorization")
        if auth is None:
            return self.unauthorized("No ticket")
        token = mock.token()
        if fault == "401" or token is None or auth != "PVEAPIToken=" + token:
            return self.unauthorized("authentication failure")
        path = self.path.split("?", 1)[0].rstrip("/")
        name = Mock.ROUTES.get(path)
        parts = path.split("/")
        if len(parts) == 7 and parts[1:4] == ["api2", "json", "nodes"] \
                and parts[5:] == ["apt", "versions"]:
            name = "apt_versions"
        if self.command != "GET" or name is None:
            return self.reply(501, "Method '%s %s' not implemented" % (self.command, path))
        if fault == "500":
            body = {"data": None, "message": "pmlab: injected internal error\n"}
            return self.reply(500, "pmlab: injected internal error",
                              json.dumps(body).encode())
        if fault == "595":
            return self.reply(595, "No route to host")
        if fault == "garbage":
            return self.reply(200, "OK", b"<html><body>Bad Gateway</body></html>\n")
        if name == "apt_versions":
            return self.node_versions(mock, parts[4], auth)
        body = json.dumps({"data": getattr(mock, name)()}).encode()
        if fault == "truncated":
            body = body[: len(body) // 2]
        self.reply(200, "OK", body)

    def node_versions(self, mock, node, auth):
        if node == mock.node:
            body = json.dumps({"data": mock.apt_versions()}).encode()
            return self.reply(200, "OK", body)
        ip = mock.node_ip(node)
        if ip is None:
            msg = "hostname lookup '%s' failed - failed to get address info for: %s: " \
                  "Name or service not known" % (node, node)
            return self.reply(500, msg, json.dumps({"data": None, "message": msg + "\n"}).encode())
        # proxied to that node (pveproxy forwards with the same credentials)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        req = urllib.request.Request("https://%s:8006%s" % (ip, self.path),
                                     headers={"Authorization": auth})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=5) as r:
                return self.reply(r.status, r.reason, r.read())
        except urllib.error.HTTPError as e:
            return self.reply(e.code, e.reason, e.read())
        except (OSError, ssl.SSLError):
            return self.reply(595, "Connection refused")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = dispatch


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def get_request(self):
        sock, addr = super().get_request()
        ctx = self.mock.context(self.mock.control()["cert"])
        # The handshake happens in the handler thread (first read).
        return ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        err = sys.exc_info()[1]
        if not isinstance(err, (ssl.SSLError, ConnectionError, socket.timeout)):
            super().handle_error(request, client_address)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--state-dir", default="/var/lib/pmlab-api")
    p.add_argument("--node", default=socket.gethostname().split(".")[0])
    p.add_argument("--listen", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8006)
    p.add_argument("--cert", default="/etc/pve/local/pve-ssl.pem")
    p.add_argument("--key", default="/etc/pve/local/pve-ssl.key")
    p.add_argument("--wrong-cert", default="/etc/pve/local/pmlab-wrong-ssl.pem")
    p.add_argument("--wrong-key", default="/etc/pve/local/pmlab-wrong-ssl.key")
    args = p.parse_args()
    srv = Server((args.listen, args.port), Handler)
    srv.mock = Mock(args)
    print("mockpve: node %s listening on %s:%d" % (args.node, args.listen, args.port), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
