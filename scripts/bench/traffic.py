"""API requests per minute from the emulator's request log, per client and per resource.

Every benchmark client has its own token, which the log names (`user`: a pod's name, or
`aggregator-<region>`), so requests are attributed exactly even though all reporters share a
User-Agent and renew the same Lease. A request is a *write* (POST, PUT, PATCH, DELETE), a
*read* (GET or LIST) or a *watch* (a GET with watch=true: one per watch stream opened; the
events it then carries are not requests).
"""

KINDS = {"leases": "Lease", "pods": "Pod", "cardanoforgeclusters": "CardanoForgeCluster",
         "cardanoleaders": "CardanoLeader", "events": "Event"}
CATEGORIES = ("writes", "reads", "watches")
POOL_LEASE_PREFIX = "cardano-leader-"  # the pool's Lease (cardano-leader-{network}-{poolShort}); others are named


def kind_of(path):
    """The kind a request is about: the plural after the namespace (or the last segment of a
    cluster-wide path), named like its kind when it is one of ours; a Lease other than the
    pool's is named too (`Lease/<name>`), so the pool's election and, say, an aggregator's own
    Lease are told apart."""
    parts = path.strip("/").split("/")
    if "namespaces" in parts and parts.index("namespaces") + 2 < len(parts):
        at = parts.index("namespaces") + 2
        plural, name = parts[at], parts[at + 1] if at + 1 < len(parts) else None
    else:
        plural, name = parts[-1], None
    if plural == "leases" and name and not name.startswith(POOL_LEASE_PREFIX):
        return "Lease/" + name  # not the pool's: e.g. an aggregator's own Lease
    return KINDS.get(plural, plural)


def category_of(entry):
    if entry["method"] != "GET":
        return "writes"
    query = "&" + (entry.get("query") or "") + "&"
    return "watches" if "&watch=1&" in query or "&watch=true&" in query else "reads"


def client_of(entry):
    return entry.get("user") or "unnamed (%s)" % (entry.get("userAgent") or "no User-Agent")


def rates(log, seconds):
    """{client: {"writes"|"reads"|"watches": {kind: per minute}, "errors": per minute}}; errors
    are answers >= 400 or none at all (a request the benchmark should not have caused)."""
    counts = {}
    for entry in log:
        client = counts.setdefault(client_of(entry), {c: {} for c in CATEGORIES} | {"errors": 0})
        bucket = client[category_of(entry)]
        kind = kind_of(entry["path"])
        bucket[kind] = bucket.get(kind, 0) + 1
        if entry["status"] == 0 or entry["status"] >= 400:
            client["errors"] += 1
    per_minute = 60.0 / seconds
    return {name: {c: {k: round(v * per_minute, 2) for k, v in sorted(client[c].items())} for c in CATEGORIES}
            | {"errors": round(client["errors"] * per_minute, 2)} for name, client in sorted(counts.items())}


def open_watches(watches):
    """{client: {kind: streams open now}} from GET /_emulator/watches."""
    out = {}
    for w in watches:
        kinds = out.setdefault(client_of(w), {})
        kind = kind_of(w["path"])
        kinds[kind] = kinds.get(kind, 0) + 1
    return out


def total(client_rates, clients):
    """Sum over `clients` (names present in `client_rates`): {category: {kind: n, "all": n}}."""
    out = {c: {} for c in CATEGORIES}
    for name in clients:
        for c in CATEGORIES:
            for kind, n in client_rates.get(name, {}).get(c, {}).items():
                out[c][kind] = round(out[c].get(kind, 0) + n, 2)
    for c in CATEGORIES:
        out[c]["all"] = round(sum(out[c].values()), 2)
    return out


def describe(category_rates):
    """'Lease 30.0 + Pod 2.0 = 32.0' (or '0')."""
    items = [(k, v) for k, v in category_rates.items() if k != "all"]
    if not items:
        return "0"
    whole = sum(v for _, v in items)
    if len(items) == 1:
        return "%s %.1f" % items[0]
    return " + ".join("%s %.1f" % kv for kv in items) + " = %.1f" % whole


def print_rates(say, title, client_rates, pool_clients, roles=None, watching=None):
    """Per client: writes, reads and watch requests per minute by resource, and the watch streams
    it holds open at the end (`watching`, from open_watches); then the pool's total over
    `pool_clients` (the pods)."""
    watching = watching or {}
    say("  %s: API requests per minute (writes | reads | watch requests, by resource)" % title)
    silent = {name: {c: {} for c in CATEGORIES} | {"errors": 0} for name in pool_clients if name not in client_rates}
    for name, r in sorted((client_rates | silent).items()):  # a pod that sent nothing is listed too
        role = " (%s)" % roles[name] if roles and name in roles else ""
        errors = ", errors %.1f" % r["errors"] if r["errors"] else ""
        held = ", ".join("%s %d" % kv for kv in sorted(watching.get(name, {}).items())) or "none"
        say("    %-26s writes %s | reads %s | watches %s%s; watch streams open: %s" % (
            name + role, describe(r["writes"]), describe(r["reads"]), describe(r["watches"]), errors, held))
    pool = total(client_rates, pool_clients)
    pool["open"] = sum(n for name in pool_clients for n in watching.get(name, {}).values())
    say("    %-26s writes %s | reads %s | watches %s; watch streams open: %d" % (
        "pool (%d pods)" % len(pool_clients), describe(pool["writes"]), describe(pool["reads"]),
        describe(pool["watches"]), pool["open"]))
    return pool
