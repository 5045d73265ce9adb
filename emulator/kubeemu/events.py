"""Events: events.k8s.io/v1 is stored and written; core/v1 Events are a read-only view of
the same objects (as in kube-apiserver, where both are one storage), so `kubectl describe`,
which lists core/v1 Events by involvedObject, shows what a recorder wrote with events.k8s.io/v1.
"""

from .errors import bad_request

_TYPES = ("Normal", "Warning")


def validate(obj, old=None):
    """Field causes (field, reason, message) like ValidateEventCreate/Update of
    events.k8s.io/v1 (the subset we use)."""
    causes = []

    def need(field, value):
        if not isinstance(value, str) or not value:
            causes.append((field, "FieldValueRequired", "Required value"))

    for key in ("regarding", "series", "related"):
        if key in obj and obj[key] is not None and not isinstance(obj[key], dict):
            raise bad_request(f"json: cannot unmarshal into Go struct field Event.{key}")
    need("eventTime", obj.get("eventTime"))
    need("reportingController", obj.get("reportingController"))
    need("reportingInstance", obj.get("reportingInstance"))
    need("action", obj.get("action"))
    need("reason", obj.get("reason"))
    if obj.get("type") not in _TYPES:
        causes.append(("type", "FieldValueNotSupported",
                       f'Unsupported value: "{obj.get("type")}": supported values: "Normal", "Warning"'))
    if len(obj.get("note") or "") > 1024:
        causes.append(("note", "FieldValueTooLong", "Too long: may not be more than 1024 bytes"))
    series = obj.get("series")
    if series is not None:
        if not isinstance(series.get("count"), int) or series["count"] < 2:
            causes.append(("series.count", "FieldValueInvalid", "should be at least 2"))
        need("series.lastObservedTime", series.get("lastObservedTime"))
    if old is not None:
        for key in ("regarding", "reason", "action", "type", "reportingController", "reportingInstance", "eventTime"):
            if obj.get(key) != old.get(key):
                causes.append((key, "FieldValueInvalid", "field is immutable"))
    return causes


def to_core(obj):
    """The core/v1 shape of a stored events.k8s.io/v1 Event (field names of kube-apiserver's conversion)."""
    series = obj.get("series") or {}
    core = {
        "apiVersion": "v1", "kind": "Event", "metadata": obj.get("metadata", {}),
        "involvedObject": obj.get("regarding") or {},
        "reason": obj.get("reason", ""), "message": obj.get("note", ""), "type": obj.get("type", ""),
        "action": obj.get("action", ""), "eventTime": obj.get("eventTime"),
        "reportingComponent": obj.get("reportingController", ""),
        "reportingInstance": obj.get("reportingInstance", ""),
        "source": {"component": obj.get("reportingController", "")},
        "count": series.get("count", obj.get("deprecatedCount") or 1),
        "firstTimestamp": obj.get("deprecatedFirstTimestamp") or _seconds(obj.get("eventTime")),
        "lastTimestamp": _seconds(series.get("lastObservedTime")) or obj.get("deprecatedLastTimestamp")
        or _seconds(obj.get("eventTime")),
    }
    if series:
        core["series"] = {"count": series.get("count"), "lastObservedTime": series.get("lastObservedTime")}
    if obj.get("related"):
        core["related"] = obj["related"]
    return core


def _seconds(micro):
    """MicroTime (2026-12-04T05:00:00.123456Z) -> Time (2026-12-04T05:00:00Z)."""
    if not isinstance(micro, str) or len(micro) < 20:
        return None
    return micro[:19] + "Z"
