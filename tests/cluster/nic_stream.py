#!/usr/bin/env python3
"""nic_stream.py - a plain TCP stream for the multi-NIC emulator test.

  nic_stream.py serve ADDR PORT SECONDS   accept one connection, read until
                                          it closes (or SECONDS pass)
  nic_stream.py send ADDR PORT SECONDS    connect, write 64 KiB blocks for
                                          SECONDS, print the bytes written

Binding the sender to nothing and connecting to a rail's address is enough:
each rail is its own connected route, so the kernel sends on that rail's
NIC.  The test reads the link's rate from tc's byte counters, not from here:
this is only the load, independent of fabscale and of MPI.
"""
import socket
import sys
import time


def serve(addr, port, seconds):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(1)
        s.settimeout(seconds + 10)
        conn, _ = s.accept()
        conn.settimeout(seconds + 10)
        with conn:
            while conn.recv(1 << 16):
                pass


def send(addr, port, seconds):
    block = b"\0" * (1 << 16)
    sent = 0
    deadline = time.monotonic() + 5
    while True:  # the server may not be listening yet
        try:
            s = socket.create_connection((addr, port), timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    with s:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            s.sendall(block)
            sent += len(block)
    print(sent)


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("serve", "send"):
        sys.stderr.write("usage: nic_stream.py serve|send ADDR PORT SECONDS\n")
        sys.exit(2)
    fn = serve if sys.argv[1] == "serve" else send
    fn(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
