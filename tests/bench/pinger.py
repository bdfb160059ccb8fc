#!/usr/bin/python3
"""An ICMP echo to DST every INTERVAL seconds on a fixed schedule; replies
printed as `ping -D` prints them ("[EPOCH] 64 bytes from ...: icmp_seq=N"),
and at SIGINT or SIGTERM the summary line as ping's. For the benchmarks
(failover, scale): iputils ping cannot do 100 pps on a small VM. An IPv6
DST (a colon in it) is pinged with ICMPv6 (the kernel fills the checksum
of a raw ICMPv6 socket and hands replies over without the IPv6 header).
usage: pinger.py DST INTERVAL"""
import os, select, signal, socket, struct, sys, time
dst, iv = sys.argv[1], float(sys.argv[2])
v6 = ":" in dst
ECHO, REPLY = (128, 129) if v6 else (8, 0)
if v6:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident, seq, sent, rcvd, stop = os.getpid() & 0xFFFF, 0, 0, 0, []
signal.signal(signal.SIGINT, lambda *a: stop.append(1))
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
def packet(seq):
    h = struct.pack("!BBHHH", ECHO, 0, 0, ident, seq) + b"x" * 56
    if v6:
        return h
    c = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    c = (c >> 16) + (c & 0xFFFF)
    c = ~(c + (c >> 16)) & 0xFFFF
    return h[:2] + struct.pack("!H", c) + h[4:]
nxt = time.monotonic()
while not stop:
    now = time.monotonic()
    if now >= nxt:
        seq = (seq + 1) & 0xFFFF
        sent += 1
        try:
            s.sendto(packet(seq), (dst, 0))
        except OSError:
            pass
        nxt += iv
        if nxt < now:
            nxt = now + iv
    r, _, _ = select.select([s], [], [], max(0.0, nxt - time.monotonic()))
    if r:
        d = s.recv(2048)
        o = 0 if v6 else (d[0] & 15) * 4
        if len(d) >= o + 8 and d[o] == REPLY:
            _, _, _, i, q = struct.unpack("!BBHHH", d[o:o + 8])
            if i == ident:
                rcvd += 1
                print("[%.6f] %d bytes from %s: icmp_seq=%d" % (time.time(), len(d) - o, dst, q), flush=True)
print("%d packets transmitted, %d received" % (sent, rcvd), flush=True)
