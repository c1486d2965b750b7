#!/usr/bin/env python3
"""Writes Fuzz/exif/seeds: the JPEG fixtures' first 4 KB with the EXIF segment SearchTesting's
JPEGTestData.exifSegment builds (orientations 1-8, both byte orders) inserted after SOI."""
import glob, os, struct

def exif(orientation, big):
    e = ">" if big else "<"
    tiff = (b"MM" if big else b"II") + struct.pack(e + "HI", 42, 8) + struct.pack(e + "H", 2)
    tiff += struct.pack(e + "HHI", 0x010F, 2, 4) + b"Cam\0"
    tiff += struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
out = os.path.join(here, "seeds")
os.makedirs(out, exist_ok=True)
fixtures = sorted(glob.glob(os.path.join(root, "Tests/ImagingTests/Fixtures/*.jpg")))
for i, path in enumerate(fixtures):
    jpeg = open(path, "rb").read()[:4096]
    for orientation in range(1, 9):
        big = (orientation + i) % 2 == 0
        name = f"{os.path.basename(path)[:-4]}-o{orientation}-{'mm' if big else 'ii'}"
        with open(os.path.join(out, name), "wb") as f:
            f.write(jpeg[:2] + exif(orientation, big) + jpeg[2:])
