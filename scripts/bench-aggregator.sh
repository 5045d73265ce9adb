#!/usr/bin/env bash
# Load test of forge-aggregator against the API emulator (not a timed test; run by hand).
#
#   scripts/bench-aggregator.sh [pools] [pods-per-pool] [latency-samples]
#
# Creates <pools> CardanoForgeClusters (one region) and <pools> x <pods-per-pool> pods with
# forge reports, starts one aggregator (release build), then measures:
#   - report change -> status update latency (p50/p99) over <latency-samples> changes,
#   - the aggregator's RSS and PSS,
#   - API writes per minute at steady state (from the emulator's request log).
# Defaults: 1000 pools x 10 pods (10 000 pods), 100 samples. Environment: HEARTBEAT (10s),
# WARMUP_SECONDS (20, after the first status of every pool), STEADY_SECONDS (60), SCRATCH,
# STATIC_STDLIB (1, the default: the Swift runtime linked statically, as the image ships it).
set -euo pipefail
POOLS=${1:-1000}
PODS_PER_POOL=${2:-10}
SAMPLES=${3:-100}
HEARTBEAT=${HEARTBEAT:-10s}
STEADY_SECONDS=${STEADY_SECONDS:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-$ROOT/.build-bench}
SCRATCH=$(realpath -m "$SCRATCH")   # symlinks and children need an absolute path
WORK=$(mktemp -d /tmp/bench-aggregator.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

LINKING=()
[ "${STATIC_STDLIB:-1}" = 1 ] && LINKING=(--static-swift-stdlib)
echo "building forge-aggregator (release, $SCRATCH ${LINKING[*]:-dynamic Swift runtime})"
swift build -c release "${LINKING[@]}" --scratch-path "$SCRATCH" --product forge-aggregator >/dev/null
BIN="$SCRATCH/release/forge-aggregator"

python3 "$ROOT/emulator/kube_api_emulator.py" --port 0 --dir "$WORK/emu" --history 200000 >"$WORK/emu.out" 2>"$WORK/emu.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q ready "$WORK/emu.out" 2>/dev/null && break; sleep 0.1; done

export BENCH_WORK=$WORK BENCH_ROOT=$ROOT POOLS PODS_PER_POOL SAMPLES STEADY_SECONDS
python3 - load <<'PY'
import json, os, ssl, sys, time, urllib.request, glob
W = os.environ["BENCH_WORK"]; info = json.load(open(W + "/emu.out"))
ctx = ssl.create_default_context(cafile=info["ca"])
def req(method, path, body=None, ctype="application/json"):
    r = urllib.request.Request(info["server"] + path, data=json.dumps(body).encode() if body is not None else None,
        method=method, headers={"Authorization": "Bearer " + info["token"], "Content-Type": ctype})
    with urllib.request.urlopen(r, context=ctx) as resp: return json.loads(resp.read() or b"{}")
def crd_json(path):
    try:
        import yaml
        return yaml.safe_load(open(path))
    except ImportError:
        sys.exit("PyYAML is needed to load the CRDs (apt-get install python3-yaml)")
for f in glob.glob(os.environ["BENCH_ROOT"] + "/charts/cardano-forge-crds/crds/*.yaml"):
    req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd_json(f))
req("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}})
pools, per = int(os.environ["POOLS"]), int(os.environ["PODS_PER_POOL"])
t0 = time.time()
for p in range(pools):
    pool = "%08x" % (p + 1) + "ab" * 24  # distinct 8-char prefixes: distinct lease/CardanoLeader names
    req("POST", "/apis/cardano.io/v1/namespaces/bench/cardanoforgeclusters", {"apiVersion": "cardano.io/v1",
        "kind": "CardanoForgeCluster", "metadata": {"name": "mainnet-p%d-eu" % p},
        "spec": {"network": {"name": "mainnet"}, "pool": {"id": pool}, "region": "eu", "priority": 100,
                 "podSelector": {"matchLabels": {"pool": "p%d" % p}}, "gracePeriod": "90s"}})
    for i in range(per):
        name = "p%d-bp-%d" % (p, i)
        rep = {"schemaVersion": 1, "pod": name, "network": "mainnet", "poolId": pool, "region": "eu", "sequence": 1,
               "leadership": {"holder": "p%d-bp-0" % p, "leaseName": "l", "transitions": 1},
               "forging": {"enabled": i == 0, "confirmedBy": "sighup-log"}, "socket": {"path": "/s", "healthy": True},
               "process": {"pid": 1, "found": True}, "credentials": {"state": "present" if i == 0 else "absent"},
               "phase": "forging" if i == 0 else "standby"}
        req("POST", "/api/v1/namespaces/bench/pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name,
            "labels": {"pool": "p%d" % p}, "annotations": {"cardano.io/forge-report": json.dumps(rep)}},
            "spec": {"containers": [{"name": "node", "image": "cardano-node"}]}})
