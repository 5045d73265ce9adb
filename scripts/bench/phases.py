"""The measured phases of scripts/bench-reporter.sh, for any pool of pods.py pods: the soak at
rest (API requests per client and resource, memory and CPU of every process), crash failovers,
graceful handovers. `steady` is a function (pods, timeout) -> the leading pod once the pool is
at rest; it differs between forge-reporter pools and Python sidecar pools.
"""
import os
import statistics
import time

from benchlib import CLK_TCK, cpu_ticks, memory_kib, wait_for
import traffic


def say(text):
    print(text, flush=True)


def first_enabled_after(pods, t0, timeout=90):
    """(pod, time) of the first `enabled` transition after t0 among `pods`."""
    def check():
        hits = [(t, p) for p in pods for (t, _, enabled) in p.transitions() if enabled and t > t0]
        return min(hits, key=lambda h: h[0]) if hits else None
    t, pod = wait_for("another stand-in to enable forging", timeout, check)
    return pod, t


# Seconds the pool is left alone after it first looks at rest, before the soak's count starts:
# the leader's own transition (Lease acquired, keys installed, forging confirmed: its Events and
# report updates) lands within a few seconds of the pool looking at rest and is not traffic at
# rest. The same for both pools (ours and the sidecar's).
SETTLE_SECONDS = float(os.environ.get("SETTLE_SECONDS", "15"))


def soak(pods, steady, seconds, emulators, extra_processes=None):
    """Leaves the steady pool alone for SETTLE_SECONDS and then `seconds`, then reads every
    process's memory and the CPU it used, and each emulator's request log over the soak (per
    client, per resource)."""
    leader = steady(pods, 120)
    time.sleep(SETTLE_SECONDS)
    if steady(pods, 5) is not leader:
        raise RuntimeError("the leader changed while the pool settled")
    say("steady: %s forges; settled %.0f s; soaking %.0f s undisturbed" % (leader.name, SETTLE_SECONDS, seconds))
    processes = {}
    for p in pods:
        for label, pid in p.pids().items():
            processes["%s %s" % (label, p.name)] = pid
    processes.update(extra_processes or {})
    seqs = {region: emu.last_seq() for region, emu in emulators.items()}
    ticks = {name: cpu_ticks(pid) for name, pid in processes.items()}
    started = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    if steady(pods, 5) is not leader:
        raise RuntimeError("the leader changed during the soak")
    result = {"seconds": round(elapsed, 1), "leader": leader.name, "processes": {}, "perPodMemory": {}}
    for name, pid in processes.items():
        cpu = (cpu_ticks(pid) - ticks[name]) / CLK_TCK
        mem = memory_kib(pid)
        result["processes"][name] = {"rssMiB": round(mem["rss"] / 1024, 1), "peakRssMiB": round(mem["hwm"] / 1024, 1),
                                     "anonMiB": round(mem["anon"] / 1024, 1), "fileMiB": round(mem["file"] / 1024, 1),
                                     "pssMiB": round(mem["pss"] / 1024, 1),
                                     "cpuSeconds": round(cpu, 2), "millicores": round(cpu / elapsed * 1000, 2)}
    for p in pods:
        mine = [v for k, v in result["processes"].items() if k.endswith(" " + p.name)]
        result["perPodMemory"][p.name] = {key: round(sum(m[key] for m in mine), 1)
                                          for key in ("pssMiB", "rssMiB", "anonMiB")}
        # Alone on a node (the pods of a pool are spread over nodes), nothing would share the
        # binary's pages with other pods: about its private memory plus the resident pages of
        # its binary once (reporter and guard are one binary, so max() is a lower bound).
        result["perPodMemory"][p.name]["aloneMiB"] = round(
            sum(m["anonMiB"] for m in mine) + max(m["fileMiB"] for m in mine), 1)
    result["requests"] = {region: traffic.rates(emu.requests_since(seqs[region]), elapsed)
                          for region, emu in emulators.items()}
    result["openWatches"] = {region: traffic.open_watches(emu.open_watches()) for region, emu in emulators.items()}
    result["roles"] = {p.name: "leader" if p is leader else "standby" for p in pods}
    return result


