"""The figures of docs/BENCHMARKS.md for forge-reporter (run by scripts/bench-reporter.sh).

Ours: one pool of 3 stand-in pods (real forge-reporter, guard and stand-in node processes against
the project's API emulator) plus a second region of 3 static pods, with one forge-aggregator per
region. Phases, in order:
  1. soak, cluster management off: the pool at rest for SOAK_SECONDS; API requests per minute
     per pod and per resource (every client has its own token, named in the emulator's request
     log), RSS/PSS (smaps_rollup) and CPU (utime+stime) of every process;
  2. crash failover, FAILOVER_RUNS times: SIGKILL of the leading pod's reporter, guard and
     node -> first `enabled` transition of another stand-in; the pod is then started again;
  3. graceful handover, HANDOVER_RUNS times: SIGTERM to the leading reporter -> next `enabled`;
  4. soak, cluster management on (ON_SOAK_SECONDS, default SOAK_SECONDS, 30 s with
     BENCH_QUICK; 0 skips it): the pods restarted with
     ENABLE_CLUSTER_MANAGEMENT=true, the region's aggregator deciding as deployed.
The forging oracle (no two enabled intervals overlap) is checked after phase 3.
Then the Python sidecar on the same harness (sidecar.py) when PREDECESSOR_SRC is set, and the
side-by-side table (compare.py).
"""
import json
import os
import subprocess
import sys
import time
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Emulator, overlaps, wait_for  # noqa: E402
from pods import Pod  # noqa: E402
import compare  # noqa: E402
import phases  # noqa: E402
import sidecar  # noqa: E402

say = phases.say
ROOT, BINS, WORK = os.environ["BENCH_ROOT"], os.environ["BENCH_BINS"], os.environ["BENCH_WORK"]
QUICK = os.environ.get("BENCH_QUICK") == "1"
SOAK = float(os.environ.get("SOAK_SECONDS", 60 if QUICK else 300))
TIMINGS_NAME = os.environ.get("BENCH_TIMINGS", "production")
TIMINGS = {
    "production": {"LEASE_DURATION": "15", "RENEW_DEADLINE": "10", "RETRY_PERIOD": "2",
                   "RENEW_INTERVAL": "5", "SLEEP_INTERVAL": "5", "REPORT_HEARTBEAT": "60"},
    "short": {"LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5",
              "RENEW_INTERVAL": "1", "SLEEP_INTERVAL": "1", "REPORT_HEARTBEAT": "2"},
}[TIMINGS_NAME]
CTX = SimpleNamespace(
    root=ROOT, bins=BINS, work=WORK, namespace="pool", network="mainnet", pool_id="a1b2c3d4" + "ab" * 24,
    timings=TIMINGS, soak=SOAK, on_soak=float(os.environ.get("ON_SOAK_SECONDS", 30 if QUICK else SOAK)),
    failovers=int(os.environ.get("FAILOVER_RUNS", 2 if QUICK else 5)),
    handovers=int(os.environ.get("HANDOVER_RUNS", 2 if QUICK else 5)))


def create_cluster(emulator, region, priority):
    emulator.request("POST", "/apis/cardano.io/v1/namespaces/%s/cardanoforgeclusters" % CTX.namespace, {
        "apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster",
        "metadata": {"name": "%s-%s-%s" % (CTX.network, CTX.pool_id[:8], region)},
        "spec": {"network": {"name": CTX.network}, "pool": {"id": CTX.pool_id}, "region": region, "priority": priority,
                 "podSelector": {"matchLabels": {"app": "producer"}}, "gracePeriod": "150s"}})
    # The CardanoLeader the block-producer chart creates (the aggregator writes only its status).
    emulator.request("POST", "/apis/cardano.io/v1/namespaces/%s/cardanoleaders" % CTX.namespace, {
        "apiVersion": "cardano.io/v1", "kind": "CardanoLeader",
        "metadata": {"name": "cardano-leader-%s-%s" % (CTX.network, CTX.pool_id[:8])}, "spec": {}})


def create_static_pods(emulator, region, count):
    """Pods of the second region: standby reports only (no processes), for its aggregator."""
    for i in range(count):
        name = "producer-%s-%d" % (region, i)
        report = {"schemaVersion": 1, "pod": name, "network": CTX.network, "poolId": CTX.pool_id, "region": region,
                  "sequence": 1, "leadership": {"holder": None, "leaseName": "l", "transitions": 0},
                  "forging": {"enabled": False, "confirmedBy": "sighup-log"},
                  "socket": {"path": "/ipc/node.socket", "healthy": True}, "process": {"pid": 7, "found": True},
                  "credentials": {"state": "absent"}, "phase": "standby"}
        emulator.request("POST", "/api/v1/namespaces/%s/pods" % CTX.namespace, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "producer"},
                "annotations": {"cardano.io/forge-report": json.dumps(report)}},
            "spec": {"containers": [{"name": "node", "image": "cardano-node"}]}})


