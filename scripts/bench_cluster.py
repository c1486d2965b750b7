"""Cluster benchmark driver (see scripts/bench-cluster): every process it starts is killed at the end."""
import argparse, json, urllib.parse, os, shutil, signal, socket, statistics, subprocess, threading, time, urllib.request, urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "assets/samples/metadata.jsonl")
TEXTS = ["fruit", "animal", "dog", "sport", "people walking", "painting", "green apple", "monkey face"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    def __init__(self):
        self.all = []

    def start(self, args, marker=None, log=None):
        out = open(log, "w") if log else subprocess.DEVNULL
        p = subprocess.Popen(args, stdout=subprocess.PIPE if marker else out, stderr=out, text=True)
        self.all.append(p)
        if marker:
            for line in p.stdout:
                if marker in line:
                    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
                    return p, line.strip()
            raise RuntimeError(f"{args[:2]} exited before printing {marker!r}")
        return p, None

    def kill_all(self):
        for p in self.all:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()


def get(url, timeout=30):
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, (time.perf_counter() - start) * 1000, body


def wait_ready(url, tries=600):
    for _ in range(tries):
        try:
            if get(url + "/readyz", timeout=2)[0] == 200:
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} never became ready")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def queries(ids, rounds):
    qs = []
    for _ in range(rounds):
        qs += [f"/v1/search?k=10&item={i}" for i in ids]
        qs += [f"/v1/search?k=10&q={urllib.parse.quote(t)}" for t in TEXTS]
    return qs


def measure(base, qs):
    for q in qs[:20]:
        get(base + q)  # warm-up
    lat = {"item": [], "text": []}
    for q in qs:
        status, ms, _ = get(base + q)
        assert status == 200, (q, status)
        lat["item" if "item=" in q else "text"].append(ms)
    return lat


BM25_QUERIES = ["fruit", "animal", "dog", "apple", "green", "people", "sport", "painting", "night", "food",
                "monkey", "building", "orange", "candy", "street", "ball", "face", "nature", "insect", "small"]


def bm25_agreement(router, binary, full):
    """How often the router's BM25-only top 5 (scored with the shards' summed statistics) equals one machine's."""
    same = overlap = swapped = 0
    for q in BM25_QUERIES:
        _, _, body = get(router + f"/v1/search?k=5&semantic_weight=0&q={urllib.parse.quote(q)}")
        routed = [h["id"] for h in json.loads(body)["results"] if "bm25" in h["sources"]]
        out = subprocess.run([binary, "search", "--index", full, "--text", q, "--k", "5", "--semantic-weight", "0", "--json"],
                             check=True, capture_output=True, text=True).stdout
        single = [h["id"] for h in map(json.loads, out.splitlines()) if "bm25" in h["sources"]]
        same += routed == single
        overlap += len(set(routed) & set(single)) / max(1, len(single))
        common = [i for i in single if i in routed]
        swapped += [i for i in routed if i in common] != common
    n = len(BM25_QUERIES)
    return same / n, overlap / n, swapped / n


