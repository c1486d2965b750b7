"""Soak writers (scripts/soak): an HTTP writer (adds, and every 4th write a delete of an earlier add) and a CLI
writer (`vsearch add` of a one-line manifest every 5 s). Every outcome is appended to WORK/writes.jsonl as
{"t", "via", "op", "id", "status"}; status is the HTTP status, the CLI exit status, or an error name."""
import argparse, http.client, json, os, random, struct, subprocess, threading, time, zlib

parser = argparse.ArgumentParser()
for name in ("--url", "--bin", "--index", "--work"): parser.add_argument(name, required=True)
parser.add_argument("--seconds", type=float, required=True)
args = parser.parse_args()
token = os.environ["VSEARCH_API_TOKEN"]
host, port = args.url.split("//")[1].split(":")
lock = threading.Lock()
log = open(os.path.join(args.work, "writes.jsonl"), "a")


def record(via, op, item, status):
    with lock:
        log.write(json.dumps({"t": time.time(), "via": via, "op": op, "id": item, "status": status}) + "\n")
        log.flush()


def png(seed):
    """A distinct 64×64 RGB PNG: smooth colour fields from `seed` (noise would all look alike to the CNN)."""
    rng = random.Random(seed)
    a, b, c = (rng.randrange(256) for _ in range(3))
    fx, fy = rng.uniform(1, 8), rng.uniform(1, 8)
    rows = b"".join(b"\x00" + bytes(((a + int(x * fx)) % 256, (b + int(y * fy)) % 256, (c + x * y // 16) % 256)[i]
                                      for x in range(64) for i in range(3)) for y in range(64))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def request(method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def http_writer():
    n, added = 0, []
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        n += 1
        if n % 4 == 0 and added:
            item = added.pop(random.Random(n).randrange(len(added)))
            op, path, body, headers = "delete", f"/v1/items/{item}", None, {"Authorization": f"Bearer {token}"}
        else:
            item = f"soak-http-{n}"
            boundary = "soakboundary0123456789"
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{item}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nsoak item {n}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
                    f"Content-Type: image/png\r\n\r\n").encode() + png(n) + f"\r\n--{boundary}--\r\n".encode()
            op, path, headers = "add", "/v1/items", {"Authorization": f"Bearer {token}",
                                                     "Content-Type": f"multipart/form-data; boundary={boundary}"}
        try:
            status = request("DELETE" if op == "delete" else "POST", path, body, headers)
        except Exception as error:  # connection refused while the server restarts, reset at the kill
            status = type(error).__name__
        record("http", op, item, status)
        if op == "add" and status == 201:
            added.append(item)
        elif op == "delete" and status not in (200, 204, 404):
            added.append(item)  # not acknowledged: may still be there; do not count it deleted
        time.sleep(0.2)


def cli_writer():
    n = 0
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        n += 1
        item = f"soak-cli-{n}"
        image = os.path.join(args.work, f"cli-{n}.png")
        with open(image, "wb") as f:
            f.write(png(1_000_000 + n))
        manifest = os.path.join(args.work, f"cli-{n}.jsonl")
        with open(manifest, "w") as f:
            f.write(json.dumps({"path": image, "id": item, "title": f"cli soak item {n}"}) + "\n")
        done = subprocess.run([args.bin, "add", "--index", args.index, "--threads", "1", "--root", args.work, manifest],
                              capture_output=True, text=True)
        record("cli", "add", item, done.returncode)
        if done.returncode != 0:
            record("cli", "stderr", item, done.stderr.strip()[:300])
        time.sleep(5)


threads = [threading.Thread(target=http_writer), threading.Thread(target=cli_writer)]
for t in threads: t.start()
for t in threads: t.join()
