#!/usr/bin/env python3
"""FAISS side of scripts/bench-vectors-pq: IVF<nlist>,{Flat | SQ8 | PQ<m>x4fs | PQ<m>x4fs,RFlat} on the same data
(a kind 'OPQ<m>,PQ<m>x4fs,...' puts FAISS's OPQ rotation in front: OPQ<m>,IVF<nlist>,PQ<m>x4fs,...).

Prints one line per measurement:  faiss kind=... nprobe=... k_factor=... recall=... qps=... cpu_qps=... bg=...
and build lines:                  faiss build kind=... train_seconds=... add_seconds=... bytes=...
Search: 1 thread (OpenMP 1, OpenBLAS 1), the whole query batch per call, best of --reps.
"""
import argparse, os, sys, time
import numpy as np


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_vectors_faiss import fvecs, ivecs, recall  # noqa: E402  (the same vecs readers and recall)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--nlist", type=int, required=True)
    ap.add_argument("--kinds", required=True, help="';'-separated factory suffixes, e.g. 'Flat;PQ196x4fs,RFlat'")
    ap.add_argument("--nprobe", default="4,8,16")
    ap.add_argument("--k-factor", default="4,8,16", help="for ...,RFlat kinds")
    ap.add_argument("--metric", default="l2")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    import faiss
    sys.path.insert(0, os.environ["ANCHORS_DIR"])
    from loadmon import Monitor, wait_quiet
    print(f"faiss {faiss.__version__} compile={faiss.get_compile_options()} file={faiss.__file__}", flush=True)
    xb = np.ascontiguousarray(fvecs(os.path.join(a.data, "base.fvecs")))
    xq = np.ascontiguousarray(fvecs(os.path.join(a.data, "query.fvecs")))
    gt = ivecs(os.path.join(a.data, "groundtruth.ivecs"))
    metric = faiss.METRIC_INNER_PRODUCT if a.metric == "ip" else faiss.METRIC_L2
    quiet = float(os.environ.get("BENCH_WAIT_QUIET", "20"))
    for kind in a.kinds.split(";"):
        faiss.omp_set_num_threads(a.build_threads)
        # An OPQ pre-transform goes before the IVF: 'OPQ320,PQ320x4fs,RFlat' -> OPQ320,IVF<nlist>,PQ320x4fs,RFlat.
        pre, rest = (kind.split(",", 1) if kind.startswith("OPQ") else ("", kind))
        name = (pre + "," if pre else "") + f"IVF{a.nlist},{rest}"
        index = faiss.index_factory(xb.shape[1], name, metric)
        ntrain = min(len(xb), a.nlist * 64)
        wait_quiet(quiet)
        mon = Monitor()
        t = time.perf_counter()
        index.train(xb[:ntrain])
        t_train = time.perf_counter() - t
        t = time.perf_counter()
        index.add(xb)
        t_add = time.perf_counter() - t
        bg = mon.foreign_cores()
        size = len(faiss.serialize_index(index))
        print(f"faiss build kind={name} train_seconds={t_train:.3f} add_seconds={t_add:.3f} bytes={size} ntrain={ntrain} bg={bg:.2f}", flush=True)
        faiss.omp_set_num_threads(1)
        refine = "RFlat" in kind
        outer = faiss.downcast_index(index) if refine else None
        # extract_index_ivf does not look inside IndexRefineFlat in 1.7.3: take its base index.
        ivf = faiss.extract_index_ivf(outer.base_index if refine else index)
        for nprobe in [int(x) for x in a.nprobe.split(",")]:
            ivf.nprobe = nprobe
            for kf in ([int(x) for x in a.k_factor.split(",")] if refine else [0]):
                if refine:
                    outer.k_factor = kf
                wait_quiet(quiet)
                mon = Monitor()
                best = best_cpu = 1e9
                for _ in range(a.reps):
                    t, c = time.perf_counter(), time.process_time()
                    D, I = index.search(xq, a.k)
                    best = min(best, time.perf_counter() - t)
                    best_cpu = min(best_cpu, time.process_time() - c)
                print(f"faiss kind={name} nprobe={nprobe} k_factor={kf} recall={recall(I, gt, a.k):.4f} qps={len(xq) / best:.1f} "
                      f"cpu_qps={len(xq) / best_cpu:.1f} bg={mon.foreign_cores():.2f}", flush=True)
        del index


if __name__ == "__main__":
    main()