def print_soak(title, result, pool_region, pods):
    say("%s, after %.0f s at rest (leader %s):" % (title, result["seconds"], result["leader"]))
    say("  %-30s %9s %9s %9s %9s %11s" % ("process", "RSS MiB", "peak MiB", "anon MiB", "PSS MiB", "CPU m"))
    for name, p in result["processes"].items():
        say("  %-30s %9.1f %9.1f %9.1f %9.1f %11.2f" % (name, p["rssMiB"], p["peakRssMiB"], p["anonMiB"], p["pssMiB"],
                                                       p["millicores"]))
    for name, m in result["perPodMemory"].items():
        say("  memory of pod %-16s PSS %5.1f MiB, RSS %5.1f MiB, anon %5.1f MiB, alone on a node ~%5.1f MiB"
            " (its forge-manager processes)" % (name, m["pssMiB"], m["rssMiB"], m["anonMiB"], m["aloneMiB"]))
    pool = None
    for region, client_rates in result["requests"].items():
        names = [p.name for p in pods] if region == pool_region else []
        got = traffic.print_rates(say, "region %s API server" % region, client_rates, names, result["roles"],
                                  result["openWatches"].get(region))
        if region == pool_region:
            pool = got
    result["pool"] = pool
    return pool


def failovers(pods, steady, runs):
    """SIGKILL of the leading pod (programs and node) -> another stand-in enables forging; the
    killed pod is then started again, as the StatefulSet would recreate it."""
    figures = []
    for run in range(runs):
        leader = steady(pods, 120)
        t0 = leader.crash()
        successor, t = first_enabled_after([p for p in pods if p is not leader], t0)
        figures.append((t - t0) / 1e9)
        say("crash failover %d: %s SIGKILLed -> %s forging after %.2f s" % (run + 1, leader.name, successor.name, figures[-1]))
        leader.start()
    return figures


def handovers(pods, steady, runs):
    """SIGTERM to the leading pod's forge manager -> another stand-in enables forging; the rest
    of the pod is then stopped and started again (a rolling update)."""
    figures, disables = [], []
    for run in range(runs):
        leader = steady(pods, 120)
        node_pid = leader.node.pid
        t0 = leader.terminate_reporter()
        successor, t = first_enabled_after([p for p in pods if p is not leader], t0)
        code = leader.reporter.wait(30)
        off = [tt for (tt, pid, enabled) in leader.transitions() if pid == node_pid and not enabled and tt > t0]
        figures.append((t - t0) / 1e9)
        disables.append((off[0] - t0) / 1e9 if off else None)
        say("graceful handover %d: %s SIGTERM -> own node disabled after %s, %s forging after %.2f s (exit %d)"
            % (run + 1, leader.name, "%.2f s" % disables[-1] if off else "never", successor.name, figures[-1], code))
        leader.stop()
        leader.start()
    return figures, disables


def memory_after(pods, steady):
    """RSS and peak RSS of the processes alive after the failover and handover phases (once the
    last restarted pod is a standby again)."""
    steady(pods, 120)
    out = {}
    say("memory after the failovers and handovers:")
    for p in pods:
        for label, pid in p.pids().items():
            mem = memory_kib(pid)
            name = "%s %s" % (label, p.name)
            out[name] = {"rssMiB": round(mem["rss"] / 1024, 1), "peakRssMiB": round(mem["hwm"] / 1024, 1)}
            say("  %-30s RSS %5.1f MiB, peak %5.1f MiB" % (name, mem["rss"] / 1024, mem["hwm"] / 1024))
    return out


def summary(values):
    if not values:
        return None
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "runs": len(values), "all": [round(v, 2) for v in values]}