print("loaded %d pools, %d pods in %.0f s" % (pools, pools * per, time.time() - t0))
PY

"$BIN" --kubeconfig "$WORK/emu/kubeconfig" --namespace bench --region eu --pod-name bench-agg \
  --metrics-port 0 --metrics-host 127.0.0.1 --heartbeat-interval "$HEARTBEAT" --kube-qps 200 --kube-burst 400 \
  --log-level warning >"$WORK/aggregator.log" 2>&1 &
AGG=$!
PIDS+=($AGG)
export AGG_PID=$AGG

python3 - measure <<'PY'
import json, os, ssl, time, urllib.request
W = os.environ["BENCH_WORK"]; info = json.load(open(W + "/emu.out"))
ctx = ssl.create_default_context(cafile=info["ca"])
def req(method, path, body=None, ctype="application/json"):
    r = urllib.request.Request(info["server"] + path, data=json.dumps(body).encode() if body is not None else None,
        method=method, headers={"Authorization": "Bearer " + info["token"], "Content-Type": ctype})
    with urllib.request.urlopen(r, context=ctx) as resp: return json.loads(resp.read() or b"{}")
pools, per, samples = int(os.environ["POOLS"]), int(os.environ["PODS_PER_POOL"]), int(os.environ["SAMPLES"])
def cfc(p): return req("GET", "/apis/cardano.io/v1/namespaces/bench/cardanoforgeclusters/mainnet-p%d-eu" % p).get("status") or {}
t0 = time.time()
while True:
    ready = sum(1 for p in (0, pools // 2, pools - 1) if cfc(p).get("totalPods") == per)
    if ready == 3: break
    if time.time() - t0 > 600: raise SystemExit("aggregator did not fill the status within 600 s")
    time.sleep(0.5)
print("initial status of all pools within %.1f s of start" % (time.time() - t0))
time.sleep(float(os.environ.get("WARMUP_SECONDS", "20")))  # let the first full write round finish
lat = []
for n in range(samples):
    p = (n * 7919) % pools
    name = "p%d-bp-1" % p
    pod = req("GET", "/api/v1/namespaces/bench/pods/" + name)
    rep = json.loads(pod["metadata"]["annotations"]["cardano.io/forge-report"])
    rep["sequence"] += 1; rep["phase"] = "fenced" if rep["phase"] != "fenced" else "standby"
    start = time.time()
    req("PATCH", "/api/v1/namespaces/bench/pods/" + name, {"metadata": {"annotations": {"cardano.io/forge-report": json.dumps(rep)}}},
        "application/merge-patch+json")
    while True:
        pods = cfc(p).get("reportingPods") or []
        if any(x.get("podName") == name and x.get("phase") == rep["phase"] for x in pods): break
        if time.time() - start > 60: raise SystemExit("status never showed change %d" % n)
        time.sleep(0.01)
    lat.append(time.time() - start)
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print("report change -> status update: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples, incl. ~10 ms polling)"
      % (pct(0.5), pct(0.9), pct(0.99), lat[-1] * 1000, len(lat)))
log = req("GET", "/_emulator/requests?since=0")
start_seq = log[-1]["seq"] if log else 0
steady = int(os.environ["STEADY_SECONDS"])
time.sleep(steady)
after = req("GET", "/_emulator/requests?since=%d" % start_seq)
writes = [r for r in after if r["method"] in ("PATCH", "PUT", "POST", "DELETE") and (r.get("userAgent") or "").startswith("forge-aggregator")]
kinds = {}
for r in writes:
    k = "lease" if "/leases/" in r["path"] else ("cardanoleader" if "cardanoleaders" in r["path"] else "cardanoforgecluster")
    kinds[k] = kinds.get(k, 0) + 1
print("API writes at steady state: %.0f per minute %s" % (len(writes) * 60.0 / steady, kinds))
pid = os.environ["AGG_PID"]
rss = [l for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS")][0].split()[1]
pss = [l for l in open("/proc/%s/smaps_rollup" % pid) if l.startswith("Pss:")][0].split()[1]
print("aggregator memory: RSS %.1f MiB, PSS %.1f MiB" % (int(rss) / 1024, int(pss) / 1024))
PY
echo "logs in $WORK"
