#!/usr/bin/env python3
"""Driver of scripts/bench-eval: the quality figures of issue 9 on real data, with the machine load of each.

  1. near-duplicate rank-1 rate per transform: opencv-doc photos and assets/samples (temporary indexes)
  2. labelled eval on opencv-doc photos (scripts/eval_opencv_labels.py): IVF at the index default nprobe,
     at nprobe 1, and exact (every list) over the same stored embeddings
  3. drift of real photo folders and of synthetic textures against the opencv-doc index
  4. ANN check on a large synthetic index (../shared/tools/synth_vectors.py) beside FAISS IVF-Flat
"""
import argparse, json, os, random, shutil, struct, subprocess, sys, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared") if os.path.isdir(os.path.join(ROOT, "..", "shared")) else "/work/shared"
sys.path.insert(0, os.path.join(SHARED, "anchors"))
from loadmon import Monitor, banner  # noqa: E402

BIN = os.path.join(ROOT, ".build", "release", "vsearch")
OPENCV = "/usr/share/doc/opencv-doc/examples/data"


def run(args, check=True):
    """Runs vsearch; bg = cores used by other processes meanwhile (the child's own CPU time excluded)."""
    c0, t0, mon = os.times(), time.perf_counter(), Monitor()
    p = subprocess.run([BIN] + args, capture_output=True, text=True)
    c1, wall = os.times(), time.perf_counter() - t0
    child = (c1.children_user + c1.children_system - c0.children_user - c0.children_system) / max(wall, 1e-9)
    bg = max(0.0, mon.foreign_cores() - child)
    if check and p.returncode != 0:
        sys.exit(f"vsearch {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout, bg


def lines(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def png(path, w, h, pixel):
    raw = b"".join(b"\x00" + bytes(c for x in range(w) for c in pixel(x, y)) for y in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def textures(folder, count=30):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        rng = random.Random(i)
        kind = i % 3
        if kind == 0:
            f = lambda x, y: (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        elif kind == 1:
            cell = 3 + i % 11
            f = lambda x, y, c=cell: (230, 40 + 7 * i % 200, 20) if (x // c + y // c) % 2 else (10, 10, 60)
        else:
            period = 5 + i % 13
            f = lambda x, y, p=period: ((x * 255) // 191, 128 if (x + y) // p % 2 else 0, (y * 255) // 191)
        png(os.path.join(folder, f"texture{i:02d}.png"), 192, 192, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/vs-bench-eval")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--nprobe", default="1,2,4,8,16,32,64")
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: neardup,labelled,drift,ann")
    a = ap.parse_args()
    skip = set(a.skip.split(",")) - {""}
    os.makedirs(a.work, exist_ok=True)
    print(f"# {banner()}; threads 2 for the CNN, 1 for timed searches", flush=True)

    if "neardup" not in skip:
        for folder in [OPENCV, os.path.join(ROOT, "assets", "samples")]:
            out, bg = run(["eval", "--near-duplicates", folder, "--json", "--threads", "2"])
            rows = [r for r in lines(out) if "copies" in r]
            s = rows[-1]
            print(f"\n## near duplicates: {folder} ({s['photos']} photos, k={s['k']}, nprobe={s['nprobe']}, bg={bg:.2f})")
            print("| transform | copies | rank-1 | rank-1 rate | in top 10 | MRR |\n|---|---|---|---|---|---|")
            for r in rows:
                print(f"| {r['transform']} | {r['copies']} | {r['rank1']} | {r['rank1_rate']:.3f} | {r['in_top_k']} | {r['mrr']:.3f} |")

    index = os.path.join(a.work, "opencv-index")
    if ("labelled" not in skip or "drift" not in skip):
        labels = os.path.join(a.work, "opencv-labels")
        subprocess.run([sys.executable, os.path.join(HERE, "eval_opencv_labels.py"), "--data", OPENCV, "--out", labels], check=True)
        if not os.path.exists(os.path.join(index, "CURRENT")):
            run(["build", "--input", os.path.join(labels, "manifest.jsonl"), "--root", OPENCV, "--index", index, "--quiet"])
        if "labelled" not in skip:
            info = json.loads(run(["info", "--index", index, "--json"])[0])
            print(f"\n## labelled eval: opencv-doc, {info['items']} photos indexed, nlist {info['nlist']}, 48 queries (leave-one-out)")
            print("| search | nprobe | recall@10 | precision@10 | mAP@10 | MRR | nDCG@10 |\n|---|---|---|---|---|---|---|")
            for name, extra in [("IVF default", []), ("IVF", ["--nprobe", "1"]), ("IVF", ["--nprobe", "4"]), ("exact (every list)", ["--exact"])]:
                out, bg = run(["eval", "--index", index, "--queries", os.path.join(labels, "queries.jsonl"), "--k", "10", "--json"] + extra)
                s = lines(out)[-1]
                print(f"| {name} | {s['nprobe']} | {s['recall']:.3f} | {s['precision']:.3f} | {s['map']:.3f} | {s['mrr']:.3f} | {s['ndcg']:.3f} |")
        if "drift" not in skip:
            tex = os.path.join(a.work, "textures")
            textures(tex)
            # A second index over every other opencv-doc photo (sorted by name); the rest form a folder of
            # real photos from the same collection that this index has never seen.
            half_index, unseen = os.path.join(a.work, "opencv-half-index"), os.path.join(a.work, "opencv-unseen")
            if not os.path.exists(os.path.join(half_index, "CURRENT")):
                seen = os.path.join(a.work, "opencv-seen")
                for d in (seen, unseen):
                    os.makedirs(d, exist_ok=True)
                photos = sorted(n for n in os.listdir(OPENCV) if n.lower().endswith((".jpg", ".png")))
                for i, n in enumerate(photos):
                    target = os.path.join(seen if i % 2 == 0 else unseen, n)
                    if not os.path.exists(target):
                        shutil.copyfile(os.path.join(OPENCV, n), target)  # builds ignore symlinks leaving the folder
                run(["build", "--input", seen, "--index", half_index, "--quiet"], check=False)
            print("\n## drift (reference: the index's trained-on photo embeddings)")
            print("| index over | compared folder | vectors | mean distance ref → new | distance PSI (bound) | occupancy PSI (bound) | KS rejected / 64 | min p | retrain |\n|---|---|---|---|---|---|---|---|---|")
            for idx_name, idx, name, folder in [("half the opencv-doc photos", half_index, "the other half (unseen real photos)", unseen),
                                      ("half the opencv-doc photos", half_index, "synthetic textures", tex),
                                      ("all opencv-doc photos", index, "assets/samples (copies of indexed photos)", os.path.join(ROOT, "assets", "samples")),
                                      ("all opencv-doc photos", index, "synthetic textures", tex)]:
                out, bg = run(["drift", "--index", idx, "--folder", folder, "--json"])
                r = json.loads(out.splitlines()[-1])
                print(f"| {idx_name} | {name} | {int(r['current_vectors'])} | {r['reference_mean_distance']:.3f} → {r['current_mean_distance']:.3f} | {r['distance_psi']:.3f} ({r['distance_psi_noise_bound']:.3f}) | "
                      f"{r['occupancy_psi']:.3f} ({r['occupancy_psi_noise_bound']:.3f}) | {int(r['ks_rejected_bonferroni'])} | {r['ks_min_p_value']:.2g} | {r['retrain']} |")

    if "ann" not in skip:
        data = os.path.join(a.work, f"synth-{a.n}x{a.d}")
        if not os.path.exists(os.path.join(data, "base.fvecs")):
            subprocess.run([sys.executable, os.path.join(SHARED, "tools", "synth_vectors.py"), "--n", str(a.n), "--d", str(a.d),
                            "--nq", "10", "--gt-k", "10", "--out", data], check=True)
        ivf = os.path.join(data, "ivf")
        if not os.path.exists(os.path.join(ivf, "MANIFEST")):
            out, bg = run(["vectors", "build", "--base", os.path.join(data, "base.fvecs"), "--index", ivf, "--threads", "2"])
            print(f"\n# built {out.strip().splitlines()[-1]} (bg={bg:.2f})")
        out, bg = run(["eval", "--ann", "--index", ivf, "--sample", str(a.sample), "--k", "10", "--nprobe", a.nprobe, "--threads", "1", "--json"])
        rows = lines(out)
        s = rows[-1]
        print(f"\n## ANN check: {s['vectors']} × {a.d} synthetic vectors, nlist {s['nlist']}, {s['queries']} stored vectors as queries, k=10 (ours bg={bg:.2f})")
        faiss_out = subprocess.run([sys.executable, os.path.join(HERE, "bench_eval_faiss.py"), "--base", os.path.join(data, "base.fvecs"),
                                    "--nlist", str(s["nlist"]), "--nprobe", a.nprobe, "--sample", str(a.sample)],
                                   capture_output=True, text=True, check=True,
                                   # the PyPI AVX2 build of FAISS 1.7.3, as scripts/bench-vectors uses
                                   env=dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH="/tmp/vs-anchors/.cache/faiss-cpu-1.7.3",
                                            ANCHORS_DIR=os.path.join(SHARED, "anchors"))).stdout
        faiss = {}
        for line in faiss_out.splitlines():
            if line.startswith("faiss nprobe="):
                f = dict(kv.split("=") for kv in line.split()[1:])
                faiss[int(f["nprobe"])] = f
        print(faiss_out.splitlines()[0] if faiss_out.startswith("faiss 1") else "")
        print("| nprobe | recall@10 (ours) | QPS (ours, 1 thread) | recall@10 (FAISS) | QPS (FAISS, 1 thread) | QPS ratio | FAISS bg |\n|---|---|---|---|---|---|---|")
        for r in rows[:-1]:
            f = faiss.get(r["nprobe"], {})
            ratio = f"{r['qps'] / float(f['qps']):.2f}×" if f else "–"
            print(f"| {r['nprobe']} | {r['recall']:.4f} | {r['qps']:.0f} | {f.get('recall', '–')} | {f.get('qps', '–')} | {ratio} | {f.get('bg', '–')} |")
        print(f"exact search (ours, brute force, 1 thread): {s['exact_qps']:.0f} QPS; recommended nprobe for recall ≥ {s['target_recall']}: {s['recommended_nprobe']}")


if __name__ == "__main__":
    main()
