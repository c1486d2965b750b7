#!/usr/bin/env python3
"""FAISS side of scripts/bench-eval's ANN check: IVF<nlist>,Flat on the same base.fvecs, recall@k against
exact search (IndexFlat) for sampled *stored* vectors used as queries, each query removed from both answers,
ties counted as ann-benchmarks does (a hit when its exact score reaches the exact k-th score). The sample
rows differ from ours (numpy's generator, not SplitMix64): same data and rule, not the same rows.
Prints: faiss nprobe=N recall=R qps=Q bg=B   (1 search thread, whole batch, fastest of 3)
"""
import argparse, os, sys, time
import numpy as np


def fvecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = int(a[0])
    return a.reshape(-1, d + 1)[:, 1:].view(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--nlist", type=int, required=True)
    ap.add_argument("--nprobe", default="1,2,4,8,16,32,64")
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    import faiss
    sys.path.insert(0, os.environ.get("ANCHORS_DIR", os.path.join(os.path.dirname(__file__), "../../shared/anchors")))
    from loadmon import Monitor, wait_quiet
    print(f"faiss {faiss.__version__} compile={faiss.get_compile_options()} file={faiss.__file__}", flush=True)
    xb = np.ascontiguousarray(fvecs(a.base))
    n, d = xb.shape
    rows = np.sort(np.random.default_rng(a.seed).choice(n, size=min(a.sample, n), replace=False))
    xq = np.ascontiguousarray(xb[rows])
    faiss.omp_set_num_threads(2)
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    D, I = flat.search(xq, a.k + 1)
    truth_kth = []
    for qi, r in enumerate(rows):
        keep = [s for s, i in zip(D[qi], I[qi]) if i != r][:a.k]
        truth_kth.append(keep[-1])
    ivf = faiss.index_factory(d, f"IVF{a.nlist},Flat", faiss.METRIC_INNER_PRODUCT)
    ivf.train(np.ascontiguousarray(xb[: min(n, a.nlist * 64)]))
    ivf.add(xb)
    faiss.omp_set_num_threads(1)
    for nprobe in [int(x) for x in a.nprobe.split(",")]:
        ivf.nprobe = min(nprobe, a.nlist)
        wait_quiet(float(os.environ.get("BENCH_WAIT_QUIET", "20")))
        mon = Monitor()
        seconds = float("inf")
        for _ in range(3):  # the fastest of 3, as our side does
            t = time.perf_counter()
            _, J = ivf.search(xq, a.k + 1)
            seconds = min(seconds, time.perf_counter() - t)
        bg = mon.foreign_cores()
        total = 0.0
        for qi, r in enumerate(rows):
            found = [i for i in J[qi] if i != r and i >= 0][: a.k]
            exact = xb[found] @ xq[qi] if found else np.zeros(0)
            kth = truth_kth[qi]
            total += float(np.sum(exact >= kth - 1e-5 * max(1.0, abs(kth)))) / a.k
        print(f"faiss nprobe={ivf.nprobe} recall={total / len(rows):.4f} qps={len(rows) / seconds:.0f} bg={bg:.2f}", flush=True)


if __name__ == "__main__":
    main()
