#!/usr/bin/env python3
"""Driver of scripts/bench-vectors-pq: our IVF encodings (flat, sq8, pq, pq4fs; PQ alone and re-ranked) vs
FAISS IVF-Flat, IVF-SQ8, IVF-PQ<m>x4fs and IVF-PQ<m>x4fs,RFlat on the same data, same nlist, in one run.

Data: an fvecs directory (base.fvecs, query.fvecs, groundtruth.ivecs) given with --data, or generated with
the anchors' synth_vectors.py (--synth "--n 60000 --d 784 --nq 10000 --metric l2" = fashion-mnist-like
shape: 60k base, 10k queries, 784-d). Search: 1 thread, OpenBLAS 1 thread, whole batch, best of 3; every
figure carries bg = cores used by other processes meanwhile. Resident memory per vector of a search =
codes + 8-byte id (centroids are shared; the fp32 vectors stay on disk, only re-ranked candidates are read).
"""
import argparse, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchors", required=True, help="the anchors directory (loadmon.py, synth tool beside it in ../tools)")
    ap.add_argument("--data", help="existing fvecs directory")
    ap.add_argument("--synth", default="--n 60000 --d 784 --nq 10000 --metric l2", help="synth_vectors.py arguments")
    ap.add_argument("--work", default="/tmp/vs-bench-pq")
    ap.add_argument("--nlist", type=int, default=1024)
    ap.add_argument("--metric", default="l2")
    ap.add_argument("--encodings", default="flat,sq8,pq4fs,pq", help="',' list; pq4fs+opq / pq+opq add --opq")
    ap.add_argument("--pq-m", type=int, default=0, help="0 = our default (d/4 for pq4fs, d/8 for pq)")
    ap.add_argument("--nprobe", default="4,8,16")
    ap.add_argument("--rerank", default="0,2,4,8,16", help="re-rank factors for the compressed encodings")
    ap.add_argument("--faiss-kinds", default="", help="';'-separated; default Flat;SQ8;PQ{d/4}x4fs;PQ{d/4}x4fs,RFlat")
    ap.add_argument("--skip-faiss", action="store_true")
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3, help="timed repeats per setting on each side (the best counts)")
    a = ap.parse_args()
    sys.path.insert(0, a.anchors)
    from loadmon import wait_quiet  # noqa: E402
    sys.path.insert(0, HERE)
    from bench_vectors import ChildMonitor, ivecs, recall, kv  # noqa: E402
    py = os.environ.get("ANCHOR_PYTHON", "/tmp/vs-anchors/.venv/bin/python")
    # VSEARCH_BIN: e.g. .build/debug/vsearch (VectorIndex and its C kernels are optimised in debug builds too).
    vsearch = os.environ.get("VSEARCH_BIN", os.path.join(ROOT, ".build", "release", "vsearch"))
    data = a.data
    if not data:
        data = os.path.join(a.work, "data-" + re.sub(r"[^\w]+", "_", a.synth).strip("_"))
        if not os.path.exists(os.path.join(data, "groundtruth.ivecs")):
            subprocess.run([py, os.path.join(a.anchors, "..", "tools", "synth_vectors.py"), *a.synth.split(), "--gt-k", "10",
                            "--out", data], check=True)
    gt = ivecs(os.path.join(data, "groundtruth.ivecs"))
    nq = len(gt)
    d = int.from_bytes(open(os.path.join(data, "query.fvecs"), "rb").read(4), "little")
    print(f"machine: {os.cpu_count()} cpus, loadavg {open('/proc/loadavg').read().strip()}; data {data} d={d} nq={nq} nlist={a.nlist}", flush=True)
    env1 = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    wq = float(os.environ.get("BENCH_WAIT_QUIET", "20"))

    def run(cmd, env=env1):
        wait_quiet(wq)
        mon = ChildMonitor()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if out.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
        return out.stdout, out.stderr, mon.foreign_cores()

    results = []  # (side, name, nprobe, rerank, recall, qps, cpu_qps, bytes_per_vector, bg)
    for name in a.encodings.split(","):
        enc, opq = name.split("+")[0], name.endswith("+opq")
        idx = os.path.join(a.work, f"ours-{name}")
        subprocess.run(["rm", "-rf", idx])
        cmd = [vsearch, "vectors", "build", "--base", os.path.join(data, "base.fvecs"), "--index", idx, "--nlist", str(a.nlist),
               "--metric", a.metric, "--encoding", enc, "--threads", str(a.build_threads)] + (["--opq"] if opq else [])
        if a.pq_m and enc in ("pq", "pq4fs"):
            cmd += ["--pq-m", str(a.pq_m)]
        out, err, bg = run(["/usr/bin/time", "-v"] + cmd)
        b = kv(out.strip().splitlines()[-1])
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
        m = a.pq_m or (d // 4 if enc == "pq4fs" else d // 8)
        code = {"flat": 4 * d, "sq8": d, "pq": m, "pq4fs": m // 2}[enc]
        print(f"ours build {name}: train {b['train_seconds']}s add {b['add_seconds']}s file {int(b['bytes']) / 2**20:.1f} MiB "
              f"code {code} B/vector; peak RSS {rss:.0f} MiB; bg={bg:.2f}", flush=True)
        for nprobe in [int(x) for x in a.nprobe.split(",")]:
            for rr in ([0] if enc == "flat" else [int(x) for x in a.rerank.split(",")]):
                res = os.path.join(a.work, "r.ivecs")
                best, best_cpu, bgs = 0.0, 0.0, []
                for _ in range(a.reps):
                    out, err, bg = run(["/usr/bin/time", "-v", vsearch, "vectors", "search", "--index", idx, "--queries",
                                        os.path.join(data, "query.fvecs"), "--k", "10", "--nprobe", str(nprobe), "--rerank", str(rr),
                                        "--out", res, "--threads", "1"])
                    s = kv(out.strip().splitlines()[-1])
                    best = max(best, float(s["qps"]))
                    best_cpu = max(best_cpu, nq / max(float(s["search_cpu_seconds"]), 1e-9))
                    bgs.append(bg)
                srss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
                r = recall(ivecs(res), gt)
                results.append(("ours", name, nprobe, rr, r, best, best_cpu, code + 8, max(bgs)))
                print(f"  ours {name:9s} nprobe={nprobe:<3d} rerank={rr:<3d} recall={r:.4f} qps={best:9.1f} cpu_qps={best_cpu:9.1f} "
                      f"search_rss={srss:.0f}MiB bg={max(bgs):.2f}", flush=True)

    if not a.skip_faiss:
        m4 = a.pq_m or d // 4
        kinds = a.faiss_kinds or f"Flat;SQ8;PQ{m4}x4fs;PQ{m4}x4fs,RFlat"
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH="/tmp/vs-anchors/.cache/faiss-cpu-1.7.3",
                   ANCHORS_DIR=a.anchors)
        cmd = [py, os.path.join(HERE, "bench_vectors_pq_faiss.py"), "--data", data, "--nlist", str(a.nlist), "--kinds", kinds,
               "--nprobe", a.nprobe, "--k-factor", ",".join(x for x in a.rerank.split(",") if x != "0") or "4",
               "--metric", a.metric, "--build-threads", str(a.build_threads), "--reps", str(a.reps)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
        for line in proc.stdout:
            print("  " + line.rstrip(), flush=True)
            f = kv(line)
            if line.startswith("faiss kind"):
                kind = f["kind"]
                code = {"Flat": 4 * d, "SQ8": d}.get(kind.split(",")[1], m4 // 2)
                results.append(("faiss", kind, int(f["nprobe"]), int(f["k_factor"]), float(f["recall"]), float(f["qps"]),
                                float(f["cpu_qps"]), code + 8, float(f["bg"])))
        proc.wait()

    print("\nsummary: best QPS (wall / CPU) among settings reaching recall@10 >= target, 1 search thread")
    for target in (0.9, 0.95):
        print(f" target {target}:")
        best = {}
        for side, name, nprobe, rr, r, q, c, bpv, bg in results:
            if r >= target and (side, name) not in best or (r >= target and q > best[(side, name)][5]):
                best[(side, name)] = (side, name, nprobe, rr, r, q, c, bpv, bg)
        ref = {n: v for (s, n), v in best.items() if s == "faiss"}
        for key, (side, name, nprobe, rr, r, q, c, bpv, bg) in sorted(best.items()):
            ratios = "; ".join(f"{q / fv[5]:.2f}x wall {c / fv[6]:.2f}x cpu vs {fn}" for fn, fv in sorted(ref.items())
                               if side == "ours")
            print(f"   {side} {name}: nprobe={nprobe} rerank/k_factor={rr} recall={r:.4f} qps={q:.0f} cpu_qps={c:.0f} "
                  f"resident {bpv} B/vector bg={bg:.2f}  {ratios}")
    for side, name in sorted({(s, n) for s, n, *_ in results}):
        top = max((r for s, n, _, _, r, *_ in results if (s, n) == (side, name)), default=0)
        print(f" max recall {side} {name}: {top:.4f}")


if __name__ == "__main__":
    main()