def start_aggregator(region, own, peer):
    """The region's aggregator, with a token of its own on both API servers."""
    name = "aggregator-" + region
    log = open("%s/%s.log" % (WORK, name), "w")
    return subprocess.Popen(
        [BINS + "/forge-aggregator", "--kubeconfig", own.client_kubeconfig(name, "%s/%s.kubeconfig" % (WORK, name)),
         "--peer-kubeconfig", peer.client_kubeconfig(name, "%s/%s-peer.kubeconfig" % (WORK, name)),
         "--namespace", CTX.namespace, "--region", region, "--pod-name", name,
         "--metrics-port", "0", "--metrics-host", "127.0.0.1", "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT)


def steady_leader(pods, timeout):
    """At rest: exactly one pod forges and every other reports `standby`; returns the leader."""
    def check():
        forging = [p for p in pods if p.forging()]
        if len(forging) != 1:
            return None
        others = [p.report() for p in pods if p is not forging[0]]
        return forging[0] if all(r and r.get("phase") == "standby" for r in others) else None
    return wait_for("one forger and standbys", timeout, check, poll=0.1)


def ours(results):
    emulators, aggregators, pods = {}, {}, []
    try:
        for region in ("eu", "us"):
            emu = Emulator(ROOT, "%s/emulator-%s" % (WORK, region))
            emu.install_crds(ROOT)
            emu.create_namespace(CTX.namespace)
            create_cluster(emu, region, 100 if region == "eu" else 200)
            emulators[region] = emu
        create_static_pods(emulators["us"], "us", 3)
        env = dict(TIMINGS, CARDANO_NETWORK=CTX.network, POOL_ID=CTX.pool_id, CLUSTER_REGION="eu",
                   ENABLE_CLUSTER_MANAGEMENT="false")
        programs = [("reporter", [BINS + "/forge-reporter"]), ("guard", [BINS + "/forge-reporter", "guard"])]
        for i in range(3):
            pods.append(Pod("producer-%d" % i, "cnode-%d-%d" % (i, os.getpid() % 1000), CTX.namespace, emulators["eu"],
                            BINS, WORK + "/pods", env, programs, "reporter"))
        for pod in pods:
            pod.create_object()
            pod.start()
        aggregators["eu"] = start_aggregator("eu", emulators["eu"], emulators["us"])
        aggregators["us"] = start_aggregator("us", emulators["us"], emulators["eu"])
        say("timings %s: %s" % (TIMINGS_NAME, " ".join("%s=%s" % kv for kv in TIMINGS.items())))
        extra = {"aggregator " + region: agg.pid for region, agg in aggregators.items()}
        results["off"] = phases.soak(pods, steady_leader, SOAK, emulators, extra)
        phases.print_soak("forge-reporter, cluster management off", results["off"], "eu", pods)
        results["crashFailover"] = phases.summary(phases.failovers(pods, steady_leader, CTX.failovers))
        handover, disables = phases.handovers(pods, steady_leader, CTX.handovers)
        results["gracefulHandover"] = phases.summary(handover)
        results["handoverOwnDisable"] = phases.summary([d for d in disables if d is not None])
        results["afterFailovers"] = phases.memory_after(pods, steady_leader)
        found = overlaps(pods)
        results["overlaps"] = [str(o) for o in found]
        results["overlapSeconds"] = [round((min(a[3], b[3]) - b[2]) / 1e9, 2) for a, b in found]
        lease = int(TIMINGS["LEASE_DURATION"]) + float(TIMINGS["RETRY_PERIOD"]) + 1
        for key, what, budget in (("crashFailover", "crash failover (SIGKILL leader pod -> another forges)",
                                   "leaseDuration+retryPeriod+1 = %.0f s" % lease),
                                  ("gracefulHandover", "graceful handover (SIGTERM leader reporter -> another forges)", "2 s")):
            if results[key]:
                say(("%s, s: median %%(median).2f min %%(min).2f max %%(max).2f (%%(runs)d runs); budget %s"
                     % (what, budget)) % results[key])
        say("forging intervals overlapping: %s" % ("none" if not found else found))
        if CTX.on_soak > 0:
            for pod in pods:
                pod.stop()
            for pod in pods:
                pod.start({"ENABLE_CLUSTER_MANAGEMENT": "true"})
            results["on"] = phases.soak(pods, steady_leader, CTX.on_soak, emulators, extra)
            phases.print_soak("forge-reporter, cluster management on (with the region's aggregator)",
                              results["on"], "eu", pods)
        return not found
    finally:
        for pod in pods:
            pod.stop()
        for agg in aggregators.values():
            agg.terminate()
            agg.wait(10)
        for emu in emulators.values():
            emu.stop()


def main():
    results = {"timings": TIMINGS_NAME, "settings": TIMINGS, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "ours": {}}
    wanted = sidecar.settings()  # checked before the long run, so a bad PREDECESSOR_SRC fails at once
    ok = ours(results["ours"])
    if wanted:
        results["sidecar"] = sidecar.run(CTX, *wanted, create_cluster)
    else:
        say("")
        say(sidecar.SKIP_NOTE)
    results["table"] = compare.print_table(say, results["ours"], results.get("sidecar"))
    with open(WORK + "/side-by-side.md", "w") as f:
        f.write(compare.markdown(results["table"]))
    with open(WORK + "/results.json", "w") as f:
        json.dump(results, f, indent=2)
    if os.environ.get("KEEP_WORK") == "1":
        say("results: %s/results.json, the table as Markdown: %s/side-by-side.md" % (WORK, WORK))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
