#!/usr/bin/env python3
"""Writes Fuzz/png/seeds: tiny PNGs of the variants Tests/ImagingTests/PNGVariantTests decodes (gray,
gray+alpha, RGB, RGBA, palette with tRNS, 1/2/4/8/16-bit, Adam7 interlaced), made with zlib only."""
import os, struct, zlib

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(width, height, depth, colour, rows, interlace=0, extra=b""):
    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

def rows(width, height, bytes_per_row):
    return [bytes((x * 37 + y * 11) & 0xFF for x in range(bytes_per_row)) for y in range(height)]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
os.makedirs(out, exist_ok=True)
seeds = {
    "gray8": png(8, 8, 8, 0, rows(8, 8, 8)),
    "gray1": png(16, 4, 1, 0, rows(16, 4, 2)),
    "gray16": png(4, 4, 16, 0, rows(4, 4, 8)),
    "gray-alpha": png(4, 4, 8, 4, rows(4, 4, 8)),
    "rgb8": png(6, 5, 8, 2, rows(6, 5, 18)),
    "rgba16": png(3, 3, 16, 6, rows(3, 3, 24)),
    "palette-trns": png(8, 2, 4, 3, rows(8, 2, 4), extra=chunk(b"PLTE", bytes(range(48))) + chunk(b"tRNS", b"\x00\x80\xff")),
    "rgb-trns": png(4, 4, 8, 2, rows(4, 4, 12), extra=chunk(b"tRNS", b"\x00\x01\x00\x02\x00\x03")),
}
# Adam7: seven passes; the raw data for an 8x8 gray image is easiest from a rows() stream per pass.
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
raw = b""
for x0, y0, dx, dy in passes:
    w, h = len(range(x0, 8, dx)), len(range(y0, 8, dy))
    raw += b"".join(b"\x00" + bytes((x * 5 + y) & 0xFF for x in range(w)) for y in range(h))
seeds["adam7"] = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 1))
                  + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
