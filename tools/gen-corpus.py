#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/*).

Seeds are valid inputs the fuzzer mutates from: RMCP/ASF/RMCP+ datagrams,
one request per implemented command, and config files.
"""
import os
import struct
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"


def chk(b):
    return (-sum(b)) & 0xFF


def ipmi_msg(netfn, cmd, data=b"", seq=1):
    h = bytes([0x20, netfn << 2])
    t = bytes([0x81, seq << 2, cmd]) + data
    return h + bytes([chk(h)]) + t + bytes([chk(t)])


def lan15(msg):
    return b"\x06\x00\xff\x07" + b"\x00" + b"\x00" * 8 + bytes([len(msg)]) + msg


def rmcpp(ptype, payload, sid=0, seq=0):
    return b"\x06\x00\xff\x07\x06" + bytes([ptype]) + struct.pack("<IIH", sid, seq, len(payload)) + payload


def write(sub, name, data):
    d = os.path.join(root, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


open_rq = bytes([0, 0, 0, 0]) + struct.pack("<I", 0xA0A2A3A4)
for typ, alg in ((0, 1), (1, 1), (2, 1)):
    open_rq += bytes([typ, 0, 0, 8, alg, 0, 0, 0])
rakp1 = bytes([1, 0, 0, 0]) + struct.pack("<I", 0x82) + bytes(range(16)) + bytes([0x14, 0, 0, 5]) + b"admin"
rakp3 = bytes([2, 0, 0, 0]) + struct.pack("<I", 0x82) + bytes(20)

write("datagram", "asf-ping", bytes.fromhex("0600ff06000011be80010000"))
write("datagram", "auth-caps-v2", lan15(ipmi_msg(6, 0x38, b"\x8e\x04")))
write("datagram", "auth-caps-v15", lan15(ipmi_msg(6, 0x38, b"\x0e\x04")))
write("datagram", "cipher-suites", rmcpp(0, ipmi_msg(6, 0x54, b"\x0e\x00\x80")))
write("datagram", "system-guid", rmcpp(0, ipmi_msg(6, 0x37)))
write("datagram", "open-session", rmcpp(0x10, open_rq))
write("datagram", "rakp1", rmcpp(0x12, rakp1))
write("datagram", "rakp3", rmcpp(0x14, rakp3))
write("datagram", "session-packet", rmcpp(0xC0, bytes(32) + b"\xff\xff\x02\x07" + bytes(12), sid=0x82, seq=3))
write("datagram", "get-session-challenge", lan15(ipmi_msg(6, 0x39, b"\x02" + b"admin".ljust(16, b"\0"))))

# One request per implemented command: netFn, cmd, data.
cmds = [
    (6, 0x01, b""), (6, 0x04, b""), (6, 0x07, b""), (6, 0x08, b""), (6, 0x2E, b"\x08"), (6, 0x2F, b""),
    (6, 0x37, b""), (6, 0x38, b"\x8e\x04"), (6, 0x3B, b"\x04"), (6, 0x3C, bytes(4)), (6, 0x3D, b"\x00"),
    (6, 0x3D, b"\xff\x01\x02\x03\x04"), (6, 0x40, b"\x01\x42\x44"), (6, 0x41, b"\x01\x40"), (6, 0x42, b"\x0e"),
    (6, 0x43, b"\x91\x03\x04"), (6, 0x44, b"\x01\x02"), (6, 0x45, b"\x03" + b"bob".ljust(16, b"\0")),
    (6, 0x46, b"\x02"), (6, 0x47, b"\x03\x02" + b"Secret-Pass-1".ljust(16, b"\0")), (6, 0x47, b"\x03\x01"),
    (6, 0x54, b"\x0e\x00\x80"), (6, 0x56, b"\x01\x00\x01"), (6, 0x59, b"\x00\x01\x00\x00"),
    (0x0C, 0x02, b"\x01\x03\x00\x00"), (0x0C, 0x02, b"\x01\x18\x00\x00"),
    (0x0C, 0x01, b"\x01\x1a\x01\x05\x06\x00\x06\x00"), (0x0C, 0x01, b"\x01\x00\x01"),
    (0x2C, 0x3E, b"\x00\x02"),
]
for i, (netfn, cmd, data) in enumerate(cmds):
    write("session", f"{netfn:02x}-{cmd:02x}-{i}", bytes([netfn, cmd]) + data)

write("config", "full.yaml", b"""state_dir: /tmp/x
listen: ["127.0.0.1:6230", "[::1]:6230"]
log_level: debug
bmc:
  name: node1
  system_guid: "a1234567-89ab-cdef-a123-456789abcdef"
  mac: "02:00:00:00:00:01"
  cipher_suites: [3, 17]
  session_timeout: 60
  max_sessions: 16
  kg: "4b4731372d67686f73742d626d632d6b65792d2d"
  min_password_length: 8
  device: {device_id: 0x20, firmware: "1.2", manufacturer_id: 0, product_id: 0x4742}
users:
  - name: admin
    password_file: /etc/ghostbmc/admin
    privilege: administrator
  - {name: viewer, password: "Viewer-Pass-1", privilege: user, enabled: false}
""")
write("config", "minimal.yaml", b"listen: 127.0.0.1:623\n")
write("config", "errors.yaml", b"bmc:\n  cipher_suites: [0]\n  bogus: 1\nusers: [{name: a}]\n")