def main():
    import urllib.parse  # noqa: F401
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    ids = [json.loads(l)["id"] for l in open(MANIFEST)]
    procs = Procs()
    try:
        client, peer = free_port(), free_port()
        etcd = f"http://127.0.0.1:{client}"
        procs.start(["etcd", "--name", "b", "--data-dir", f"{a.work}/etcd", "--listen-client-urls", etcd, "--advertise-client-urls", etcd,
                     "--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                     "--initial-cluster", f"b=http://127.0.0.1:{peer}", "--log-level", "error"])
        time.sleep(1.5)

        def vs(*args):
            subprocess.run([a.bin, *args], check=True, stdout=subprocess.DEVNULL)

        build = ["build", "--input", MANIFEST, "--nlist", "4", "--quiet"]
        vs(*build, "--index", f"{a.work}/full")
        for n in (1, 2, 3, 4):
            for k in range(n):
                vs(*build, "--index", f"{a.work}/s{n}-{k}", "--shard", f"{k}/{n}")
        qs = queries(ids, a.rounds)
        results, idf = {}, {}

        p, line = procs.start([a.bin, "serve", "--index", f"{a.work}/full", "--port", "0"], marker="listening on")
        direct = line.split("listening on ")[1]
        wait_ready(direct)
        results["one machine"] = measure(direct, qs)
        p.send_signal(signal.SIGKILL)
        json.dump(results["one machine"], open(f"{a.work}/shard-latencies.json", "w"))

        for n in (1, 2, 3, 4):
            vs("cluster", "create", "--etcd", etcd, "--cluster", f"b{n}", "--shards", str(n))
            started = []
            for k in range(n):
                started.append(procs.start([a.bin, "serve", "--index", f"{a.work}/s{n}-{k}", "--etcd", etcd, "--cluster", f"b{n}",
                                            "--shard", str(k), "--port", "0"], marker="listening on")[0])
            r, line = procs.start([a.bin, "router", "--etcd", etcd, "--cluster", f"b{n}", "--port", "0"], marker="listening on")
            router = line.split("listening on ")[1]
            wait_ready(router)
            results[f"router, {n} shard(s)"] = measure(router, qs)
            if n > 1:
                idf[n] = bm25_agreement(router, a.bin, f"{a.work}/full")
            for proc in started + [r]:
                proc.send_signal(signal.SIGKILL)

        print(f"queries per row: {len(qs) // (len(ids) + len(TEXTS)) * len(ids)} item + {len(qs) // (len(ids) + len(TEXTS)) * len(TEXTS)} text, sequential")
        print(f"{'setup':<22} {'item p50':>9} {'item p99':>9} {'text p50':>9} {'text p99':>9}  (ms)")
        for name, lat in results.items():
            print(f"{name:<22} {pct(lat['item'], 50):9.2f} {pct(lat['item'], 99):9.2f} {pct(lat['text'], 50):9.2f} {pct(lat['text'], 99):9.2f}")

        for n, (same, overlap, tau) in idf.items():
            print(f"BM25 through the router, {n} shards vs one machine (BM25 only, k=5, {len(BM25_QUERIES)} queries): "
                  f"identical top-5 {same:.0%}, mean top-5 overlap {overlap:.2f}, queries with a swapped pair {tau:.0%}")

        # Failover: 2 shards x 2 replicas, kill -9 one replica in the middle of a stream.
        vs("cluster", "create", "--etcd", etcd, "--cluster", "fo", "--shards", "2")
        replicas = [procs.start([a.bin, "serve", "--index", f"{a.work}/s2-{k}", "--etcd", etcd, "--cluster", "fo", "--shard", str(k),
                                 "--port", "0", "--lease-seconds", "3"], marker="listening on")[0] for k in (0, 1, 0, 1)]
        r, line = procs.start([a.bin, "router", "--etcd", etcd, "--cluster", "fo", "--port", "0"], marker="listening on")
        router = line.split("listening on ")[1]
        wait_ready(router)
        time.sleep(1)
        stream = [f"/v1/search?k=10&item={i}" for i in ids] * 30
        before, after, failed = [], [], 0
        for i, q in enumerate(stream):
            if i == len(stream) // 2:
                replicas[0].send_signal(signal.SIGKILL)
            status, ms, body = get(router + q)
            partial = b'"partial":true' in body
            if status != 200 or partial:
                failed += 1
            (before if i < len(stream) // 2 else after).append(ms)
        slow = [ms for ms in after if ms > pct(before, 99)]
        print(f"failover: {len(stream)} item queries, kill -9 of one replica after {len(before)}: {failed} failed or partial; "
              f"p99 before {pct(before, 99):.2f} ms; after: {len(slow)} queries above that p99, longest {max(after):.2f} ms")
    finally:
        procs.kill_all()


if __name__ == "__main__":
    main()
