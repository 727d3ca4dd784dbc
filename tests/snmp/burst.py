#!/usr/bin/env python3
"""Helpers of tests/snmp/burst.sh.

burst.py actions SOCKET N SECONDS
    suspend and resume dom-0001..dom-N through virtmond's socket, one
    action after another, for SECONDS; prints how many virtmond answered
    "ok" (each one is a lifecycle event).
burst.py count-udp PORT OUTFILE
    count the datagrams (traps) arriving on 127.0.0.1:PORT; on SIGTERM
    write the count to OUTFILE and exit.
"""
import signal
import socket
import sys
import time


def act(path, action, dom):
    """virtmond's answer as words; none when it was busy (32 clients at
    once) or closed on us: the next action just tries again"""
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        s.sendall(f"action {action} dom-{dom:04d}\n".encode())
        return s.makefile().readline().split()
    except OSError:
        return []
    finally:
        s.close()


def actions(path, n, seconds):
    end = time.monotonic() + float(seconds)
    ok = 0
    while time.monotonic() < end:
        for dom in range(1, int(n) + 1):
            for action in ("suspend", "resume"):
                if act(path, action, dom)[2:3] == ["ok"]:
                    ok += 1
    print(ok)


def count_udp(port, outfile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(port)))
    count = 0

    def done(signum, frame):
        with open(outfile, "w") as f:
            f.write(f"{count}\n")
        sys.exit(0)

    signal.signal(signal.SIGTERM, done)
    with open(outfile, "w") as f:
        f.write("0\n")
    while True:
        try:
            s.recv(65536)
        except InterruptedError:
            continue
        count += 1


if __name__ == "__main__":
    {"actions": actions, "count-udp": count_udp}[sys.argv[1]](*sys.argv[2:])
