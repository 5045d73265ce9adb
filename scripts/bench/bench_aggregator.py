"""forge-aggregator at scale, run by scripts/bench-aggregator.sh (not a timed test).

For each scenario (pools x pods per pool): a fresh API emulator, one region's
CardanoForgeClusters and pods with forge reports, one aggregator with DEFAULT flags (only the
connection, namespace, region and identity are given). Prints the load time, the change ->
status latency percentiles, the aggregator's API writes per minute at steady state by kind
(from the emulator's request log) and its memory (RSS, anon, file-backed, PSS, peak).

Environment: BENCH_BIN (the forge-aggregator binary), BENCH_ROOT, BENCH_WORK,
BENCH_SCENARIOS ("1000x3,1000x10"), SAMPLES (100), WARMUP_SECONDS (20), STEADY_SECONDS (60).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import CLK_TCK, Emulator, cpu_ticks, memory_kib, wait_for  # noqa: E402

NS = "bench"
# No reporters run, so no report changes by itself: a grace period longer than the run keeps
# every report fresh, as live reporters would. With 90 s every pod went stale during the
# steady window, and each pool's status was written once for that (1000 writes, not steady).
GRACE = "1h"
CFCS = "/apis/cardano.io/v1/namespaces/%s/cardanoforgeclusters" % NS
PODS = "/api/v1/namespaces/%s/pods" % NS


def pool_id(p):
    return "%08x" % (p + 1) + "ab" * 24  # distinct 8-char prefixes: distinct lease/CardanoLeader names


def report(pool, p, i, sequence=1, phase=None):
    return {"schemaVersion": 1, "pod": "p%d-bp-%d" % (p, i), "network": "mainnet", "poolId": pool, "region": "eu",
            "sequence": sequence, "leadership": {"holder": "p%d-bp-0" % p, "leaseName": "l", "transitions": 1},
            "forging": {"enabled": i == 0, "confirmedBy": "sighup-log"}, "socket": {"path": "/s", "healthy": True},
            "process": {"pid": 1, "found": True}, "credentials": {"state": "present" if i == 0 else "absent"},
            "phase": phase or ("forging" if i == 0 else "standby")}


def load(emu, pools, per):
    start = time.monotonic()
    for p in range(pools):
        pool = pool_id(p)
        emu.request("POST", CFCS, {
            "apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster", "metadata": {"name": "mainnet-p%d-eu" % p},
            "spec": {"network": {"name": "mainnet"}, "pool": {"id": pool}, "region": "eu", "priority": 100,
                     "podSelector": {"matchLabels": {"pool": "p%d" % p}}, "gracePeriod": GRACE}})
        for i in range(per):
            # A pod as a StatefulSet makes it: containers, status and managed fields make up
            # most of its bytes, which a metadata-only watch does not transfer.
            emu.request("POST", PODS, {
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p%d-bp-%d" % (p, i), "labels": {"pool": "p%d" % p, "app": "block-producer"},
                             "annotations": {"cardano.io/forge-report": json.dumps(report(pool, p, i))}},
                "spec": {"nodeName": "node-%d" % (p % 50), "containers": [
                    {"name": "cardano-node", "image": "ghcr.io/intersectmbo/cardano-node:10.1.4",
                     "args": ["run", "--config", "/config/config.json", "--topology", "/config/topology.json",
                              "--database-path", "/data/db", "--socket-path", "/ipc/node.socket"],
                     "resources": {"requests": {"cpu": "2", "memory": "24Gi"}},
                     "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "ipc", "mountPath": "/ipc"}]},
                    {"name": "forge-reporter", "image": "cardano-forge-manager:latest",
                     "resources": {"requests": {"cpu": "10m", "memory": "48Mi"}}}]}})
    return time.monotonic() - start


def start_aggregator(binary, emu, work):
    # DEFAULT flags: nothing that changes rates, intervals or the QPS budget.
    log = open(work + "/aggregator.log", "w")
    return subprocess.Popen([binary, "--kubeconfig", emu.kubeconfig, "--namespace", NS, "--region", "eu",
                             "--pod-name", "bench-agg", "--metrics-port", "0", "--metrics-host", "127.0.0.1",
                             "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT)


def statuses(emu):
    return {c["metadata"]["name"]: c.get("status") or {} for c in emu.request("GET", CFCS)["items"]}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def change_latencies(emu, pools, samples, give_up=30.0):
    """Sequential report changes, each on another pool; the time until the pool's status shows
    it. A change not shown within `give_up` seconds counts as a miss (and as `give_up` in the
    percentiles), so a slow aggregator is measured rather than ending the run."""
    latencies, misses = [], 0
    for n in range(samples):
        p = (n * 7919) % pools
        name = "p%d-bp-1" % p
        pod = emu.request("GET", PODS + "/" + name)
        rep = json.loads(pod["metadata"]["annotations"]["cardano.io/forge-report"])
        rep["sequence"] += 1
        rep["phase"] = "fenced" if rep["phase"] != "fenced" else "standby"
        start = time.monotonic()
        emu.request("PATCH", PODS + "/" + name, {"metadata": {"annotations": {"cardano.io/forge-report": json.dumps(rep)}}},
                    "application/merge-patch+json")

        def shown():
            status = emu.request("GET", CFCS + "/mainnet-p%d-eu" % p).get("status") or {}
            return any(x.get("podName") == name and x.get("phase") == rep["phase"] for x in status.get("reportingPods") or [])
        try:
            wait_for("change %d in the status of pool %d" % (n, p), give_up, shown, poll=0.01)
            latencies.append(time.monotonic() - start)
        except RuntimeError:
            misses += 1
            latencies.append(give_up)
    return latencies, misses


def memory_line(pid):
    mem = memory_kib(pid)
    return ("RSS %.1f MiB (anon %.1f, file-backed %.1f), PSS %.1f MiB, peak RSS %.1f MiB"
            % (mem["rss"] / 1024, mem["anon"] / 1024, (mem["rss"] - mem["anon"]) / 1024, mem["pss"] / 1024,
               mem["hwm"] / 1024))


def kind_of(path):
    for marker, kind in (("/leases/", "Lease"), ("/cardanoleaders/", "CardanoLeader"),
                         ("/cardanoforgeclusters/", "CardanoForgeCluster status"), ("/events", "Event")):
        if marker in path:
            return kind
    return path


def steady_traffic(emu, seconds, pid):
    seq = emu.last_seq()
    ticks = cpu_ticks(pid)
    time.sleep(seconds)
    millicores = (cpu_ticks(pid) - ticks) * 1000.0 / CLK_TCK / seconds
    writes, reads = {}, 0
    for r in emu.requests_since(seq):
        if not (r.get("userAgent") or "").startswith("forge-aggregator"):
            continue
        if r["method"] in ("PATCH", "PUT", "POST", "DELETE"):
            kind = kind_of(r["path"])
            writes[kind] = writes.get(kind, 0) + 1
        elif r["method"] == "GET" and "watch=" not in (r.get("query") or ""):
            reads += 1
    per_minute = 60.0 / seconds
    return {k: v * per_minute for k, v in sorted(writes.items())}, reads * per_minute, millicores


def scenario(root, work, binary, pools, per, samples, warmup, steady):
    name = "%d pools x %d pods" % (pools, per)
    print("\n== %s (%d pods), default flags" % (name, pools * per), flush=True)
    directory = "%s/%dx%d" % (work, pools, per)
    emu = Emulator(root, directory + "/emu")
    aggregator = None
    try:
        emu.install_crds(root)
        emu.create_namespace(NS)
        print("load: %d CardanoForgeClusters and %d pods created in %.0f s" % (pools, pools * per, load(emu, pools, per)))
        started = time.monotonic()
        aggregator = start_aggregator(binary, emu, directory)
        wait_for("every pool's first status", 900,
                 lambda: sum(1 for s in statuses(emu).values() if s.get("totalPods") == per) == pools, poll=1)
        print("first status of all %d pools within %.1f s of the aggregator's start" % (pools, time.monotonic() - started))
        print("aggregator memory after the first status: " + memory_line(aggregator.pid))
        time.sleep(warmup)
        latencies, misses = change_latencies(emu, pools, samples)
        ms = lambda q: percentile(latencies, q) * 1000  # noqa: E731
        print("change -> status: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples, incl. ~10 ms polling%s)"
              % (ms(0.5), ms(0.9), ms(0.99), max(latencies) * 1000, len(latencies),
                 "; %d not shown within 30 s, counted as 30 s" % misses if misses else ""))
        writes, reads, millicores = steady_traffic(emu, steady, aggregator.pid)
        print("API writes at steady state (%d s): %.0f per minute %s; non-watch reads %.0f per minute; aggregator CPU %.0f millicores"
              % (steady, sum(writes.values()), {k: round(v) for k, v in writes.items()}, reads, millicores))
        if aggregator.poll() is not None:
            raise RuntimeError("the aggregator exited (%s); see %s/aggregator.log" % (aggregator.returncode, directory))
        print("aggregator memory at the end: " + memory_line(aggregator.pid))
    finally:
        if aggregator is not None and aggregator.poll() is None:
            aggregator.terminate()
            try:
                aggregator.wait(10)
            except subprocess.TimeoutExpired:
                aggregator.kill()
        emu.stop()


def main():
    root, work, binary = os.environ["BENCH_ROOT"], os.environ["BENCH_WORK"], os.environ["BENCH_BIN"]
    samples = int(os.environ.get("SAMPLES", "100"))
    warmup = float(os.environ.get("WARMUP_SECONDS", "20"))
    steady = float(os.environ.get("STEADY_SECONDS", "60"))
    for entry in os.environ.get("BENCH_SCENARIOS", "1000x3,1000x10").split(","):
        pools, per = (int(x) for x in entry.strip().split("x"))
        scenario(root, work, binary, pools, per, samples, warmup, steady)


if __name__ == "__main__":
    main()
