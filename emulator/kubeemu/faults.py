"""Fault rules (status, delay, hang, drop) and the request log, both thread-safe."""

import collections
import itertools
import re
import threading
import time

from .errors import bad_request

_FIELDS = {"method": str, "pathRegex": str, "bodyRegex": str, "status": int, "body": str, "retryAfter": int,
           "delaySeconds": (int, float), "hang": bool, "drop": bool, "times": int}


class FaultRule:
    def __init__(self, rule_id, spec):
        self.id = rule_id
        self.method = (spec.get("method") or "").upper() or None
        self.pattern = re.compile(spec["pathRegex"]) if spec.get("pathRegex") else None
        # Searched in the request body (UTF-8, undecodable bytes replaced): picks one client's
        # writes, e.g. the Lease renewals of one holderIdentity.
        self.body_pattern = re.compile(spec["bodyRegex"]) if spec.get("bodyRegex") else None
        self.status, self.body = spec.get("status"), spec.get("body")
        self.retry_after, self.delay = spec.get("retryAfter"), spec.get("delaySeconds")
        self.hang, self.drop = bool(spec.get("hang")), bool(spec.get("drop"))
        self.remaining = spec.get("times")  # None: unlimited
        self.spec = dict(spec)
        self.hits = 0  # requests that arrived and took this rule (counted before any delay)

    def describe(self):
        return dict(self.spec, id=self.id, hits=self.hits, remaining=self.remaining)

    def matches(self, method, target, body):
        if self.method and self.method != method:
            return False
        if self.body_pattern is not None and \
                self.body_pattern.search((body or b"").decode("utf-8", "replace")) is None:
            return False
        return self.pattern is None or self.pattern.search(target) is not None


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._ids = itertools.count(1)
        self._released = threading.Event()  # set (then replaced) when rules are cleared

    def add(self, spec):
        if not isinstance(spec, dict):
            raise bad_request("fault rule must be a JSON object")
        for key, value in spec.items():
            expected = _FIELDS.get(key)
            if expected is None:
                raise bad_request(f"unknown fault rule field: {key}")
            if value is not None and (not isinstance(value, expected) or
                                      (expected is int and isinstance(value, bool))):
                raise bad_request(f"fault rule field {key} has the wrong type")
        try:
            rule = FaultRule(str(next(self._ids)), spec)
        except re.error as error:
            raise bad_request(f"pathRegex or bodyRegex does not compile: {error}")
        with self._lock:
            self._rules.append(rule)
        return rule.id

    def list(self):
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def clear(self):
        with self._lock:
            self._rules = []
            released, self._released = self._released, threading.Event()
        released.set()

    def take(self, method, target, body=None):
        """The first matching rule (its `times` budget decremented) and the release event."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, target, body) and (rule.remaining is None or rule.remaining > 0):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    rule.hits += 1
                    return rule, self._released
        return None, None


class RequestLog:
    def __init__(self, capacity=200_000):
        self._lock = threading.Lock()
        self._entries = collections.deque(maxlen=capacity)
        self._seq = 0

    def record(self, method, path, query, status, user_agent, accept=None, user=None):
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, "time": time.time(), "method": method,
                                  "path": path, "query": query, "status": status,
                                  "userAgent": user_agent, "accept": accept, "user": user})

    def since(self, seq):
        with self._lock:
            return [e for e in self._entries if e["seq"] > seq]
