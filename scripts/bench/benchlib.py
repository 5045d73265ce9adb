"""Building blocks of scripts/bench-reporter.sh: the API emulator, the forging oracle, /proc readings
(the stand-in pods are in pods.py).

Python standard library only (plus PyYAML for the CRDs, as scripts/bench-aggregator.sh). All
times are CLOCK_BOOTTIME nanoseconds, the clock the stand-in node writes its transitions with.
"""
import glob
import json
import os
import secrets
import ssl
import subprocess
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_BOOTTIME)


def wait_for(what, timeout, condition, poll=0.02):
    """Polls `condition` until it returns a truthy value; raises after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(poll)


class Emulator:
    """The project's Kubernetes API emulator (emulator/kube_api_emulator.py) as a child process."""

    def __init__(self, root, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.process = subprocess.Popen(
            ["python3", root + "/emulator/kube_api_emulator.py", "--port", "0", "--dir", directory],
            stdout=subprocess.PIPE, stderr=open(directory + "/emulator.err", "w"), text=True)
        self.info = json.loads(self.process.stdout.readline())
        self.kubeconfig = self.info["kubeconfig"]
        self.context = ssl.create_default_context(cafile=self.info["ca"])
        self.users = {}  # token -> user name (PUT /_emulator/tokens)

    def client_kubeconfig(self, user, path):
        """Writes a kubeconfig at `path` with a token of its own, which the emulator's request
        log names `user` (like a static token file's user): requests of clients that share a
        User-Agent and paths (every reporter renews the same Lease) can then be told apart."""
        token = secrets.token_hex(24)
        self.users[token] = user
        self.request("PUT", "/_emulator/tokens", {"tokens": [self.info["token"], *self.users],
                                                  "users": self.users})
        text = open(self.kubeconfig).read().replace(self.info["token"], token)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def request(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.info["server"] + path, data=data, method=method, headers={
            "Authorization": "Bearer " + self.info["token"], "Content-Type": content_type,
            "User-Agent": "bench-admin"})
        with urllib.request.urlopen(req, context=self.context) as response:
            return json.loads(response.read() or b"{}")

    def install_crds(self, root):
        import yaml  # only here: the rest of the benchmark needs the standard library only
        for path in sorted(glob.glob(root + "/charts/cardano-forge-crds/crds/*.yaml")):
            self.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                         yaml.safe_load(open(path)))

    def create_namespace(self, name):
        self.request("POST", "/api/v1/namespaces",
                     {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    def last_seq(self):
        log = self.request("GET", "/_emulator/requests?since=0")
        return log[-1]["seq"] if log else 0

    def open_watches(self):
        return self.request("GET", "/_emulator/watches")

    def requests_since(self, seq):
        return self.request("GET", "/_emulator/requests?since=%d" % seq)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def forging_intervals(pods, until):
    """[(pod, pid, start, end)] of enabled forging; a SIGKILLed node's interval ends at its death."""
    intervals = []
    for pod in pods:
        deaths = dict(pod.deaths)
        open_since = {}
        for time_ns, pid, enabled in pod.transitions():
            if enabled and pid not in open_since:
                open_since[pid] = time_ns
            elif not enabled and pid in open_since:
                intervals.append((pod.name, pid, open_since.pop(pid), time_ns))
        for pid, start in open_since.items():
            intervals.append((pod.name, pid, start, deaths.get(pid, until)))
    return intervals


def overlaps(pods):
    spans = sorted(forging_intervals(pods, now_ns()), key=lambda i: i[2])
    return [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:] if b[2] < a[3]]


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat)."""
    stat = open("/proc/%d/stat" % pid).read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def memory_kib(pid):
    """{"rss": VmRSS, "hwm": VmHWM (peak RSS), "anon": RssAnon, "file": RssFile, "pss": Pss} in KiB, from
    /proc/PID/status and /proc/PID/smaps_rollup. RssAnon is the process's own heap and stacks; the rest of RSS is the
    mapped binary and libraries, which PSS divides among every process sharing them."""
    out = {}
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            out["rss"] = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            out["hwm"] = int(line.split()[1])
        elif line.startswith("RssAnon:"):
            out["anon"] = int(line.split()[1])
        elif line.startswith("RssFile:"):
            out["file"] = int(line.split()[1])
    for line in open("/proc/%d/smaps_rollup" % pid):
        if line.startswith("Pss:"):
            out["pss"] = int(line.split()[1])
    return out
