#!/usr/bin/env python3
"""Build a VisualSearch index across machines with Apache Spark (issue #16).

Thin glue: every step runs the `vsearch` binary (decoding, embedding and index writing stay there);
Spark only schedules the steps, retries failed tasks (`spark.task.maxFailures`) and shows progress in
its UI. Every path (manifest, media root, output folder, vsearch binary) must be readable and writable
at the same path on every worker: a shared filesystem here (object storage at scale would sit behind
the same seam: a task downloads its slice's media and uploads its sealed segment directory).

    spark-submit --master spark://HOST:7077 deploy/spark/build_index.py \\
        --input manifest.jsonl --root /data --output /shared/build --shards 2 \\
        [--vsearch /opt/vsearch/bin/vsearch] [--items-per-task 2000] [--etcd http://etcd:2379 --cluster NAME]

Stages (one summary line each on stdout):
  1 embed   the manifest cut into tasks of --items-per-task items; each runs `vsearch segment write`
            into OUT/segments/seg-NNNNNN (built in .seg-NNNNNN.partial, published by rename; a rerun
            skips complete segments, a retried task resumes its partial one);
  2 train   one task runs `vsearch segment train`: the coarse centroids, OUT/centroids.fvecs;
  3 merge   one task per shard runs `vsearch segment merge --shard K/N` into OUT/shards/shard-K
            (or --index DIR for a single shard): an ordinary index directory, new version published;
  4 publish only when every shard merged into the same version G: `vsearch cluster publish
            --generation G` when --etcd is given (replicas serving OUT/shards/shard-K must have loaded
            it); without etcd, a single shard's index already serves its new local version.
The job's report, OUT/build-report.json, lists every input that was not indexed and why (the
segments' and the shards' build-report.json files, combined; same fields as `vsearch build`'s).
"""
import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """Runs in the vsearch child before exec: SIGKILL it when the Python worker that started it dies
    (a killed executor must not leave a vsearch holding a segment's lock)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def run_vsearch(binary, arguments, models=None, parse=True):
    """Runs `vsearch ARGUMENTS`; returns its last stdout line parsed as JSON (`parse`; else as text). A
    failure raises with the command and its stderr, so Spark shows why a task failed (and retries it)."""
    env = dict(os.environ)
    if models:
        env["VSEARCH_MODELS"] = models
    done = subprocess.run([binary] + arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          preexec_fn=_die_with_parent, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise RuntimeError("vsearch %s exited with %d: %s" % (" ".join(arguments[:2]), done.returncode, done.stderr.strip()[-2000:]))
    return json.loads(lines[-1]) if parse else lines[-1]


def parse_arguments(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, help="manifest (.jsonl/.csv) in vsearch build's format")
    p.add_argument("--root", help="root folder manifest paths must stay inside (default: the manifest's folder)")
    p.add_argument("--output", required=True, help="shared output folder (segments, centroids, shards, report)")
    p.add_argument("--vsearch", default=os.environ.get("VSEARCH_BIN", "vsearch"), help="the vsearch binary on every worker")
    p.add_argument("--models", help="model folder for the tasks ($VSEARCH_MODELS of the vsearch runs)")
    p.add_argument("--shards", type=int, default=1, help="N: items are placed by xxh64(id) mod N")
    p.add_argument("--items-per-task", type=int, default=2000, help="manifest items per embedding task (segment)")
    p.add_argument("--threads-per-task", type=int, default=1, help="--threads of each vsearch run (match spark.task.cpus)")
    p.add_argument("--batch", type=int, default=32, help="images per forward pass")
    p.add_argument("--precision", default="int8", choices=["int8", "fp32"])
    p.add_argument("--nlist", type=int, help="IVF lists per shard (default about 4*sqrt(vectors per shard))")
    p.add_argument("--encoding", default="auto")
    p.add_argument("--index", help="single shard: merge into this index directory (default OUT/shards/shard-0)")
    p.add_argument("--etcd", help="etcd URL: register the new generation for --cluster")
    p.add_argument("--cluster", help="cluster name in etcd")
    a = p.parse_args(argv)
    if a.shards < 1 or a.items_per_task < 1:
        p.error("--shards and --items-per-task must be at least 1")
    if bool(a.etcd) != bool(a.cluster):
        p.error("--etcd and --cluster go together")
    if a.index and a.shards != 1:
        p.error("--index is for a single shard; N shards go to OUT/shards/shard-K")
    a.input = os.path.abspath(a.input)
    a.root = os.path.abspath(a.root) if a.root else None
    a.output = os.path.abspath(a.output)
    a.index = os.path.abspath(a.index) if a.index else None
    if os.sep in a.vsearch:
        a.vsearch = os.path.abspath(a.vsearch)
    return a


def segment_name(number):
    return "seg-%06d" % number


def shard_directory(a, shard):
    return a.index if a.index else os.path.join(a.output, "shards", "shard-%d" % shard)


def stage_line(stage, text, started):
    print("stage %s: %s (%.1f s)" % (stage, text, time.time() - started), flush=True)


def main(argv):
    a = parse_arguments(argv)
    from pyspark.sql import SparkSession  # imported here so --help works without Spark

    spark = SparkSession.builder.appName("vsearch build_index").getOrCreate()
    sc = spark.sparkContext
    segments = os.path.join(a.output, "segments")
    os.makedirs(segments, exist_ok=True)
    source = ["--input", a.input] + (["--root", a.root] if a.root else [])
    job_start = time.time()

    # Stage 1: embed. Slices are cut by item number; complete segments are skipped (resume).
    started = time.time()
    counts = run_vsearch(a.vsearch, ["segment", "count"] + source, a.models)
    records = counts["records"]
    slices = [(i, start, min(a.items_per_task, records - start))
              for i, start in enumerate(range(0, records, a.items_per_task))]
    todo = [s for s in slices if not os.path.exists(os.path.join(segments, segment_name(s[0]), "SEGMENT"))]
    binary, models, threads, batch, precision = a.vsearch, a.models, a.threads_per_task, a.batch, a.precision

    def embed(task):
        number, start, count = task
        return run_vsearch(binary, ["segment", "write"] + source + [
            "--from", str(start), "--count", str(count), "--output", os.path.join(segments, segment_name(number)),
            "--threads", str(threads), "--batch", str(batch), "--precision", precision], models)

    written = sc.parallelize(todo, max(1, len(todo))).map(embed).collect() if todo else []
    embedded = sum(r["summary"]["indexed"] for r in written)
    resumed = sum(r["summary"]["resumed"] for r in written)
    stage_line("1 embed", "%d segments (%d written by this run, %d complete already), %d items embedded, %d resumed"
               % (len(slices), len(todo), len(slices) - len(todo), embedded, resumed), started)
    summary = {"stage1": {"segments": len(slices), "written": len(todo), "embedded": embedded, "resumed": resumed,
                          "seconds": time.time() - started}}

    # Stage 2: train the shared coarse quantizer once.
    started = time.time()
    shards, nlist, expect = a.shards, a.nlist, len(slices)

    def train(_):
        arguments = ["segment", "train", "--segments", segments, "--expect", str(expect), "--shards", str(shards),
                     "--output", a.output, "--threads", str(threads)]
        return run_vsearch(binary, arguments + (["--nlist", str(nlist)] if nlist else []), models)

    trained = sc.parallelize([0], 1).map(train).collect()[0]
    stage_line("2 train", "%d centroids from %d vectors" % (trained["nlist"], trained["vectors"]), started)
    summary["stage2"] = {"nlist": trained["nlist"], "vectors": trained["vectors"], "seconds": time.time() - started}

    # Stage 3: one task per shard merges its items from every segment.
    started = time.time()
    encoding, output, single_index = a.encoding, a.output, a.index

    def merge(shard):
        index = single_index if single_index else os.path.join(output, "shards", "shard-%d" % shard)
        result = run_vsearch(binary, ["segment", "merge", "--segments", segments, "--expect", str(expect),
                                      "--centroids", output, "--index", index, "--shard", "%d/%d" % (shard, shards),
                                      "--encoding", encoding, "--threads", str(threads)], models)
        result["shard"] = shard
        result["index"] = index
        return result

    merged = sorted(sc.parallelize(range(a.shards), a.shards).map(merge).collect(), key=lambda r: r["shard"])
    versions = sorted({r["version"] for r in merged})
    stage_line("3 merge", "%d shards, %d items (%s), versions %s" % (
        len(merged), sum(r["summary"]["items"] for r in merged),
        ", ".join("shard %d: %d" % (r["shard"], r["summary"]["items"]) for r in merged),
        ",".join(map(str, versions))), started)
    summary["stage3"] = {"shards": [{"shard": r["shard"], "index": r["index"], "version": r["version"],
                                     "items": r["summary"]["items"], "alreadyMerged": r["alreadyMerged"]} for r in merged],
                         "seconds": time.time() - started}

    # The job's report: every segment's and every shard's refusals, in the fields of build-report.json.
    report = {"items": 0, "images": 0, "videos": 0, "frames": 0, "vectors": 0, "duplicates": [], "skipped": [],
              "failures": [], "warnings": [], "shards": a.shards, "segments": len(slices)}
    for number, _, _ in slices:
        with open(os.path.join(segments, segment_name(number), "build-report.json")) as f:
            part = json.load(f)
        for key in ("duplicates", "skipped", "failures", "warnings"):
            report[key] += part.get(key, [])
    for r in merged:
        s = r["summary"]
        for key in ("items", "images", "videos", "frames", "vectors"):
            report[key] += s.get(key, 0)
        for key in ("duplicates", "failures"):
            report[key] += s.get(key, [])

    # Stage 4: publish, only when every shard holds the same new version.
    started = time.time()
    status = 0
    if len(versions) != 1 or versions[0] is None:
        stage_line("4 publish", "NOT published: the shards' versions differ (%s)" % versions, started)
        status = 1
    elif a.etcd:
        try:
            run_vsearch(binary, ["cluster", "publish", "--etcd", a.etcd, "--cluster", a.cluster,
                                 "--generation", str(versions[0])], models, parse=False)
            stage_line("4 publish", "cluster %s serves generation %d" % (a.cluster, versions[0]), started)
        except RuntimeError as error:
            stage_line("4 publish", "NOT published: %s" % error, started)
            status = 1
    else:
        where = ", ".join(r["index"] for r in merged)
        stage_line("4 publish", "version %d of %s (no etcd: each shard's index serves it locally)" % (versions[0], where), started)
    summary["generation"] = versions[0] if len(versions) == 1 else None
    summary["published"] = status == 0
    report["generation"] = summary["generation"]
    report["seconds"] = time.time() - job_start
    report_path = os.path.join(a.output, "build-report.json")
    with open(report_path + ".tmp", "w") as f:
        json.dump(report, f, indent=2, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(report_path + ".tmp", report_path)
    summary["report"] = report_path
    summary["failed"] = len(report["failures"])
    print("summary " + json.dumps(summary, sort_keys=True), flush=True)
    spark.stop()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
