"""The figures of docs/BENCHMARKS.md for forge-reporter (run by scripts/bench-reporter.sh).

Phases, in order, on one pool of 3 stand-in pods (real forge-reporter, guard and stand-in node
processes against the project's API emulator) plus a second region of 3 static pods, with one
forge-aggregator per region:
  1. soak: the steady pool is left alone for SOAK_SECONDS; then API requests per minute per
     pod (emulator request log), RSS/PSS (smaps_rollup) and CPU (utime+stime) of every process;
  2. crash failover, FAILOVER_RUNS times: SIGKILL of the leading pod's reporter, guard and
     node -> first `enabled` transition of another stand-in; the pod is then started again;
  3. graceful handover, HANDOVER_RUNS times: SIGTERM to the leading reporter -> next `enabled`.
The forging oracle (no two enabled intervals overlap) is checked at the end.
"""
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (CLK_TCK, Emulator, Pod, cpu_ticks, memory_kib, now_ns, overlaps,  # noqa: E402
                      wait_for)

ROOT, BINS, WORK = os.environ["BENCH_ROOT"], os.environ["BENCH_BINS"], os.environ["BENCH_WORK"]
QUICK = os.environ.get("BENCH_QUICK") == "1"
SOAK = float(os.environ.get("SOAK_SECONDS", 60 if QUICK else 300))
FAILOVERS = int(os.environ.get("FAILOVER_RUNS", 2 if QUICK else 5))
HANDOVERS = int(os.environ.get("HANDOVER_RUNS", 2 if QUICK else 5))
TIMINGS_NAME = os.environ.get("BENCH_TIMINGS", "production")
TIMINGS = {
    "production": {"LEASE_DURATION": "15", "RENEW_DEADLINE": "10", "RETRY_PERIOD": "2",
                   "SLEEP_INTERVAL": "5", "REPORT_HEARTBEAT": "30"},
    "short": {"LEASE_DURATION": "4", "RENEW_DEADLINE": "2", "RETRY_PERIOD": "0.5",
              "SLEEP_INTERVAL": "1", "REPORT_HEARTBEAT": "2"},
}[TIMINGS_NAME]
NAMESPACE, NETWORK, POOL_ID = "pool", "mainnet", "a1b2c3d4" + "ab" * 24
REPORTER_UA = "cardano-forge-manager"  # the reporter's User-Agent (KubeClientOptions default)


def say(text):
    print(text, flush=True)


def create_cluster(emulator, region, priority):
    emulator.request("POST", "/apis/cardano.io/v1/namespaces/%s/cardanoforgeclusters" % NAMESPACE, {
        "apiVersion": "cardano.io/v1", "kind": "CardanoForgeCluster",
        "metadata": {"name": "%s-%s-%s" % (NETWORK, POOL_ID[:8], region)},
        "spec": {"network": {"name": NETWORK}, "pool": {"id": POOL_ID}, "region": region, "priority": priority,
                 "podSelector": {"matchLabels": {"app": "producer"}}, "gracePeriod": "90s"}})
    # The CardanoLeader the block-producer chart creates (the aggregator writes only its status).
    emulator.request("POST", "/apis/cardano.io/v1/namespaces/%s/cardanoleaders" % NAMESPACE, {
        "apiVersion": "cardano.io/v1", "kind": "CardanoLeader",
        "metadata": {"name": "cardano-leader-%s-%s" % (NETWORK, POOL_ID[:8])}, "spec": {}})


def create_static_pods(emulator, region, count):
    """Pods of the second region: standby reports only (no processes), for its aggregator."""
    for i in range(count):
        name = "producer-%s-%d" % (region, i)
        report = {"schemaVersion": 1, "pod": name, "network": NETWORK, "poolId": POOL_ID, "region": region,
                  "sequence": 1, "leadership": {"holder": None, "leaseName": "l", "transitions": 0},
                  "forging": {"enabled": False, "confirmedBy": "sighup-log"},
                  "socket": {"path": "/ipc/node.socket", "healthy": True}, "process": {"pid": 7, "found": True},
                  "credentials": {"state": "absent"}, "phase": "standby"}
        emulator.request("POST", "/api/v1/namespaces/%s/pods" % NAMESPACE, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "producer"},
                "annotations": {"cardano.io/forge-report": json.dumps(report)}},
            "spec": {"containers": [{"name": "node", "image": "cardano-node"}]}})


