#!/usr/bin/env python3
"""Real 1280-d EfficientNet-Lite0 embeddings for the vector benchmarks (scripts/bench-vectors-pq --data OUT).

No large photo collection can be downloaded here (Debian and PyPI only), so this makes one from the photos on
the machine: every JPEG/PNG over 20 KB under --photos (default /usr/share/doc: the opencv-doc examples and
others, ~590 photos) gives --per random crops (scale 0.3-1 of the photo, aspect 0.75-1.33, random flip,
resized to 160x160 JPEG q88, seeded). `vsearch embed --json` embeds them (our CNN, fp32 by default); a seeded
permutation holds out --nq as queries; the exact inner-product top-10 (NumPy) is the ground truth.
Writes OUT/base.fvecs, OUT/query.fvecs, OUT/groundtruth.ivecs.

  VSEARCH_MODELS=assets/models scripts/real_crop_vectors.py --out /tmp/vs-real-crops [--per 22] [--nq 1000]
"""
import argparse, json, os, random, subprocess, sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def crops(photos, out, per, seed):
    rng = random.Random(seed)
    files = sorted(os.path.join(r, n) for r, _, names in os.walk(photos) for n in names
                   if n.lower().endswith((".jpg", ".jpeg", ".png")) and os.path.getsize(os.path.join(r, n)) > 20000)
    made = []
    for path in files:
        try:
            im = Image.open(path).convert("RGB")
        except Exception:
            continue
        if min(im.size) < 64:
            continue
        w, h = im.size
        for _ in range(per):
            s, a = rng.uniform(0.3, 1.0), rng.uniform(0.75, 1.33)
            cw, ch = max(32, min(w, int(w * s * a ** 0.5))), max(32, min(h, int(h * s / a ** 0.5)))
            x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
            c = im.crop((x, y, x + cw, y + ch)).resize((160, 160))
            if rng.random() < 0.5:
                c = c.transpose(Image.FLIP_LEFT_RIGHT)
            name = os.path.join(out, f"c{len(made):06d}.jpg")
            c.save(name, quality=88)
            made.append(name)
    return len(files), made


def write_vecs(path, x, dtype):
    with open(path, "wb") as f:
        for row in x:
            np.array([x.shape[1]], dtype=np.int32).tofile(f)
            row.astype(dtype).tofile(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--photos", default="/usr/share/doc")
    ap.add_argument("--per", type=int, default=22)
    ap.add_argument("--nq", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11, help="crops")
    ap.add_argument("--split-seed", type=int, default=3, help="which crops are queries")
    a = ap.parse_args()
    vsearch = os.environ.get("VSEARCH_BIN", os.path.join(ROOT, ".build", "release", "vsearch"))
    images = os.path.join(a.out, "crops")
    os.makedirs(images, exist_ok=True)
    photos, names = crops(a.photos, images, a.per, a.seed)
    print(f"{photos} photos -> {len(names)} crops", flush=True)
    vectors = []
    for i in range(0, len(names), 1000):
        out = subprocess.run([vsearch, "embed", "--json", "--top", "1", *names[i:i + 1000]], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr)
        vectors += [json.loads(line)["embedding"] for line in out.stdout.splitlines()]
    e = np.array(vectors, dtype=np.float32)
    perm = np.random.default_rng(a.split_seed).permutation(len(e))
    q, b = e[perm[:a.nq]], e[perm[a.nq:]]
    write_vecs(os.path.join(a.out, "base.fvecs"), b, np.float32)
    write_vecs(os.path.join(a.out, "query.fvecs"), q, np.float32)
    write_vecs(os.path.join(a.out, "groundtruth.ivecs"), np.argsort(-(q @ b.T), axis=1)[:, :10], np.int32)
    var = np.sort(b.var(0))
    print(f"base {b.shape}, queries {q.shape}; the 10 % highest-variance dimensions hold {var[-len(var) // 10:].sum() / var.sum():.3f} "
          f"of the variance", flush=True)


if __name__ == "__main__":
    main()
