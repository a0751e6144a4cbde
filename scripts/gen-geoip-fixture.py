#!/usr/bin/env python3
"""Writes testdata/geoip/test-country.mmdb: a tiny MaxMind DB (format 2.0, IPv4, 24-bit records)
mapping documentation and test networks to countries, so --geoip can be tested without any
third-party database. Format: https://maxmind.github.io/MaxMind-DB/ (search tree, 16-byte
separator, data section, metadata after \\xab\\xcd\\xefMaxMind.com)."""
import ipaddress, pathlib, struct

NETWORKS = [("203.0.113.0/24", "JP"), ("198.51.100.0/24", "CN"), ("192.0.2.0/24", "US")]

def enc_size(type_bits, size):
    if size < 29:
        return bytes([type_bits | size])
    if size < 29 + 256:
        return bytes([type_bits | 29, size - 29])
    raise ValueError("too long")

def enc(v):
    if isinstance(v, str):
        b = v.encode()
        return enc_size(2 << 5, len(b)) + b
    if isinstance(v, dict):
        out = enc_size(7 << 5, len(v))
        for k, val in v.items():
            out += enc(k) + enc(val)
        return out
    if isinstance(v, list):  # array: extended type 11
        return enc_size(0, len(v)) + bytes([11 - 7]) + b"".join(enc(x) for x in v)
    if isinstance(v, tuple):  # (type, int): 5 uint16, 6 uint32, 9 uint64
        t, n = v
        b = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
        if t in (5, 6):
            return enc_size(t << 5, len(b)) + b
        return enc_size(0, len(b)) + bytes([t - 7]) + b
    raise TypeError(v)

data = b""
offsets = {}
for _, cc in NETWORKS:
    if cc not in offsets:
        offsets[cc] = len(data)
        data += enc({"country": {"iso_code": cc}})

nodes = [[None, None]]  # records: None (empty), ("n", idx), ("d", offset)
for net, cc in NETWORKS:
    n = ipaddress.ip_network(net)
    bits = format(int(n.network_address), "032b")[: n.prefixlen]
    cur = 0
    for i, bit in enumerate(bits):
        side = int(bit)
        if i == len(bits) - 1:
            nodes[cur][side] = ("d", offsets[cc])
        else:
            if nodes[cur][side] is None:
                nodes.append([None, None])
                nodes[cur][side] = ("n", len(nodes) - 1)
            cur = nodes[cur][side][1]

count = len(nodes)
def value(rec):
    if rec is None:
        return count
    kind, x = rec
    return x if kind == "n" else count + 16 + x

tree = b"".join(value(l).to_bytes(3, "big") + value(r).to_bytes(3, "big") for l, r in nodes)
meta = enc({"node_count": (6, count), "record_size": (5, 24), "ip_version": (5, 4),
            "database_type": "sdkscope-test-country", "languages": ["en"],
            "binary_format_major_version": (5, 2), "binary_format_minor_version": (5, 0),
            "build_epoch": (9, 1764000000), "description": {"en": "sdkscope test fixture"}})
out = tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + meta
dest = pathlib.Path(__file__).resolve().parent.parent / "testdata/geoip/test-country.mmdb"
dest.write_bytes(out)
print(f"wrote {dest} ({len(out)} bytes, {count} nodes)")
