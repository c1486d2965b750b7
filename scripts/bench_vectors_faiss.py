#!/usr/bin/env python3
"""FAISS side of scripts/bench-vectors: IVF<nlist>,Flat and IVF<nlist>,SQ8 on the same fvecs data.

Prints one line per measurement:  faiss kind=... nprobe=... recall=... qps=... (1 search thread, whole batch)
and build lines:                  faiss build kind=... train_seconds=... add_seconds=... bytes=... open_seconds=...
Training uses the first nlist*64 base vectors, as ../shared/anchors/faiss_ivf.py does.
"""
import argparse, os, sys, tempfile, time
import numpy as np


def fvecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = int(a[0])
    return a.reshape(-1, d + 1)[:, 1:].view(np.float32)


def ivecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = int(a[0])
    return a.reshape(-1, d + 1)[:, 1:]


def recall(I, gt, k):
    return float(np.mean([len(set(a[:k]) & set(b[:k])) / k for a, b in zip(I, gt)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--nlist", type=int, required=True)
    ap.add_argument("--nprobe", default="1,2,3,4,6,8,16")
    ap.add_argument("--nprobe-sq8", default="2,3,4,6,8,16")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--metric", default="ip")
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--kinds", default="Flat,SQ8")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    import faiss
    sys.path.insert(0, os.environ.get("ANCHORS_DIR", os.path.join(os.path.dirname(__file__), "../../shared/anchors")))
    from loadmon import Monitor, wait_quiet
    print(f"faiss {faiss.__version__} compile={faiss.get_compile_options()} file={faiss.__file__}", flush=True)
    xb = fvecs(os.path.join(a.data, "base.fvecs"))
    xq = np.ascontiguousarray(fvecs(os.path.join(a.data, "query.fvecs")))
    gt = ivecs(os.path.join(a.data, "groundtruth.ivecs"))
    metric = faiss.METRIC_INNER_PRODUCT if a.metric == "ip" else faiss.METRIC_L2
    for kind in a.kinds.split(","):
        faiss.omp_set_num_threads(a.build_threads)
        index = faiss.index_factory(xb.shape[1], f"IVF{a.nlist},{kind}", metric)
        ntrain = min(len(xb), a.nlist * 64 if kind == "Flat" else max(a.nlist * 64, 100_000))
        wait_quiet(float(os.environ.get("BENCH_WAIT_QUIET", "20")))
        mon = Monitor()
        t = time.perf_counter()
        index.train(np.ascontiguousarray(xb[:ntrain]))
        t_train = time.perf_counter() - t
        t = time.perf_counter()
        for s in range(0, len(xb), 1_000_000):
            index.add(np.ascontiguousarray(xb[s:s + 1_000_000]))
        t_add = time.perf_counter() - t
        bg_build = mon.foreign_cores()
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP", "/tmp")) as tmp:
            path = os.path.join(tmp, "faiss.index")
            faiss.write_index(index, path)
            size = os.path.getsize(path)
            os.system(f"cat {path} > /dev/null")
            t = time.perf_counter()
            reread = faiss.read_index(path)
            t_open = time.perf_counter() - t
            t = time.perf_counter()
            mm = faiss.read_index(path, faiss.IO_FLAG_MMAP)
            t_mmap = time.perf_counter() - t
            del reread, mm
        print(f"faiss build kind=IVF{a.nlist},{kind} train_seconds={t_train:.3f} add_seconds={t_add:.3f} bytes={size} "
              f"open_seconds={t_open:.4f} open_mmap_seconds={t_mmap:.4f} ntrain={ntrain} bg={bg_build:.2f}", flush=True)
        faiss.omp_set_num_threads(1)
        ivf = faiss.extract_index_ivf(index)
        for nprobe in [int(x) for x in (a.nprobe if kind == "Flat" else a.nprobe_sq8).split(",")]:
            ivf.nprobe = nprobe
            wait_quiet(float(os.environ.get("BENCH_WAIT_QUIET", "20")))
            mon = Monitor()
            best = best_cpu = 1e9
            for _ in range(a.reps):
                t, c = time.perf_counter(), time.process_time()
                D, I = index.search(xq, a.k)
                best = min(best, time.perf_counter() - t)
                best_cpu = min(best_cpu, time.process_time() - c)
            print(f"faiss kind=IVF{a.nlist},{kind} nprobe={nprobe} recall={recall(I, gt, a.k):.4f} qps={len(xq) / best:.1f} cpu_qps={len(xq) / best_cpu:.1f} bg={mon.foreign_cores():.2f}", flush=True)
        del index


if __name__ == "__main__":
    main()
