"""Checks the soak's acknowledged writes against the index (scripts/soak): every acknowledged add is
present unless an acknowledged delete followed it; every acknowledged delete is gone. Prints the outcome
counts per writer and operation, which failures fell inside the kill window, and exits 1 on any loss."""
import argparse, collections, http.client, json, os, sys

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True); parser.add_argument("--work", required=True)
parser.add_argument("--kill", type=float, required=True); parser.add_argument("--restart", type=float, required=True)
args = parser.parse_args()
host, port = args.url.split("//")[1].split(":")
writes = [json.loads(line) for line in open(os.path.join(args.work, "writes.jsonl"))]

counts = collections.Counter((w["via"], w["op"], str(w["status"])) for w in writes if w["op"] != "stderr")
print("writes (via, op, status): " + ", ".join(f"{k[0]} {k[1]} {k[2]}: {v}" for k, v in sorted(counts.items())))
ok = {("http", "add"): {201}, ("http", "delete"): {200, 204}, ("cli", "add"): {0}}
failures = [w for w in writes if w["op"] != "stderr" and w["status"] not in ok[(w["via"], w["op"])]
            and not (w["op"] == "delete" and w["status"] == 404)]
in_window = [w for w in failures if args.kill - 1 <= w["t"] <= args.restart + 10]
print(f"failed writes: {len(failures)} ({len(in_window)} within the kill window, kill-1 s … restart+10 s)")
for w in failures[:10]:
    print("  ", w, "in window" if w in in_window else "OUTSIDE the kill window")
for w in [w for w in writes if w["op"] == "stderr"][:5]:
    print("   cli stderr:", w["id"], w["status"])

expected = {}
for w in writes:
    if w["op"] == "add" and w["status"] in (201, 0):
        expected[w["id"]] = True
    elif w["op"] == "delete" and w["status"] in (200, 204):
        expected[w["id"]] = False


def status(item):
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", f"/v1/items/{item}")
    response = connection.getresponse(); response.read(); connection.close()
    return response.status


lost = [i for i, present in expected.items() if present and status(i) != 200]
resurrected = [i for i, present in expected.items() if not present and status(i) != 404]
print(f"acknowledged adds present: {sum(1 for p in expected.values() if p) - len(lost)}/{sum(1 for p in expected.values() if p)}; "
      f"acknowledged deletes gone: {sum(1 for p in expected.values() if not p) - len(resurrected)}/{sum(1 for p in expected.values() if not p)}")
if lost: print("LOST:", lost[:20])
if resurrected: print("DELETED BUT PRESENT:", resurrected[:20])
outside = len(failures) - len(in_window)
sys.exit(1 if lost or resurrected or outside else 0)
