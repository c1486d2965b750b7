"""Driver for scripts/bench-imaging (see there). Generates the data set once, then times both sides."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "anchors"))
try:
    import loadmon  # waits for a quiet machine before each timed block
except ImportError:  # pragma: no cover
    loadmon = None

OPENCV_DATA = "/usr/share/doc/opencv-doc/examples/data"
SIZE, SHORTER = 224, 256


def busy_seconds():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def own_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def make_photo(source, width, height, seed, noise=3.0):
    """A real photo upscaled to width×height with mild seeded sensor-like noise (upscaling alone would
    leave a blurry image that compresses and decodes unrealistically fast)."""
    im = Image.open(source).convert("RGB").resize((width, height), Image.BICUBIC)
    a = np.asarray(im, dtype=np.float32)
    a += np.random.default_rng(seed).normal(0, noise, a.shape).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def prepare(root):
    os.makedirs(os.path.join(root, "mixed"), exist_ok=True)
    big_jpeg = os.path.join(root, "12mp.jpg")
    if not os.path.exists(big_jpeg):
        make_photo(os.path.join(OPENCV_DATA, "building.jpg"), 4000, 3000, 1).save(big_jpeg, quality=90)
    big_png = os.path.join(root, "4mp.png")
    if not os.path.exists(big_png):
        make_photo(os.path.join(OPENCV_DATA, "fruits.jpg"), 2448, 1632, 2).save(big_png)
    mixed = sorted(os.path.join(root, "mixed", f) for f in os.listdir(os.path.join(root, "mixed")))
    if len(mixed) < 200:
        sources = sorted(f for f in os.listdir(OPENCV_DATA) if f.endswith((".jpg", ".png")))
        rng = np.random.default_rng(3)
        for i in range(200):
            src = os.path.join(OPENCV_DATA, sources[i % len(sources)])
            base = os.path.splitext(os.path.basename(src))[0]
            if i < len(sources):  # every original file once, unchanged
                out = os.path.join(root, "mixed", f"{i:03d}-{os.path.basename(src)}")
                with open(src, "rb") as f, open(out, "wb") as g:
                    g.write(f.read())
                continue
            # then camera-like sizes (1–6 MP), 3 in 4 JPEG (a third of those progressive), the rest PNG
            with Image.open(src) as probe:
                w, h = probe.size
            longer = int(rng.integers(1200, 3000))
            scale = longer / max(w, h)
            im = make_photo(src, max(1, round(w * scale)), max(1, round(h * scale)), i)
            if rng.random() < 0.75:
                out = os.path.join(root, "mixed", f"{i:03d}-{base}.jpg")
                im.save(out, quality=int(rng.integers(80, 96)), progressive=bool(rng.random() < 0.33))
            else:
                out = os.path.join(root, "mixed", f"{i:03d}-{base}.png")
                im.save(out)
        mixed = sorted(os.path.join(root, "mixed", f) for f in os.listdir(os.path.join(root, "mixed")))
    return {"12-MP JPEG": [big_jpeg], "4-MP PNG": [big_png], "200 mixed photos": mixed,
            "resize only, 4 MP": [big_png]}


def shorter_side_box(w, h):
    """Pillow's resize box that yields the centre SIZE×SIZE of the shorter-side-to-SHORTER resize."""
    s = SHORTER / min(w, h)
    rw, rh = (SHORTER, round(h * s)) if w <= h else (round(w * s), SHORTER)
    left, top = round((rw - SIZE) / 2), round((rh - SIZE) / 2)
    return (left / (rw / w), top / (rh / h), (left + SIZE) / (rw / w), (top + SIZE) / (rh / h))


def pillow_crop(path):
    """Pillow doing the same work: draft() for JPEG (largest 1/2^k scale keeping the shorter side ≥ 256),
    bilinear shorter side to 256, centre 224 — computed with resize(box=...) so only the crop is resampled
    (the fastest Pillow way; identical geometry to resize-then-crop)."""
    im = Image.open(path)
    if im.format == "JPEG":
        im.draft("RGB", (SHORTER, SHORTER))
    if im.mode != "RGB":
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            im = Image.alpha_composite(white, rgba).convert("RGB")
        else:
            im = im.convert("RGB")
    return im.resize((SIZE, SIZE), Image.BILINEAR, box=shorter_side_box(*im.size)).tobytes()


