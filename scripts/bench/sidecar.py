"""The Python sidecar forge-reporter replaces (mochipool/cardano-forge-manager,
src/forgemanager.py), measured on the same harness when PREDECESSOR_SRC points at a checkout.

Nothing of it is in this repository: the benchmark runs `PREDECESSOR_PYTHON
$PREDECESSOR_SRC/src/forgemanager.py` (an interpreter with its requirements.txt installed) as
each pod's one forge-manager process, unmodified, against a fresh API emulator with the
project's CRDs, configured through its own environment variables with the same production
timings: LEASE_DURATION (15 s) and SLEEP_INTERVAL (5 s; it has no retry period or renew
deadline). Its nodes start as its chart starts them by default (cardanoNode.startAsNonProducing
false: the keys are copied before the node starts, so the node forges from its start until the
sidecar removes them); PREDECESSOR_NODE_START=non-producing starts them with
--start-as-non-producing-node instead, with which its first leader never forges (the keys it
copied at start are already in place, so it sends no SIGHUP).
"""
import os
import time

from benchlib import Emulator, now_ns, overlaps, wait_for
from pods import Pod
import phases

SKIP_NOTE = ("Python sidecar: not measured (set PREDECESSOR_SRC=/path/to/cardano-forge-manager checkout, "
             "and PREDECESSOR_PYTHON to a python3 with its requirements.txt installed, to measure it in the same run)")


def settings():
    """(source, python, node producing start) from the environment, or None when not asked for."""
    src = os.environ.get("PREDECESSOR_SRC")
    if not src:
        return None
    script = os.path.join(src, "src", "forgemanager.py")
    if not os.path.isfile(script):
        raise SystemExit("PREDECESSOR_SRC=%s: no src/forgemanager.py there" % src)
    start = os.environ.get("PREDECESSOR_NODE_START", "producing")
    if start not in ("producing", "non-producing"):
        raise SystemExit("PREDECESSOR_NODE_START must be producing or non-producing, not %r" % start)
    return script, os.environ.get("PREDECESSOR_PYTHON", "python3"), start == "producing"


def lease_holder(emulator, namespace, lease):
    try:
        got = emulator.request("GET", "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s" % (namespace, lease))
    except OSError:
        return None
    return (got.get("spec") or {}).get("holderIdentity")


def loop_passes_since(pod, since):
    """How many main-loop passes the pod's sidecar logged after `since` (time.time()): each pass
    logs "Ensuring credentials ..." at INFO, stamped with the local time to the millisecond."""
    try:
        lines = open(pod.logs["sidecar"]).read().splitlines()
    except OSError:
        return 0
    passes = 0
    for line in lines:
        if "Ensuring credentials" in line:
            try:
                stamp = time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S")) + int(line[20:23]) / 1000
            except ValueError:
                continue
            passes += stamp >= since
    return passes


def steady_for(namespace, lease):
    """At rest: exactly one node forges, its pod holds the Lease, and every pod's sidecar has
    made a pass of its loop since its current node started (so a restarted pod, whose node may
    start with keys, has been told what it is)."""
    def steady(pods, timeout):
        def check():
            forging = [p for p in pods if p.forging()]
            if len(forging) != 1 or any(loop_passes_since(p, p.node_started_at) < 1 for p in pods):
                return None
            return forging[0] if lease_holder(forging[0].emulator, namespace, lease) == forging[0].name else None
        return wait_for("one sidecar pod forging and holding the Lease", timeout, check, poll=0.1)
    return steady


def run(ctx, script, python, producing_start, create_cluster):
    """The sidecar's figures: soak with cluster management off, crash failovers, graceful
    handovers, then (ctx.on_soak > 0) a soak with ENABLE_CLUSTER_MANAGEMENT=true."""
    emulator, pods, results = None, [], {"script": script, "nodeStart": "producing" if producing_start else "non-producing"}
    lease = "cardano-leader-%s-%s" % (ctx.network, ctx.pool_id[:8])
    steady = steady_for(ctx.namespace, lease)
    try:
        emulator = Emulator(ctx.root, ctx.work + "/emulator-sidecar")
        emulator.install_crds(ctx.root)
        emulator.create_namespace(ctx.namespace)
        create_cluster(emulator, "eu", 100)
        env = {"LEASE_DURATION": ctx.timings["LEASE_DURATION"], "SLEEP_INTERVAL": ctx.timings["SLEEP_INTERVAL"],
               "LEASE_NAME": lease, "CRD_NAME": lease, "CARDANO_NETWORK": ctx.network, "POOL_ID": ctx.pool_id,
               "CLUSTER_REGION": "eu", "CLUSTER_PRIORITY": "100", "ENABLE_CLUSTER_MANAGEMENT": "false",
               "LOG_LEVEL": "INFO", "PYTHONDONTWRITEBYTECODE": "1"}
        for i in range(3):
            pods.append(Pod("producer-%d" % i, "pnode-%d-%d" % (i, os.getpid() % 1000), ctx.namespace, emulator,
                            ctx.bins, ctx.work + "/sidecar-pods", env, [("sidecar", [python, script])], "sidecar",
                            node_producing_start=producing_start))
        for pod in pods:
            pod.create_object()
            pod.start()
        phases.say("")
        phases.say("Python sidecar %s (node start: %s), LEASE_DURATION=%s SLEEP_INTERVAL=%s" % (
            script, results["nodeStart"], env["LEASE_DURATION"], env["SLEEP_INTERVAL"]))
        steady(pods, 120)
        at_rest = now_ns()  # its nodes all forge from their start until the first loop: not counted
        results["off"] = phases.soak(pods, steady, ctx.soak, {"eu": emulator})
        phases.print_soak("Python sidecar, cluster management off", results["off"], "eu", pods)
        results["crashFailover"] = phases.summary(phases.failovers(pods, steady, ctx.failovers))
        handover, disables = phases.handovers(pods, steady, ctx.handovers)
        results["gracefulHandover"] = phases.summary(handover)
        results["handoverOwnDisable"] = phases.summary([d for d in disables if d is not None])
        found = [(a, b) for a, b in overlaps(pods) if b[2] > at_rest]
        results["overlaps"] = [str(o) for o in found]
        results["overlapSeconds"] = [round((min(a[3], b[3]) - b[2]) / 1e9, 2) for a, b in found]
        phases.say("forging intervals overlapping after the pool first came to rest: %d%s" % (
            len(found), " (%s s)" % ", ".join("%.2f" % s for s in results["overlapSeconds"]) if found else ""))
        if ctx.on_soak > 0:
            for pod in pods:
                pod.stop()
            for pod in pods:
                pod.start({"ENABLE_CLUSTER_MANAGEMENT": "true"})
            results["on"] = phases.soak(pods, steady, ctx.on_soak, {"eu": emulator})
            phases.print_soak("Python sidecar, cluster management on", results["on"], "eu", pods)
        return results
    finally:
        for pod in pods:
            pod.stop()
        if emulator:
            emulator.stop()
