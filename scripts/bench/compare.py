"""The side-by-side table of scripts/bench-reporter.sh: each figure for the Python sidecar and
for ours, the ratio ours/theirs, and the goal of issue #10 where it sets one."""


def _pool(soak, category):
    return soak["pool"][category]["all"] if soak and soak.get("pool") else None


def _breakdown(soak, category):
    """' (Lease 12.0, Pod 2.3)': the pool's figure by resource, largest first."""
    if not soak or not soak.get("pool"):
        return ""
    kinds = sorted(((k, v) for k, v in soak["pool"][category].items() if k != "all" and v), key=lambda kv: -kv[1])
    return " (%s)" % ", ".join("%s %.1f" % kv for kv in kinds) if kinds else ""


def _memory(soak, key):
    """Mean over the pool's pods of the pod's forge-manager memory, and the largest pod's."""
    if not soak:
        return None
    values = [m[key] for m in soak["perPodMemory"].values()]
    return sum(values) / len(values), max(values)


def _fmt(value, unit):
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return ("%.1f %s (largest pod %.1f)" % (value[0], unit, value[1])).replace("  ", " ")
    return ("%.1f %s" % (value, unit)).strip()


def _ratio(ours, theirs):
    ours = ours[0] if isinstance(ours, tuple) else ours
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    if ours is None or theirs is None:
        return "—"
    if theirs == 0:
        return "—" if ours == 0 else "∞"
    ratio = ours / theirs
    return ("%.2f×" if ratio >= 0.1 else "%.3f×") % ratio


def _verdict(value, goal):
    if value is None or goal is None:
        return ""
    value = value[0] if isinstance(value, tuple) else value
    return " ✓" if value <= goal else " ✗"


def rows(ours, theirs):
    """[(figure, sidecar, ours, ratio, goal)] as text."""
    out = []
    for mode in ("off", "on"):
        o, t = ours.get(mode), (theirs or {}).get(mode)
        if not o and not t:
            continue
        label = "cluster management %s" % mode
        for category, name, goal_text, limit in (
                ("writes", "API writes /min, 3-pod pool at rest", "≤ 16 /min (≤ 0.7×)", 16.0),
                ("reads", "API reads /min (GET, LIST), 3-pod pool at rest", "≤ 0.1× the sidecar's", None),
                ("watches", "watch requests /min (counted as their streams end), 3-pod pool", "", None)):
            ov, tv = _pool(o, category), _pool(t, category)
            if category == "reads" and ov is not None and tv:
                limit = 0.1 * tv
            out.append(("%s, %s" % (name, label), _fmt(tv, "") + _breakdown(t, category),
                        _fmt(ov, "") + _breakdown(o, category) + _verdict(ov, limit), _ratio(ov, tv), goal_text))
        ov, tv = (o or {}).get("pool", {}).get("open"), (t or {}).get("pool", {}).get("open")
        out.append(("watch streams held open at the end of the soak, 3-pod pool, " + label,
                    "—" if tv is None else str(tv), "—" if ov is None else str(ov), "", ""))
        if mode == "on" and o:
            agg = o["requests"].get("eu", {}).get("aggregator-eu")
            if agg:
                w = sum(agg["writes"].values())
                r = sum(agg["reads"].values())
                out.append(("+ the region's forge-aggregator on the pool's API server, " + label, "— (none)",
                            "writes %.1f, reads %.1f /min" % (w, r), "", ""))
    for key, name, goal_text, limit in (
            ("pssMiB", "memory per pod, PSS (ours: reporter + guard; the sidecar)", "≤ 15 MiB", 15.0),
            ("rssMiB", "memory per pod, RSS", "", None),
            ("anonMiB", "memory per pod, RssAnon (private heap and stacks)", "", None),
            ("aloneMiB", "memory per pod alone on a node, ≈ RssAnon + its binary's RssFile once", "", None)):
        o, t = _memory(ours.get("off"), key), _memory((theirs or {}).get("off"), key)
        out.append((name, _fmt(t, "MiB"), _fmt(o, "MiB") + _verdict(o, limit), _ratio(o, t), goal_text))
    for key, name, goal_text, limit in (("crashFailover", "crash failover (SIGKILL leader pod), median", "≤ 18 s", 18.0),
                                        ("gracefulHandover", "graceful handover (SIGTERM), median", "≤ 2 s", 2.0)):
        runs = [(ours.get(key) or {}), ((theirs or {}).get(key) or {})]
        o, t = runs[0].get("median"), runs[1].get("median")
        cells = ["—" if r.get("median") is None else "%.2f s (runs: %s)" % (r["median"], ", ".join("%.2f" % v for v in r["all"]))
                 for r in runs]
        out.append((name, cells[1], cells[0] + _verdict(o, limit), _ratio(o, t), goal_text))
    overlap = []
    for results in (theirs, ours):
        found = (results or {}).get("overlapSeconds")
        overlap.append("—" if results is None or found is None else
                       "none" if not found else "%d (%s s)" % (len(found), ", ".join("%.2f" % s for s in found)))
    out.append(("forging intervals overlapping (after the pool first came to rest)", overlap[0], overlap[1], "", "none"))
    return out


def markdown(table):
    """The table as Markdown rows, for docs/BENCHMARKS.md."""
    lines = ["| figure | Python sidecar | ours | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table]
    return "\n".join(lines) + "\n"


def print_table(say, ours, theirs):
    say("")
    say("side by side (ratio = ours / the sidecar's; ✓/✗ against the goal of issue #10):")
    table = rows(ours, theirs)
    widths = [max(len(r[i]) for r in table + [("figure", "Python sidecar", "ours", "ratio", "goal")]) for i in range(5)]
    for row in [("figure", "Python sidecar", "ours", "ratio", "goal")] + table:
        say("  " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
    return table
