"""LIST with selectors and limit/continue pagination over consistent snapshots."""

import base64
import binascii
import itertools
import json

from . import errors, negotiation, tables
from .selectors import parse_field_selector, parse_label_selector

_SNAPSHOT_LIMIT = 64
_snapshot_ids = itertools.count(1)

_EXPIRED = ("The provided continue parameter is too old to display a consistent list result. "
            "You can start a new list without the continue parameter, or use the continue token "
            "in this response to retrieve the remainder of the results. Continuing with the "
            "provided token results in an inconsistent list - objects that were created, "
            "modified, or deleted between the time the first chunk was returned and now may "
            "show up in the list.")


def predicate(rd, query):
    labels = parse_label_selector(query.get("labelSelector"))
    fields = parse_field_selector(query.get("fieldSelector"), rd.field_selectors)
    return lambda obj: labels(obj["metadata"].get("labels")) and fields(rd.present(obj))


def _encode(snapshot_id, rv, offset):
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "snapshot": snapshot_id, "offset": offset})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        return int(data["snapshot"]), int(data["offset"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise errors.bad_request(f'continue key is not valid: illegal base64 data')


def _page(server, rd, ns, query):
    """Returns (items, list metadata). Snapshots make later pages consistent with the first,
    as etcd's MVCC does for a real server."""
    match = predicate(rd, query)
    limit_text = query.get("limit")
    try:
        limit = int(limit_text) if limit_text else 0
    except ValueError:
        raise errors.bad_request(f'strconv.ParseInt: parsing "{limit_text}": invalid syntax')
    token = query.get("continue")
    if query.get("resourceVersion") == "0" and not token:
        limit = 0  # served from the watch cache, which ignores limit
    if token:
        snapshot_id, offset = _decode(token)
        with server.snapshots_lock:
            entry = server.snapshots.get(snapshot_id)
        if entry is None:
            raise errors.gone(_EXPIRED)
        objects, rv = entry
    else:
        objects, rv = server.store.snapshot(rd, ns)
        snapshot_id, offset = None, 0
    if limit <= 0:
        return [o for o in objects[offset:] if match(o)], {"resourceVersion": rv}
    items, index = [], offset
    while index < len(objects) and len(items) < limit:
        if match(objects[index]):
            items.append(objects[index])
        index += 1
    meta = {"resourceVersion": rv}
    if index < len(objects):
        if snapshot_id is None:
            snapshot_id = next(_snapshot_ids)
            with server.snapshots_lock:
                server.snapshots[snapshot_id] = (objects, rv)
                while len(server.snapshots) > _SNAPSHOT_LIMIT:
                    del server.snapshots[min(server.snapshots)]
        meta["continue"] = _encode(snapshot_id, rv, index)
        if not query.get("labelSelector") and not query.get("fieldSelector"):
            meta["remainingItemCount"] = len(objects) - index
    return items, meta


def serve(handler, rd, ns, query, target, include):
    """`target`: the negotiated conversion (negotiation.negotiate), None for the plain list."""
    items, meta = _page(handler.server, rd, ns, query)
    items = [rd.present(o) for o in items]
    if target is not None and target.kind == "Table":
        return handler.send_json(200, tables.table(rd, items, include, meta, api_version=target.api_version))
    if target is not None and target.kind == "PartialObjectMetadataList":
        return handler.send_json(200, negotiation.partial_list(items, meta, target))
    if rd.is_custom:
        # Unstructured lists carry apiVersion/kind on every item; typed lists do not.
        items = [handler._out(rd, o) for o in items]
    else:
        items = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in items]
    body = {"apiVersion": rd.api_version, "items": items, "kind": rd.kind + "List", "metadata": meta}
    return handler.send_json(200, body)


def delete_collection(handler, rd, ns, query):
    store = handler.server.store
    match = predicate(rd, query)
    deleted = []
    with store.lock:
        objects, rv = store.snapshot(rd, ns)
        for obj in objects:
            if match(obj):
                meta = obj["metadata"]
                result, _ = store.delete(rd, meta.get("namespace"), meta["name"], None)
                deleted.append(result)
        rv = str(store.rv)
    items = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in deleted] \
        if not rd.is_custom else deleted
    return handler.send_json(200, {"apiVersion": rd.api_version, "items": items,
                                   "kind": rd.kind + "List", "metadata": {"resourceVersion": rv}})
