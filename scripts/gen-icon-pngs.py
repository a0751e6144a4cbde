#!/usr/bin/env python3
"""Writes the PNG fixtures of the app-icon tests (tests/engine/app_icon_test.cpp) with nothing but
zlib and struct: standard PNGs for the Android launcher icons, and Apple "CgBI" PNGs as Xcode
ships them in an .app (a CgBI chunk before IHDR, raw deflate without the zlib header, BGRA with
premultiplied alpha, rows filtered as stored) together with the image they were made from.

Usage:  scripts/gen-icon-pngs.py OUT_DIR      (called by scripts/gen-icon-fixtures.sh)

Outputs (all deterministic):
  android/<density>.png   opaque launcher icons, a different size and colour per density
  cgbi_rgba.png           CgBI, colour type 6, 7x5, every row filter type, alpha 0/64/128/200/255
  cgbi_rgba.rgba          the straight (not premultiplied) RGBA pixels it encodes, row by row
  cgbi_rgb.png            CgBI, colour type 2 (BGR), 6x4
  cgbi_rgb.rgb            its RGB pixels
  cgbi_small.png          CgBI, 3x3, for "the largest listed icon wins"
  cgbi_huge.png           CgBI whose IHDR claims 100000x100000 pixels (tiny IDAT)
"""
import os
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def ihdr(w: int, h: int, color_type: int) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))


SIG = b"\x89PNG\r\n\x1a\n"


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind: int, row: bytes, prev: bytes, bpp: int) -> bytes:
    out = bytearray()
    for i, x in enumerate(row):
        left = row[i - bpp] if i >= bpp else 0
        up = prev[i]
        upleft = prev[i - bpp] if i >= bpp else 0
        pred = [0, left, up, (left + up) // 2, paeth(left, up, upleft)][kind]
        out.append((x - pred) & 0xFF)
    return bytes([kind]) + bytes(out)


def filtered(rows, bpp: int) -> bytes:
    """Rows filtered with types 0,1,2,3,4,0,... in turn (the filters apply to the bytes as stored)."""
    out = bytearray()
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        out += filter_row(y % 5, row, prev, bpp)
        prev = row
    return bytes(out)


def standard_png(w: int, h: int, rgb) -> bytes:
    rows = [bytes(c for x in range(w) for c in rgb(x, y)) for y in range(h)]
    raw = b"".join(b"\x00" + r for r in rows)
    return SIG + ihdr(w, h, 2) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


CGBI = chunk(b"CgBI", bytes([0x50, 0x00, 0x20, 0x06]))


def cgbi_png(w: int, h: int, pixels, alpha: bool) -> bytes:
    """pixels: rows of straight RGBA (or RGB) tuples -> CgBI bytes (BGRA premultiplied / BGR)."""
    stored = []
    for row in pixels:
        out = bytearray()
        for px in row:
            if alpha:
                r, g, b, a = px
                pm = lambda c: (c * a + 127) // 255
                out += bytes([pm(b), pm(g), pm(r), a])
            else:
                r, g, b = px
                out += bytes([b, g, r])
        stored.append(bytes(out))
    idat = raw_deflate(filtered(stored, 4 if alpha else 3))
    # Split the image data over two IDAT chunks, as Xcode's files often are.
    half = len(idat) // 2
    return (SIG + CGBI + ihdr(w, h, 6 if alpha else 2) + chunk(b"IDAT", idat[:half]) + chunk(b"IDAT", idat[half:]) +
            chunk(b"IEND", b""))


def rgba_image(w: int, h: int):
    alphas = [255, 0, 64, 128, 200]
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            a = alphas[(x + 2 * y) % len(alphas)]
            if a == 0:
                row.append((0, 0, 0, 0))  # fully transparent: its colour is not recoverable
            else:
                row.append(((37 * x + 11 * y) % 256, (200 - 23 * y + 5 * x) % 256, (91 * x * y + 7) % 256, a))
        rows.append(row)
    return rows


def main() -> None:
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "android"), exist_ok=True)
    densities = {"mdpi": (12, (200, 30, 30)), "hdpi": (18, (30, 160, 30)), "xhdpi": (24, (30, 30, 200)),
                 "xxhdpi": (36, (230, 140, 0))}
    for name, (size, colour) in densities.items():
        png = standard_png(size, size, lambda x, y, c=colour: c if (x // 3 + y // 3) % 2 == 0 else (255, 255, 255))
        with open(os.path.join(out, "android", name + ".png"), "wb") as f:
            f.write(png)

    rgba = rgba_image(7, 5)
    with open(os.path.join(out, "cgbi_rgba.png"), "wb") as f:
        f.write(cgbi_png(7, 5, rgba, True))
    with open(os.path.join(out, "cgbi_rgba.rgba"), "wb") as f:
        f.write(bytes(c for row in rgba for px in row for c in px))

    rgb = [[((40 * x) % 256, (70 * y) % 256, (13 * x + 29 * y) % 256) for x in range(6)] for y in range(4)]
    with open(os.path.join(out, "cgbi_rgb.png"), "wb") as f:
        f.write(cgbi_png(6, 4, rgb, False))
    with open(os.path.join(out, "cgbi_rgb.rgb"), "wb") as f:
        f.write(bytes(c for row in rgb for px in row for c in px))

    small = [[(255, 0, 0, 255)] * 3 for _ in range(3)]
    with open(os.path.join(out, "cgbi_small.png"), "wb") as f:
        f.write(cgbi_png(3, 3, small, True))

    tiny = raw_deflate(b"\x00" * 16)
    huge = SIG + CGBI + ihdr(100000, 100000, 6) + chunk(b"IDAT", tiny) + chunk(b"IEND", b"")
    with open(os.path.join(out, "cgbi_huge.png"), "wb") as f:
        f.write(huge)


if __name__ == "__main__":
    main()
