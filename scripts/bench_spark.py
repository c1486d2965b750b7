#!/usr/bin/env python3
"""Driver for scripts/bench-spark: the Spark job's overhead (deploy/spark/build_index.py, issue #16).

On the same N JPEGs (bench_build.make_jpegs: seeded crops of the opencv-doc photos, longer side 640, q90;
the files scripts/bench-build uses), listed in one JSONL manifest:

  spark W   a Spark standalone master and W workers of one core each on loopback (started before the
            clock), then `spark-submit build_index.py --shards 1 --items-per-task K --threads-per-task 1`
            timed from submit to exit (JVM and application start, every stage, the publish);
  vsearch T `vsearch build --input MANIFEST --threads T --quiet --json`, same binary, fresh index.

items/s = N / wall seconds; overhead = 1 - spark(W) / vsearch(T = W). Prints one line per run and a
Markdown table. Runs alternate (spark W, vsearch W) so background load hits both alike; the foreign load
(other processes' cores) is printed per run.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_build as bb  # noqa: E402  (make_jpegs, WORK)
import bench_embedding as be  # noqa: E402  (cpu_busy)

VENV = os.path.join(ROOT, "assets", "spark", "venv")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_log(path, marker, proc, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and marker in open(path, errors="replace").read():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError("%s: no '%s' in %s" % (proc.args[1], marker, path))


class Standalone:
    """A master and `workers` one-core workers on loopback, in scratch folders; stopped by stop()."""

    def __init__(self, workers, scratch):
        self.scratch = scratch
        self.env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_LOCAL_DIRS=os.path.join(scratch, "local"),
                        SPARK_CONF_DIR=os.path.join(scratch, "conf"), PYSPARK_PYTHON=os.path.join(VENV, "bin", "python3"),
                        PYSPARK_DRIVER_PYTHON=os.path.join(VENV, "bin", "python3"))
        self.env.pop("SPARK_HOME", None)
        for d in ("local", "conf"):
            os.makedirs(os.path.join(scratch, d), exist_ok=True)
        self.procs = []
        port = free_port()
        self.url = "spark://127.0.0.1:%d" % port
        cls = os.path.join(VENV, "bin", "spark-class")
        log = os.path.join(scratch, "master.log")
        master = subprocess.Popen([cls, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                                   "--webui-port", str(free_port())], env=self.env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        self.procs.append(master)
        wait_log(log, "ALIVE", master)
        for i in range(workers):
            log = os.path.join(scratch, "worker%d.log" % i)
            work = os.path.join(scratch, "worker%d" % i)
            os.makedirs(work, exist_ok=True)
            worker = subprocess.Popen([cls, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", str(free_port()),
                                       "--webui-port", str(free_port()), "--cores", "1", "--memory", "2g", "--work-dir", work, self.url],
                                      env=self.env, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
            self.procs.append(worker)
            wait_log(log, "Successfully registered with master", worker)

    def stop(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, 9)
            except ProcessLookupError:
                pass
            p.wait()


class OwnCPU:
    """CPU seconds of this script's descendants (the Spark daemons' executors and vsearch children are not
    reaped by us, so rusage misses them): /proc polled every 0.2 s, the last value seen per process summed."""

    def __init__(self):
        import threading
        self.seen = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop.is_set():
            parents = {}
            for name in os.listdir("/proc"):
                if name.isdigit():
                    try:
                        stat = open("/proc/%s/stat" % name).read()
                    except OSError:
                        continue
                    fields = stat[stat.rindex(")") + 2:].split()
                    parents[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
            mine, queue = set(), [os.getpid()]
            while queue:
                pid = queue.pop()
                for child, (parent, _) in parents.items():
                    if parent == pid and child not in mine:
                        mine.add(child)
                        queue.append(child)
            for pid in mine:
                self.seen[pid] = max(self.seen.get(pid, 0.0), parents[pid][1])
            self.stop.wait(0.2)

    def total(self):
        self.stop.set()
        self.thread.join()
        return sum(self.seen.values())


def timed(cmd, env=None, log=None):
    t, b = time.time(), be.cpu_busy()
    own_cpu = OwnCPU()
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=open(log, "w") if log else subprocess.DEVNULL, text=True)
    wall = time.time() - t
    own = own_cpu.total()
    foreign = max(0.0, (be.cpu_busy() - b - own) / wall)
    if done.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (cmd[0], done.returncode, done.stdout[-2000:]))
    return wall, foreign, done.stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--workers", default="1,2")
    p.add_argument("--items-per-task", type=int, default=500)
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args()
    jpegs = bb.make_jpegs(a.n)
    work = os.path.join(bb.WORK, "spark")
    os.makedirs(work, exist_ok=True)
    manifest = os.path.join(work, "manifest-%d.jsonl" % a.n)
    with open(manifest, "w") as f:
        for name in sorted(os.listdir(jpegs)):
            f.write(json.dumps({"source": os.path.join(jpegs, name)}) + "\n")
    binary = os.path.abspath(a.binary)
    models = os.path.join(ROOT, "assets", "models")
    rows = []
    for _ in range(a.repeat):
        for w in [int(x) for x in a.workers.split(",")]:
            scratch = os.path.join(work, "cluster-%d" % w)
            shutil.rmtree(scratch, ignore_errors=True)
            out = os.path.join(work, "out-%d" % w)
            shutil.rmtree(out, ignore_errors=True)
            cluster = Standalone(w, scratch)
            try:
                cmd = [os.path.join(VENV, "bin", "spark-submit"), "--master", cluster.url, "--conf", "spark.driver.host=127.0.0.1",
                       "--conf", "spark.ui.enabled=false", "--conf", "spark.log.level=WARN", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=%d" % w,
                       "--executor-memory", "1g", "--driver-memory", "1g",
                       os.path.join(ROOT, "deploy", "spark", "build_index.py"), "--input", manifest, "--root", bb.WORK, "--output", out,
                       "--shards", "1", "--items-per-task", str(a.items_per_task), "--vsearch", binary, "--models", models]
                wall, foreign, stdout = timed(cmd, env=cluster.env, log=os.path.join(scratch, "driver.log"))
            finally:
                cluster.stop()
            stages = [line for line in stdout.splitlines() if line.startswith("stage ")]
            summary = json.loads([line for line in stdout.splitlines() if line.startswith("summary ")][-1][len("summary "):])
            stage_seconds = summary["stage1"]["seconds"] + summary["stage2"]["seconds"] + summary["stage3"]["seconds"]
            spark_rate = a.n / wall
            print("spark   workers=%d  %.1f s  %.1f items/s  (stages 1-4: %.1f s, %.1f items/s)  foreign %.2f cores"
                  % (w, wall, spark_rate, stage_seconds, a.n / stage_seconds, foreign), flush=True)
            for line in stages:
                print("        " + line)
            index = os.path.join(work, "index-%d" % w)
            shutil.rmtree(index, ignore_errors=True)
            env = dict(os.environ, VSEARCH_MODELS=models)
            wall2, foreign2, _ = timed([binary, "build", "--input", manifest, "--root", bb.WORK, "--index", index, "--threads", str(w), "--quiet", "--json"], env=env)
            build_rate = a.n / wall2
            print("vsearch threads=%d  %.1f s  %.1f items/s  foreign %.2f cores" % (w, wall2, build_rate, foreign2), flush=True)
            rows.append((w, spark_rate, a.n / stage_seconds, build_rate, foreign, foreign2))
    print()
    print("| single-core workers / threads | Spark job (submit to exit) | its stages 1-4 only | vsearch build | job / build | overhead | stages / build | foreign load job / build |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for w, s, st, b, fs, fb in rows:
        print("| %d | %.1f items/s | %.1f items/s | %.1f items/s | %.2f× | %.0f %% | %.2f× | %.2f / %.2f |"
              % (w, s, st, b, s / b, 100 * (1 - s / b), st / b, fs, fb))


if __name__ == "__main__":
    main()
