"""The object store: one lock, one global resourceVersion, an event history and watchers.

Stored objects are never mutated in place (every write stores a fresh dict), so readers may
serialise them outside the lock and paginated lists can keep cheap snapshots.
"""

import collections
import copy
import datetime
import queue
import random
import threading
import uuid

from . import errors, schema, validation
from .resources import BUILTINS, from_crd

Event = collections.namedtuple("Event", "rv key type obj old")


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Watcher:
    def __init__(self, rd, namespace, predicate):
        self.key, self.namespace, self.predicate = rd.key, namespace, predicate
        self.queue = queue.SimpleQueue()  # Event, or None when the stream must be cut

    def offer(self, event):
        """Applies the selector like the watch cache: entering -> ADDED, leaving -> DELETED."""
        if event.key != self.key:
            return
        if self.namespace and event.obj["metadata"].get("namespace") != self.namespace:
            return
        now = self.predicate(event.obj)
        before = event.old is not None and self.predicate(event.old)
        if event.type == "MODIFIED":
            if now and before:
                self.queue.put(event)
            elif now:
                self.queue.put(event._replace(type="ADDED"))
            elif before:
                self.queue.put(event._replace(type="DELETED"))
        elif now:
            self.queue.put(event)


class Store:
    def __init__(self, history_size):
        self.lock = threading.RLock()
        self.rv = 1
        self.history = collections.deque()
        self.history_size = history_size
        self.compacted_rv = 0  # events with rv <= this are gone from the history
        self.buckets = collections.defaultdict(dict)  # key -> {(ns, name): obj}
        self.resources = {}  # (group, version, plural) -> ResourceDef
        self.crd_defs = {}  # crd name -> [ResourceDef]
        self.watchers = set()
        for rd in BUILTINS:
            self.resources[(rd.group, rd.version, rd.plural)] = rd
        self.create(self.resources[("", "v1", "namespaces")], None, {"metadata": {"name": "default"}})

    # -- lookup -------------------------------------------------------------------------
    def resource(self, group, version, plural):
        with self.lock:
            return self.resources.get((group, version, plural))

    def group_versions(self):
        with self.lock:
            return sorted({(rd.group, rd.version) for rd in self.resources.values()})

    def get(self, rd, namespace, name):
        with self.lock:
            obj = self.buckets[rd.key].get((namespace or "", name))
        if obj is None:
            raise errors.not_found(rd, name)
        return obj

    def snapshot(self, rd, namespace):
        """Objects in key order plus the list resourceVersion, taken atomically."""
        with self.lock:
            bucket = self.buckets[rd.key]
            keys = sorted(k for k in bucket if not namespace or k[0] == namespace)
            return [bucket[k] for k in keys], str(self.rv)

    # -- events -------------------------------------------------------------------------
    def _emit(self, rd, kind, obj, old):
        event = Event(self.rv, rd.key, kind, obj, old)
        self.history.append(event)
        while len(self.history) > self.history_size:
            self.compacted_rv = self.history.popleft().rv
        for watcher in self.watchers:
            watcher.offer(event)

    def _next_rv(self):
        self.rv += 1
        return str(self.rv)

    def compact(self):
        with self.lock:
            self.history.clear()
            self.compacted_rv = self.rv

    def add_watcher(self, rd, namespace, predicate, since_rv):
        """Registers a watcher. since_rv None: synthetic ADDED for current objects."""
        with self.lock:
            watcher = Watcher(rd, namespace, predicate)
            if since_rv is None:
                objects, _ = self.snapshot(rd, namespace)
                for obj in objects:
                    if predicate(obj):
                        watcher.queue.put(Event(int(obj["metadata"]["resourceVersion"]), rd.key,
                                                "ADDED", obj, None))
            else:
                if since_rv < self.compacted_rv:
                    raise errors.gone(f"too old resource version: {since_rv} ({self.compacted_rv + 1})")
                for event in self.history:
                    if event.rv > since_rv:
                        watcher.offer(event)
            self.watchers.add(watcher)
            return watcher

    def open_watches(self):
        """The request of every watch stream open now (see watch.serve), oldest first."""
        with self.lock:
            found = [w.request for w in self.watchers if getattr(w, "request", None)]
        return sorted(found, key=lambda r: r["started"])

    def remove_watcher(self, watcher):
        with self.lock:
            self.watchers.discard(watcher)

    def cut_watches(self):
        with self.lock:
            for watcher in self.watchers:
                watcher.queue.put(None)

    # -- writes -------------------------------------------------------------------------
    def _check_body(self, rd, body):
        """Decodes like the Go types would; returns a private, normalised copy."""
        if not isinstance(body, dict):
            raise errors.bad_request(f"{rd.kind} in version \"{rd.version}\" cannot be handled as "
                                     f"a {rd.kind}: json: cannot unmarshal into Go value")
        api_version, kind = body.get("apiVersion"), body.get("kind")
        if (api_version and api_version != rd.api_version) or (kind and kind != rd.kind):
            raise errors.bad_request(f"the API version in the data ({api_version}) does not match "
                                     f"the expected API version ({rd.api_version})"
                                     if api_version != rd.api_version else
                                     f"the kind in the data ({kind}) does not match the "
                                     f"expected kind ({rd.kind})")
        meta = body.get("metadata")
        if meta is None:
            body["metadata"] = meta = {}
        if not isinstance(meta, dict):
            raise errors.bad_request(f"{rd.kind} in version \"{rd.version}\" cannot be handled as "
                                     f"a {rd.kind}: json: cannot unmarshal into Go struct field "
                                     f"{rd.kind}.metadata of type v1.ObjectMeta")
        for field in ("labels", "annotations"):
            validation.check_string_map(meta, field, rd.kind)
        # A fresh copy with apiVersion/kind first, as the API server serialises objects.
        obj = {"apiVersion": rd.api_version, "kind": rd.kind}
        obj.update((k, copy.deepcopy(v)) for k, v in body.items() if k not in ("apiVersion", "kind"))
        return obj

    def _finish(self, rd, obj, old):
        """Schema handling and validation common to create and update."""
        if rd.is_custom and rd.schema:
            obj = schema.prune_and_default(obj, rd.schema)
        causes = validation.validate_meta(obj["metadata"]) + rd.validate(obj, old)
        if rd.is_custom and rd.schema:
            causes += schema.validate(obj, rd.schema)
        if causes:
            raise errors.invalid(rd, obj["metadata"].get("name", ""), causes)
        return obj

    def create(self, rd, namespace, body):
        with self.lock:
            obj = self._check_body(rd, body)
            meta = obj["metadata"]
            if rd.namespaced:
                if meta.get("namespace") and meta["namespace"] != namespace:
                    raise errors.bad_request("the namespace of the provided object does not match "
                                             "the namespace sent on the request")
                meta["namespace"] = namespace
            else:
                meta.pop("namespace", None)
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(
                    random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))
            name = meta.get("name")
            if not name:
                raise errors.invalid(rd, "", [("metadata.name", "FieldValueRequired",
                                               "Required value: name or generateName is required")])
            if not isinstance(name, str) or validation.check_name(name, rd.builtin == "namespaces"):
                raise errors.invalid(rd, str(name), [("metadata.name", "FieldValueInvalid",
                    f'Invalid value: "{name}": '
                    + (validation.check_name(str(name), rd.builtin == "namespaces") or "invalid"))])
            if rd.namespaced and ("", namespace) not in self.buckets[("", "namespaces")]:
                raise errors.ApiError(404, "NotFound", f'namespaces "{namespace}" not found',
                                      {"name": namespace, "kind": "namespaces"})
            if (namespace if rd.namespaced else "", name) in self.buckets[rd.key]:
                raise errors.already_exists(rd, name)
            for server_field in ("uid", "resourceVersion", "deletionTimestamp",
                                 "deletionGracePeriodSeconds", "managedFields"):
                meta.pop(server_field, None)
            rd.prepare_create(obj)
            obj = self._finish(rd, obj, None)
            meta = obj["metadata"]
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
            if rd.tracks_generation:
                meta["generation"] = 1
            else:
                meta.pop("generation", None)
            meta["resourceVersion"] = self._next_rv()
            self.buckets[rd.key][(namespace if rd.namespaced else "", name)] = obj
            self._emit(rd, "ADDED", obj, None)
            if rd.builtin == "customresourcedefinitions":
                self._register_crd(obj)
            return obj

    def update(self, rd, namespace, name, body, subresource=None, from_patch=False):
        """PUT semantics (PATCH reuses it with the patched object). Returns (obj, created)."""
        with self.lock:
            body = self._check_body(rd, body)
            meta = body["metadata"]
            if meta.get("name") != name:
                raise errors.bad_request(f"the name of the object ({meta.get('name', '')}) does not "
                                         f"match the name on the URL ({name})")
            ns = namespace if rd.namespaced else ""
            if rd.namespaced and meta.get("namespace") and meta["namespace"] != namespace:
                raise errors.bad_request("the namespace of the provided object does not match the "
                                         "namespace sent on the request")
            old = self.buckets[rd.key].get((ns, name))
            if old is None:
                if rd.allow_create_on_update and not subresource and not from_patch:
                    return self.create(rd, namespace, body), True
                raise errors.not_found(rd, name)
            wanted = meta.get("resourceVersion")
            if wanted:
                if wanted != old["metadata"]["resourceVersion"]:
                    raise errors.conflict(rd, name)
            elif not rd.allow_unconditional_update:
                raise errors.invalid(rd, name, [("metadata.resourceVersion", "FieldValueInvalid",
                                                 "Invalid value: 0x0: must be specified for an update")])
            obj = self._merge_update(rd, old, body, subresource)
            obj = self._finish(rd, obj, old)
            meta = obj["metadata"]
            meta["resourceVersion"] = old["metadata"]["resourceVersion"]
            if obj == old:
                return old, False  # no change: no write, no new resourceVersion, no event
            if rd.tracks_generation:
                strip = ("metadata", "status") if rd.status else ("metadata",)
                changed = {k: v for k, v in obj.items() if k not in strip} != \
                    {k: v for k, v in old.items() if k not in strip}
                meta["generation"] = old["metadata"].get("generation", 1) + (1 if changed else 0)
            meta["resourceVersion"] = self._next_rv()
            if meta.get("deletionTimestamp") and not meta.get("finalizers"):
                del self.buckets[rd.key][(ns, name)]
                self._emit(rd, "DELETED", obj, old)
                self._after_delete(rd, obj)
                return obj, False
            self.buckets[rd.key][(ns, name)] = obj
            self._emit(rd, "MODIFIED", obj, old)
            if rd.builtin == "customresourcedefinitions":
                self._register_crd(obj)
            return obj, False

    @staticmethod
    def _merge_update(rd, old, body, subresource):
        if subresource == "status":
            obj = copy.deepcopy(old)
            if "status" in body:
                obj["status"] = copy.deepcopy(body["status"])
            else:
                obj.pop("status", None)
            return obj
        obj = copy.deepcopy(body)
        if rd.status:
            if "status" in old:
                obj["status"] = copy.deepcopy(old["status"])
            else:
                obj.pop("status", None)
        meta, old_meta = obj["metadata"], old["metadata"]
        for kept in ("uid", "creationTimestamp", "namespace", "deletionTimestamp",
                     "deletionGracePeriodSeconds", "generation"):
            if kept in old_meta:
                meta[kept] = old_meta[kept]
            else:
                meta.pop(kept, None)
        if rd.builtin == "namespaces":
            meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = old_meta["name"]
        return obj

    def delete(self, rd, namespace, name, preconditions):
        with self.lock:
            ns = namespace if rd.namespaced else ""
            old = self.buckets[rd.key].get((ns, name))
            if old is None:
                raise errors.not_found(rd, name)
            uid, rv = (preconditions or {}).get("uid"), (preconditions or {}).get("resourceVersion")
            if uid and uid != old["metadata"]["uid"]:
                raise errors.conflict(rd, name, f"Precondition failed: UID in precondition: {uid}, "
                                                f"UID in object meta: {old['metadata']['uid']}")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(rd, name, f"Precondition failed: ResourceVersion in "
                                                f"precondition: {rv}, ResourceVersion in object "
                                                f"meta: {old['metadata']['resourceVersion']}")
            if old["metadata"].get("finalizers"):
                if old["metadata"].get("deletionTimestamp"):
                    return old, False
                obj = copy.deepcopy(old)
                obj["metadata"]["deletionTimestamp"] = now_rfc3339()
                obj["metadata"]["deletionGracePeriodSeconds"] = 0
                obj["metadata"]["resourceVersion"] = self._next_rv()
                self.buckets[rd.key][(ns, name)] = obj
                self._emit(rd, "MODIFIED", obj, old)
                return obj, False
            return self._delete_now(rd, ns, name, old), True

    def _delete_now(self, rd, ns, name, old):
        del self.buckets[rd.key][(ns, name)]
        obj = copy.deepcopy(old)
        obj["metadata"]["resourceVersion"] = self._next_rv()
        self._emit(rd, "DELETED", obj, old)
        self._after_delete(rd, obj)
        return obj

    def _after_delete(self, rd, obj):
        """Namespaces and CRDs take their contents with them (at once, unlike a real
        cluster where the namespace controller / CRD finalizer does it asynchronously)."""
        name = obj["metadata"]["name"]
        if rd.builtin == "namespaces":
            for defs in [BUILTINS] + list(self.crd_defs.values()):
                for child_rd in defs:
                    if not child_rd.namespaced:
                        continue
                    for key in [k for k in self.buckets[child_rd.key] if k[0] == name]:
                        if key in self.buckets[child_rd.key]:
                            self._delete_now(child_rd, key[0], key[1], self.buckets[child_rd.key][key])
        elif rd.builtin == "customresourcedefinitions":
            defs = self.crd_defs.pop(name, [])
            if defs:
                for key, child in list(self.buckets[defs[0].key].items()):
                    self._delete_now(defs[0], key[0], key[1], child)
            for child_rd in defs:
                self.resources.pop((child_rd.group, child_rd.version, child_rd.plural), None)

    def _register_crd(self, crd):
        name = crd["metadata"]["name"]
        for old_rd in self.crd_defs.pop(name, []):
            self.resources.pop((old_rd.group, old_rd.version, old_rd.plural), None)
        defs = from_crd(crd)
        self.crd_defs[name] = defs
        for rd in defs:
            self.resources[(rd.group, rd.version, rd.plural)] = rd