def timed(label, fn, repeats):
    if loadmon:
        loadmon.wait_quiet(max_wait=float(os.environ.get("BENCH_WAIT_QUIET", "30")))
    t0, b0, o0 = time.perf_counter(), busy_seconds(), own_seconds()
    result = fn(repeats)
    dt = time.perf_counter() - t0
    bg = max(0.0, (busy_seconds() - b0) - (own_seconds() - o0)) / dt
    return result, bg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", default=os.environ.get("BENCH_DIR", "/tmp/vs-bench-imaging"))
    args = ap.parse_args()
    sets = prepare(args.data)
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, loadavg {open('/proc/loadavg').read().split()[0]}, "
          f"Pillow {Image.__version__}, repeat {args.repeat} (median), 1 thread each")
    print("wall = images per wall-clock second; cpu = images per CPU second of the process (robust to other load)")
    print(f"{'data':<18} {'ours wall':>10} {'Pillow wall':>12} {'ratio':>6} {'ours cpu':>9} {'Pillow cpu':>11} {'ratio':>6} "
          f"{'MAD':>6} {'bg ours':>8} {'bg Pillow':>10}")
    for name, files in sets.items():
        repeats = args.repeat if len(files) > 1 else args.repeat * 6
        crops_path = os.path.join(args.data, "ours.rgb")

        resize_only = name.startswith("resize only")

        def ours(r):
            flags = ["--resize-only"] if resize_only else []
            out = subprocess.run([args.binary, "--repeat", str(r), "--size", str(SIZE), "--out", crops_path] + flags + files,
                                 check=True, capture_output=True, text=True).stdout
            return json.loads(out.strip().splitlines()[-1])

        def pillow(r):
            seconds, cpu_seconds, crops = [], [], None
            loaded = [Image.open(f).convert("RGB") for f in files] if resize_only else []
            for _ in range(r):
                t0, c0 = time.perf_counter(), time.process_time()
                if resize_only:  # the image is already decoded: time the resize alone
                    crops = [im.resize((SIZE, SIZE), Image.BILINEAR, box=shorter_side_box(*im.size)).tobytes() for im in loaded]
                else:
                    crops = [pillow_crop(f) for f in files]
                seconds.append(time.perf_counter() - t0)
                cpu_seconds.append(time.process_time() - c0)
            return {"seconds": seconds, "cpu_seconds": cpu_seconds, "crops": crops}

        ours_result, ours_bg = timed("ours", ours, repeats)
        pillow_result, pillow_bg = timed("pillow", pillow, repeats)
        ours_rate = len(files) / statistics.median(ours_result["seconds"])
        pillow_rate = len(files) / statistics.median(pillow_result["seconds"])
        ours_cpu = len(files) / statistics.median(ours_result["cpu_seconds"])
        pillow_cpu = len(files) / statistics.median(pillow_result["cpu_seconds"])
        with open(crops_path, "rb") as f:
            a = np.frombuffer(f.read(), dtype=np.uint8).astype(np.int16)
        b = np.frombuffer(b"".join(pillow_result["crops"]), dtype=np.uint8).astype(np.int16)
        mad = float(np.abs(a - b).mean()) if a.shape == b.shape else float("nan")
        print(f"{name:<18} {ours_rate:>10.1f} {pillow_rate:>12.1f} {ours_rate / pillow_rate:>5.2f}x "
              f"{ours_cpu:>9.1f} {pillow_cpu:>11.1f} {ours_cpu / pillow_cpu:>5.2f}x {mad:>6.3f} "
              f"{ours_bg:>8.2f} {pillow_bg:>10.2f}" + (f"  ({ours_result['failures']} failures)" if ours_result["failures"] else ""))


if __name__ == "__main__":
    main()
