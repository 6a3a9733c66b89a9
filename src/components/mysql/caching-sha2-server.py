"""A MySQL server that speaks only what MySQL 8.4 does when a client first logs in over plain TCP.

The handshake offers caching_sha2_password; the fast path always misses (as on a server's first login of a
user), so the client must do full authentication: without TLS it asks for the server's RSA public key and
sends the password encrypted with it (RSA-OAEP, the password XOR the scramble). Any query then gets OK.
Usage: python caching-sha2-server.py PORT_FILE USER PASSWORD -- prints nothing, writes its port to PORT_FILE.
"""

import os
import socket
import struct
import sys
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CAPS = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000  # long password, db, 4.1, transactions, secure conn, plugin auth
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
OK = b"\x00\x00\x00\x02\x00\x00\x00"


def send(conn: socket.socket, seq: int, payload: bytes) -> None:
    conn.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload)


def recv(conn: socket.socket) -> tuple[int, bytes]:
    head = conn.recv(4, socket.MSG_WAITALL)
    if len(head) < 4:
        raise ConnectionError("client went away")
    size = int.from_bytes(head[:3], "little")
    return head[3], conn.recv(size, socket.MSG_WAITALL) if size else b""


def serve(conn: socket.socket, user: bytes, password: bytes) -> None:
    salt = os.urandom(20).replace(b"\0", b"\1")
    handshake = (
        b"\x0a8.4.7\0"
        + struct.pack("<I", 7)
        + salt[:8]
        + b"\0"
        + struct.pack("<H", CAPS & 0xFFFF)
        + b"\xff"
        + struct.pack("<H", 2)
        + struct.pack("<H", CAPS >> 16)
        + bytes([21])
        + b"\0" * 10
        + salt[8:]
        + b"\0"
        + b"caching_sha2_password\0"
    )
    send(conn, 0, handshake)
    seq, response = recv(conn)
    name = response[32 : response.index(b"\0", 32)]
    if name != user:
        send(conn, seq + 1, b"\xff\x15\x04#28000Access denied (user)")
        return
    send(conn, seq + 1, b"\x01\x04")  # fast path missed: perform full authentication
    seq, request = recv(conn)
    if request != b"\x02":  # a client on TLS would send the password here in the clear
        send(conn, seq + 1, b"\xff\x15\x04#28000expected a public key request")
        return
    send(conn, seq + 1, b"\x01" + PEM)
    seq, encrypted = recv(conn)
    plain = KEY.decrypt(encrypted, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
    given = bytes(b ^ salt[i % len(salt)] for i, b in enumerate(plain))
    if given != password + b"\0":
        send(conn, seq + 1, b"\xff\x15\x04#28000Access denied (password)")
        return
    send(conn, seq + 1, OK)
    while True:
        seq, command = recv(conn)
        if command[:1] == b"\x01":  # COM_QUIT
            return
        send(conn, seq + 1, OK)


def main() -> None:
    port_file, user, password = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    with open(port_file, "w") as f:
        f.write(str(server.getsockname()[1]))

    def handle(conn: socket.socket) -> None:
        with conn:
            try:
                serve(conn, user, password)
            except ConnectionError:
                pass

    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
