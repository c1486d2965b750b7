#!/usr/bin/env python3
"""Driver for scripts/bench-build: items/second from JPEG files to a published on-disk index.

Ours: `vsearch build --input DIR --index IDX --threads T --quiet --json` (release build): SHA-256 of each
file, decode (DCT-scaled) + resize + crop, EfficientNet-Lite0 in batches of 32, top-5 labels as auto-tags,
MiniLM text vector of each item's text (title + auto-tags), SQLite catalog rows in transactions, vectors
spilled to disk with fsync per batch, IVF k-means training + assignment, atomic publish.

Anchor (what a user would otherwise script): Python with Pillow (draft() DCT scaling, bilinear resize to
256, centre crop 224, decoding on T threads), ONNX Runtime (the same EfficientNet-Lite0 weights, graph from
../shared/anchors/effnet.py, intra-op threads T, batch 32), hashlib SHA-256 of each file, embeddings
L2-normalised and kept in memory, then FAISS IndexIVFFlat (inner product, nlist 4*sqrt(N), trained on at
most 64*nlist vectors) + add + write_index. It does *less* than ours: no catalog, no text vectors, no
labels, no crash safety.

Both run as child processes on the same files with the same thread count, waiting for a quiet machine
first; peak RSS of each process comes from wait4(). Prints both, the ratio and the foreign load.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_embedding as be  # noqa: E402  (ensure_onnx, cpu_busy, wait_quiet)

WORK = os.environ.get("BENCH_WORK", "/tmp/vsearch-bench-build")
SOURCE_DIR = "/usr/share/doc/opencv-doc/examples/data"


def make_jpegs(n, seed=7):
    """n distinct JPEGs (q90, longer side 640) cut from the opencv-doc photos with seeded crops."""
    import random
    from PIL import Image
    out = os.path.join(WORK, f"jpegs-{n}")
    if os.path.isdir(out) and len(os.listdir(out)) == n:
        return out
    os.makedirs(out, exist_ok=True)
    sources = []
    for f in sorted(os.listdir(SOURCE_DIR)):
        if f.endswith(".jpg"):
            with Image.open(os.path.join(SOURCE_DIR, f)) as im:
                if min(im.size) >= 200:
                    sources.append(im.convert("RGB"))
    rng = random.Random(seed)
    for i in range(n):
        im = sources[i % len(sources)]
        w, h = im.size
        cw, ch = int(w * rng.uniform(0.6, 1.0)), int(h * rng.uniform(0.6, 1.0))
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        crop = im.crop((x, y, x + cw, y + ch))
        s = 640 / max(cw, ch)
        crop = crop.resize((max(1, round(cw * s)), max(1, round(ch * s))), Image.BILINEAR)
        crop.save(os.path.join(out, f"img{i:06d}.jpg"), quality=90)
    return out


def anchor_main(args):
    import hashlib
    from concurrent.futures import ThreadPoolExecutor
    import numpy as np
    from PIL import Image
    sys.path.insert(0, be.ANCHORS)
    import effnet
    import faiss
    faiss.omp_set_num_threads(args.threads)
    t0 = time.perf_counter()
    sess = effnet.ort_session(args.onnx, args.threads)
    files = sorted(os.path.join(args.input, f) for f in os.listdir(args.input))

    def prep(path):
        with open(path, "rb") as f:
            data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        try:
            import io
            with Image.open(io.BytesIO(data)) as im:
                im.draft("RGB", (256, 256))
                im = im.convert("RGB")
                w, h = im.size
                s = 256 / min(w, h)
                nw, nh = max(1, round(w * s)), max(1, round(h * s))
                im = im.resize((nw, nh), Image.BILINEAR)
                left, top = round((nw - 224) / 2), round((nh - 224) / 2)
                a = np.asarray(im.crop((left, top, left + 224, top + 224)), np.float32)
                return digest, ((a - 127) / 128).transpose(2, 0, 1)
        except Exception:
            return digest, None

    pool = ThreadPoolExecutor(args.threads)
    seen = set()
    vectors = []
    for i in range(0, len(files), 32):
        batch = []
        for digest, a in pool.map(prep, files[i:i + 32]):
            if a is not None and digest not in seen:
                seen.add(digest)
                batch.append(a)
        if batch:
            emb = sess.run(["embedding"], {"input": np.stack(batch)})[0]
            vectors.append(emb.reshape(len(batch), -1))
    x = np.ascontiguousarray(np.concatenate(vectors).astype(np.float32))
    faiss.normalize_L2(x)
    n, d = x.shape
    nlist = max(1, min(n, round(4 * n ** 0.5)))
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(1234)
    sample = x[rng.choice(n, min(n, 64 * nlist), replace=False)]
    index.train(sample)
    index.add(x)
    faiss.write_index(index, args.output)
    print(f"items={n} seconds={time.perf_counter() - t0:.3f} bytes={os.path.getsize(args.output)}")


def run_child(cmd, env=None):
    """Runs cmd; returns (stdout, wall seconds, peak RSS MB of that process, foreign cores)."""
    t, b = time.time(), be.cpu_busy()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.time() - t
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        sys.stderr.write(err)
        raise SystemExit(f"{cmd[0]} exited with {proc.returncode}")
    own = usage.ru_utime + usage.ru_stime
    foreign = max(0.0, (be.cpu_busy() - b) - own) / dt
    return out, dt, usage.ru_maxrss / 1024, foreign


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/vsearch"))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--threads", default="2")
    ap.add_argument("--kernels", default="",
                    help="comma-separated conv kernel sets for our side (avx2,avx512: VSEARCH_CONV_KERNELS), each in this run; default: preferred")
    ap.add_argument("--wait", type=float, default=float(os.environ.get("ANCHOR_WAIT_QUIET", "60")))
    ap.add_argument("--anchor-child", action="store_true")
    ap.add_argument("--input")
    ap.add_argument("--output")
    ap.add_argument("--onnx")
    args = ap.parse_args()
    if args.anchor_child:
        args.threads = int(args.threads)
        return anchor_main(args)
    onnx_path = be.ensure_onnx()
    jpegs = make_jpegs(args.n)
    print(f"machine: {os.cpu_count()} cpus, loadavg {open('/proc/loadavg').read().split()[0]}; {args.n} JPEGs in {jpegs}")
    for th in [int(t) for t in args.threads.split(",")]:
        ours_runs = []
        for kernels in [k for k in args.kernels.split(",") if k] or [None]:
            idx = os.path.join(WORK, f"index-{th}")
            subprocess.run(["rm", "-rf", idx], check=True)
            be.wait_quiet(args.wait)
            env_ours = dict(os.environ, **({"VSEARCH_CONV_KERNELS": kernels} if kernels else {}))
            out, ours_s, ours_rss, bg_ours = run_child([args.binary, "build", "--input", jpegs, "--index", idx,
                                                        "--threads", str(th), "--quiet", "--json"], env_ours)
            ours_runs.append((kernels or "preferred", dict(re.findall(r'"(items|vectors|indexBytes)":(\d+)', out)),
                              ours_s, ours_rss, bg_ours))
        be.wait_quiet(args.wait)
        faiss_out = os.path.join(WORK, f"anchor-{th}.faiss")
        env = dict(os.environ, OMP_NUM_THREADS=str(th))
        out2, theirs_s, theirs_rss, bg_theirs = run_child(
            [sys.executable, __file__, "--anchor-child", "--threads", str(th), "--input", jpegs, "--output", faiss_out,
             "--onnx", onnx_path], env)
        items2 = int(re.search(r"items=(\d+)", out2).group(1))
        theirs_rate = items2 / theirs_s
        print(f"threads={th}  (bg during anchor {bg_theirs:.2f} cores; loadavg now {open('/proc/loadavg').read().split()[0]})")
        print(f"  Pillow+ORT+FAISS anchor    {theirs_rate:7.1f} items/s ({items2} items, {theirs_s:.1f} s, peak RSS {theirs_rss:.0f} MB)")
        for kernels, summary, ours_s, ours_rss, bg_ours in ours_runs:
            ours_rate = int(summary["items"]) / ours_s
            print(f"  ours, {kernels:9s} kernels {ours_rate:7.1f} items/s ({int(summary['items'])} items, {ours_s:.1f} s, "
                  f"peak RSS {ours_rss:.0f} MB, index {int(summary['indexBytes']) / 1e6:.1f} MB, bg {bg_ours:.2f} cores)"
                  f"  ratio {ours_rate / theirs_rate:.2f}x")
        print("  (ratio >= 1: ours faster; whole processes including model loading)")


if __name__ == "__main__":
    main()