def start_aggregator(region, own, peer):
    log = open("%s/aggregator-%s.log" % (WORK, region), "w")
    return subprocess.Popen(
        [BINS + "/forge-aggregator", "--kubeconfig", own.kubeconfig, "--peer-kubeconfig", peer.kubeconfig,
         "--namespace", NAMESPACE, "--region", region, "--pod-name", "aggregator-" + region,
         "--metrics-port", "0", "--metrics-host", "127.0.0.1", "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT)


def steady_leader(pods, timeout=120):
    """Waits until exactly one pod forges and every other reports `standby`; returns the leader."""
    def check():
        forging = [p for p in pods if p.forging()]
        if len(forging) != 1:
            return None
        others = [p.report() for p in pods if p is not forging[0]]
        return forging[0] if all(r and r.get("phase") == "standby" for r in others) else None
    return wait_for("one forger and standbys", timeout, check, poll=0.1)


def first_enabled_after(pods, t0, timeout=90):
    """(pod, time) of the first `enabled` transition after t0 among `pods`."""
    def check():
        hits = [(t, p) for p in pods for (t, _, enabled) in p.transitions() if enabled and t > t0]
        return min(hits, key=lambda h: h[0]) if hits else None
    t, pod = wait_for("another stand-in to enable forging", timeout, check)
    return pod, t


def soak(pods, emulators, aggregators):
    leader = steady_leader(pods)
    say("steady: %s forges; soaking %.0f s undisturbed" % (leader.name, SOAK))
    processes = {}
    for p in pods:
        processes["reporter " + p.name] = p.reporter.pid
        processes["guard " + p.name] = p.guard.pid
    for region, agg in aggregators.items():
        processes["aggregator " + region] = agg.pid
    seqs = {region: emu.last_seq() for region, emu in emulators.items()}
    ticks = {name: cpu_ticks(pid) for name, pid in processes.items()}
    started = time.monotonic()
    time.sleep(SOAK)
    elapsed = time.monotonic() - started
    if steady_leader(pods, timeout=5) is not leader:
        raise RuntimeError("the leader changed during the soak")
    result = {"seconds": round(elapsed, 1), "leader": leader.name, "processes": {}}
    for name, pid in processes.items():
        cpu = (cpu_ticks(pid) - ticks[name]) / CLK_TCK
        mem = memory_kib(pid)
        result["processes"][name] = {"rssMiB": round(mem["rss"] / 1024, 1), "peakRssMiB": round(mem["hwm"] / 1024, 1),
                                     "anonMiB": round(mem["anon"] / 1024, 1),
                                     "pssMiB": round(mem["pss"] / 1024, 1),
                                     "cpuSeconds": round(cpu, 2), "millicores": round(cpu / elapsed * 1000, 2)}
    result["requests"] = {region: classify(emu.requests_since(seqs[region]), elapsed)
                          for region, emu in emulators.items()}
    result["perPod"] = per_pod(result["requests"]["eu"], pods, leader)
    return result


def per_pod(counts, pods, leader):
    """Requests per minute of each reporter. The Lease has one path for every pod, so the log
    cannot name the sender; but the holder renews with a PUT straight from the record it last
    wrote (LeaderElector.attempt) and only standbys GET it, so the GETs are split among them."""
    standbys = [p for p in pods if p is not leader]
    out = {}
    for p in pods:
        own = sum(v for k, v in counts.items() if k.startswith("reporter pod %s " % p.name))
        if p is leader:
            lease = counts.get("reporters lease PUT", 0.0)
        else:
            lease = counts.get("reporters lease GET", 0.0) / len(standbys)
        out[p.name] = {"role": "leader" if p is leader else "standby", "podObject": own,
                       "lease": round(lease, 1), "total": round(own + lease, 1)}
    return out


def classify(log, seconds):
    """Requests per minute by client and target: the reporters' per pod (pod object), the shared
    Lease (by verb: PUTs are the holder's renewals, GETs come from every pod), the aggregators'."""
    counts = {}
    for r in log:
        ua = r.get("userAgent") or ""
        path = r["path"]
        if ua == REPORTER_UA:
            if "/leases/" in path:
                key = "reporters lease %s" % r["method"]
            elif "/pods/" in path:
                key = "reporter pod %s %s" % (path.rsplit("/", 1)[1], r["method"])
            else:
                key = "reporters other %s %s" % (r["method"], path)
        elif ua.startswith("forge-aggregator"):
            watch = "watch " if "watch=" in (r.get("query") or "") else ""
            key = "aggregator %s %s%s" % (r["method"], watch, resource_of(path))
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
    return {k: round(v * 60.0 / seconds, 1) for k, v in sorted(counts.items())}


def resource_of(path):
    """The resource a request is about: `lease`, or the plural after the namespace (or the
    last path segment of a cluster-wide request), e.g. `cardanoforgeclusters`."""
    if "/leases/" in path:
        return "lease"
    parts = path.strip("/").split("/")
    if "namespaces" in parts and parts.index("namespaces") + 2 < len(parts):
        return parts[parts.index("namespaces") + 2]
    return parts[-1]


def failovers(pods):
    figures = []
    for run in range(FAILOVERS):
        leader = steady_leader(pods)
        t0 = leader.crash()
        successor, t = first_enabled_after([p for p in pods if p is not leader], t0)
        figures.append((t - t0) / 1e9)
        say("crash failover %d: %s SIGKILLed -> %s forging after %.2f s" % (run + 1, leader.name, successor.name, figures[-1]))
        leader.start()  # the StatefulSet recreates the pod
    return figures


def handovers(pods):
    figures, disables = [], []
    for run in range(HANDOVERS):
        leader = steady_leader(pods)
        node_pid = leader.node.pid
        t0 = leader.terminate_reporter()
        successor, t = first_enabled_after([p for p in pods if p is not leader], t0)
        code = leader.reporter.wait(30)
        off = [tt for (tt, pid, enabled) in leader.transitions() if pid == node_pid and not enabled and tt > t0]
        figures.append((t - t0) / 1e9)
        disables.append((off[0] - t0) / 1e9 if off else None)
        say("graceful handover %d: %s SIGTERM -> own node disabled after %s, %s forging after %.2f s (reporter exit %d)"
            % (run + 1, leader.name, "%.2f s" % disables[-1] if off else "never", successor.name, figures[-1], code))
        leader.stop()   # the rest of the pod goes (a rolling update), then comes back
        leader.start()
    return figures, disables


def memory_after(pods):
    """RSS and peak RSS of the processes alive after the failover and handover phases (once
    the last restarted pod is a standby again): the pods that took over leadership since they
    started."""
    steady_leader(pods)
    out = {}
    say("memory after the failovers and handovers:")
    for p in pods:
        for label, process in (("reporter", p.reporter), ("guard", p.guard)):
            mem = memory_kib(process.pid)
            out["%s %s" % (label, p.name)] = {"rssMiB": round(mem["rss"] / 1024, 1), "peakRssMiB": round(mem["hwm"] / 1024, 1)}
            say("  %-28s RSS %5.1f MiB, peak %5.1f MiB" % ("%s %s" % (label, p.name), mem["rss"] / 1024, mem["hwm"] / 1024))
    return out


def summary(values):
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "runs": len(values), "all": [round(v, 2) for v in values]}


def main():
    emulators, aggregators, pods = {}, {}, []
    try:
        for region in ("eu", "us"):
            emu = Emulator(ROOT, "%s/emulator-%s" % (WORK, region))
            emu.install_crds(ROOT)
            emu.create_namespace(NAMESPACE)
            create_cluster(emu, region, 100 if region == "eu" else 200)
            emulators[region] = emu
        create_static_pods(emulators["us"], "us", 3)
        env = dict(TIMINGS, CARDANO_NETWORK=NETWORK, POOL_ID=POOL_ID, CLUSTER_REGION="eu",
                   ENABLE_CLUSTER_MANAGEMENT="false")
        for i in range(3):
            pods.append(Pod("producer-%d" % i, i, NAMESPACE, emulators["eu"], BINS, WORK + "/pods", env))
        for pod in pods:
            pod.create_object()
            pod.start()
        aggregators["eu"] = start_aggregator("eu", emulators["eu"], emulators["us"])
        aggregators["us"] = start_aggregator("us", emulators["us"], emulators["eu"])
        say("timings %s: %s" % (TIMINGS_NAME, " ".join("%s=%s" % kv for kv in TIMINGS.items())))
        results = {"timings": TIMINGS_NAME, "settings": TIMINGS, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        results["soak"] = soak(pods, emulators, aggregators)
        print_soak(results["soak"])
        results["crashFailover"] = summary(failovers(pods))
        handover, disables = handovers(pods)
        results["gracefulHandover"] = summary(handover)
        results["handoverOwnDisable"] = summary([d for d in disables if d is not None]) if any(disables) else None
        results["afterFailovers"] = memory_after(pods)
        found = overlaps(pods)
        results["overlaps"] = [str(o) for o in found]
        lease = float(TIMINGS["LEASE_DURATION"]) + float(TIMINGS["RETRY_PERIOD"]) + 1
        say("")
        say("crash failover (SIGKILL leader pod -> another forges), s: median %(median).2f min %(min).2f max %(max).2f (%(runs)d runs)"
            % results["crashFailover"] + "; budget leaseDuration+retryPeriod+1 = %.0f s" % lease)
        say("graceful handover (SIGTERM leader reporter -> another forges), s: median %(median).2f min %(min).2f max %(max).2f (%(runs)d runs); budget 2 s"
            % results["gracefulHandover"])
        say("forging intervals overlapping: %s" % ("none" if not found else found))
        with open(WORK + "/results.json", "w") as f:
            json.dump(results, f, indent=2)
        if os.environ.get("KEEP_WORK") == "1":
            say("results: %s/results.json" % WORK)
        return 1 if found else 0
    finally:
        for pod in pods:
            pod.stop()
        for agg in aggregators.values():
            agg.terminate()
            agg.wait(10)
        for emu in emulators.values():
            emu.stop()


def print_soak(soak_result):
    say("after %.0f s steady (leader %s):" % (soak_result["seconds"], soak_result["leader"]))
    say("  %-28s %9s %9s %9s %9s %11s" % ("process", "RSS MiB", "peak MiB", "anon MiB", "PSS MiB", "CPU m"))
    for name, p in soak_result["processes"].items():
        say("  %-28s %9.1f %9.1f %9.1f %9.1f %11.2f" % (name, p["rssMiB"], p["peakRssMiB"], p["anonMiB"], p["pssMiB"],
                                                       p["millicores"]))
    for region, counts in soak_result["requests"].items():
        say("  API requests per minute, region %s emulator:" % region)
        for key, per_minute in counts.items():
            say("    %-52s %7.1f" % (key, per_minute))
    say("  API requests per minute per reporter (lease GETs split among the standbys):")
    for name, p in soak_result["perPod"].items():
        say("    %-12s %-8s pod object %5.1f + lease %5.1f = %5.1f" % (name, p["role"], p["podObject"], p["lease"], p["total"]))


if __name__ == "__main__":
    sys.exit(main())
