"""Server-side printing: `meta.k8s.io/v1` Tables as kubectl requests them."""

import datetime
import json

_NAME_COLUMN = {"name": "Name", "type": "string", "format": "name", "priority": 0,
                "description": "Name must be unique within a namespace. More info: "
                               "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"}
_AGE_COLUMN = {"name": "Age", "type": "string", "format": "", "priority": 0,
               "description": "CreationTimestamp is a timestamp representing the server time "
                              "when this object was created."}


def _column(name, type_="string", priority=0, description=""):
    return {"name": name, "type": type_, "format": "", "description": description,
            "priority": priority}


def human_duration(seconds):
    """apimachinery's duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m" if s % 60 == 0 else f"{minutes}m{s % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        years = hours // (24 * 365)
        return f"{years}y{(hours // 24) % 365}d"
    return f"{hours // (24 * 365)}y"


def age(timestamp):
    if not isinstance(timestamp, str):
        return "<unknown>"
    try:
        then = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return "<invalid>"
    return human_duration((datetime.datetime.now(datetime.timezone.utc) - then).total_seconds())


def evaluate(obj, path):
    """The simple JSONPath subset printer columns use: `.a.b.c` and `.a[0].b`."""
    node = obj
    for part in path.strip().lstrip(".").replace("[", ".[").split("."):
        if part == "":
            continue
        if part.startswith("[") and part.endswith("]"):
            try:
                node = node[int(part[1:-1])] if isinstance(node, list) else None
            except (ValueError, IndexError):
                return None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node


def _cell(type_, value):
    """As the CRD table convertor: typed cells, dates shown as ages, missing -> null."""
    if value is None:
        return None
    if type_ == "date":
        return age(value) if isinstance(value, str) else None
    if type_ == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if type_ == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if type_ == "boolean":
        return value if isinstance(value, bool) else None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _pod_row(pod):
    status = pod.get("status") or {}
    statuses = status.get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount", 0) or 0) for c in statuses)
    reason = status.get("reason") or status.get("phase") or ""
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    spec = pod.get("spec") or {}
    return [f"{ready}/{total}", reason, str(restarts), age(pod["metadata"].get("creationTimestamp")),
            status.get("podIP") or "<none>", spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>", "<none>"]


def columns_for(rd):
    if rd.builtin == "pods":
        cols = [_column("Ready"), _column("Status"), _column("Restarts"), dict(_AGE_COLUMN),
                _column("IP", priority=1), _column("Node", priority=1),
                _column("Nominated Node", priority=1), _column("Readiness Gates", priority=1)]
    elif rd.builtin == "leases":
        cols = [_column("Holder"), dict(_AGE_COLUMN)]
    elif rd.builtin == "namespaces":
        cols = [_column("Status"), dict(_AGE_COLUMN)]
    elif rd.builtin == "customresourcedefinitions":
        cols = [_column("Created At", "date")]
    elif rd.columns:
        cols = [{"name": c.get("name", ""), "type": c.get("type", "string"),
                 "format": c.get("format", ""), "description": c.get("description", ""),
                 "priority": c.get("priority", 0)} for c in rd.columns]
    else:
        cols = [_column("Age", "date", description=_AGE_COLUMN["description"])]
    return [dict(_NAME_COLUMN)] + cols


def _cells(rd, obj):
    meta = obj["metadata"]
    if rd.builtin == "pods":
        rest = _pod_row(obj)
    elif rd.builtin == "leases":
        rest = [(obj.get("spec") or {}).get("holderIdentity") or "", age(meta.get("creationTimestamp"))]
    elif rd.builtin == "namespaces":
        rest = [(obj.get("status") or {}).get("phase", ""), age(meta.get("creationTimestamp"))]
    elif rd.builtin == "customresourcedefinitions":
        rest = [meta.get("creationTimestamp")]
    elif rd.columns:
        rest = [_cell(c.get("type", "string"), evaluate(obj, c.get("jsonPath", ""))) for c in rd.columns]
    else:
        rest = [age(meta.get("creationTimestamp"))]
    return [meta.get("name")] + rest


def _row_object(obj, include):
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj["metadata"]}


def table(rd, objects, include="Metadata", list_meta=None, with_columns=True, api_version="meta.k8s.io/v1"):
    rows = []
    for obj in objects:
        row = {"cells": _cells(rd, obj)}
        included = _row_object(obj, include)
        if included is not None:
            row["object"] = included
        rows.append(row)
    result = {"kind": "Table", "apiVersion": api_version, "metadata": list_meta or {}}
    if with_columns:
        result["columnDefinitions"] = columns_for(rd)
    result["rows"] = rows
    return result

