#!/usr/bin/env python3
# Input for the 100k-image build run in BENCHMARKS.md ("Index builds"): N distinct small JPEGs from the
# opencv-doc photos (random square crop, resized to 96x96, flips, +-6 noise, the item number stamped
# into the first row so every file has its own content hash). Needs Pillow + numpy (the anchors venv):
#   /tmp/vs-anchors/.venv/bin/python scripts/gen-100k-jpegs.py OUT_DIR 100000
import os, sys, numpy as np
from PIL import Image
src = "/usr/share/doc/opencv-doc/examples/data"
out = sys.argv[1]; n = int(sys.argv[2])
bases = []
for f in sorted(os.listdir(src)):
    if f.lower().endswith((".jpg", ".png")):
        try:
            im = Image.open(os.path.join(src, f)).convert("RGB")
            if min(im.size) >= 64: bases.append(np.asarray(im))
        except Exception: pass
print(len(bases), "bases", flush=True)
rng = np.random.default_rng(7)
for i in range(n):
    d = os.path.join(out, "%03d" % (i // 1000)); 
    if i % 1000 == 0: os.makedirs(d, exist_ok=True)
    b = bases[i % len(bases)]
    h, w = b.shape[:2]
    s = int(rng.integers(64, min(h, w) + 1))
    y = int(rng.integers(0, h - s + 1)); x = int(rng.integers(0, w - s + 1))
    a = b[y:y+s, x:x+s]
    im = Image.fromarray(a).resize((96, 96), Image.BILINEAR)
    a = np.asarray(im).copy()
    if i & 1: a = a[:, ::-1]
    if i & 2: a = a[::-1]
    a = np.clip(a.astype(np.int16) + rng.integers(-6, 7, a.shape, dtype=np.int16), 0, 255).astype(np.uint8)
    a[0, :32] = np.frombuffer(i.to_bytes(4, "little") * 24, dtype=np.uint8).reshape(32, 3)  # unique stamp
    Image.fromarray(a).save(os.path.join(d, "img%06d.jpg" % i), quality=85)
    if i % 10000 == 0: print(i, flush=True)
