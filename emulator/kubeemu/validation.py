"""Validation of object metadata and of the built-in kinds, with apimachinery's messages."""

import datetime
import re

from .errors import bad_request

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_MICROTIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})(Z|[+-]\d\d:\d\d)$")


def check_name(name, dns_label):
    """Messages as apimachinery's IsDNS1123Subdomain / IsDNS1123Label."""
    if dns_label:
        if len(name) > 63 or not _LABEL.match(name):
            return ("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                    "characters or '-', and must start and end with an alphanumeric character")
    elif len(name) > 253 or not _SUBDOMAIN.match(name):
        return ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character")
    return None


def _qualified_name_ok(key):
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _SUBDOMAIN.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(_QUALIFIED.match(name))


def check_string_map(meta, field, kind_name):
    """Labels/annotations must decode as map[string]string (else the decoder fails: 400)."""
    value = meta.get(field)
    if value is None:
        return
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise bad_request(f"{kind_name} in version \"v1\" cannot be handled as a {kind_name}: "
                          f"json: cannot unmarshal into Go struct field ObjectMeta.metadata.{field} "
                          f"of type map[string]string")


def validate_meta(meta):
    causes = []
    for key, value in (meta.get("labels") or {}).items():
        if not _qualified_name_ok(key):
            causes.append(("metadata.labels", "FieldValueInvalid",
                           f'Invalid value: "{key}": name part must consist of alphanumeric '
                           f"characters, '-', '_' or '.', and must start and end with an "
                           f"alphanumeric character"))
        if len(value) > 63 or not _LABEL_VALUE.match(value):
            causes.append(("metadata.labels", "FieldValueInvalid",
                           f'Invalid value: "{value}": a valid label must be an empty string or '
                           f"consist of alphanumeric characters, '-', '_' or '.', and must start "
                           f"and end with an alphanumeric character"))
    annotations = meta.get("annotations") or {}
    for key in annotations:
        if not _qualified_name_ok(key):
            causes.append(("metadata.annotations", "FieldValueInvalid",
                           f'Invalid value: "{key}": name part must consist of alphanumeric '
                           f"characters, '-', '_' or '.', and must start and end with an "
                           f"alphanumeric character"))
    size = sum(len(k) + len(v) for k, v in annotations.items())
    if size > 262144:
        causes.append(("metadata.annotations", "FieldValueTooLong",
                       "Too long: must have at most 262144 bytes"))
    return causes


def _cannot_handle(kind, detail):
    return bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: {detail}')


def normalize_microtime(value, field):
    """MicroTime must be RFC 3339 with exactly six fractional digits; stored in UTC."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _cannot_handle("Lease", f"json: cannot unmarshal into Go struct field "
                                      f"LeaseSpec.spec.{field} of type string")
    m = _MICROTIME.match(value)
    if not m:
        raise _cannot_handle("Lease", f'parsing time "{value}" as '
                                      f'"2006-01-02T15:04:05.000000Z07:00": cannot parse')
    stamp = datetime.datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(2) == "Z" else m.group(2)))
    return stamp.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_LEASE_SPEC = {"holderIdentity": str, "leaseDurationSeconds": int, "acquireTime": str,
               "renewTime": str, "leaseTransitions": int, "strategy": str, "preferredHolder": str}


def validate_lease(obj):
    """Decodes like the Go types would (unknown fields dropped, wrong types 400), then
    validates like ValidateLeaseSpec."""
    for key in list(obj):
        if key not in ("apiVersion", "kind", "metadata", "spec"):
            del obj[key]
    spec = obj.get("spec")
    if spec is None:
        obj["spec"] = spec = {}
    if not isinstance(spec, dict):
        raise _cannot_handle("Lease", "json: cannot unmarshal into Go struct field Lease.spec "
                                      "of type v1.LeaseSpec")
    for key in list(spec):
        expected = _LEASE_SPEC.get(key)
        value = spec[key]
        if expected is None or value is None:
            del spec[key]
            continue
        if expected is int and (not isinstance(value, int) or isinstance(value, bool)):
            if isinstance(value, float) and value.is_integer():
                spec[key] = int(value)
                continue
            raise _cannot_handle("Lease", f"json: cannot unmarshal {type(value).__name__} into "
                                          f"Go struct field LeaseSpec.spec.{key} of type int32")
        if expected is str and not isinstance(value, str):
            raise _cannot_handle("Lease", f"json: cannot unmarshal {type(value).__name__} into "
                                          f"Go struct field LeaseSpec.spec.{key} of type string")
    for field in ("acquireTime", "renewTime"):
        if field in spec:
            spec[field] = normalize_microtime(spec[field], field)
    causes = []
    if spec.get("leaseDurationSeconds") is not None and spec["leaseDurationSeconds"] <= 0:
        causes.append(("spec.leaseDurationSeconds", "FieldValueInvalid",
                       f"Invalid value: {spec['leaseDurationSeconds']}: must be greater than 0"))
    if spec.get("leaseTransitions") is not None and spec["leaseTransitions"] < 0:
        causes.append(("spec.leaseTransitions", "FieldValueInvalid",
                       f"Invalid value: {spec['leaseTransitions']}: must be greater than or equal to 0"))
    return causes


def validate_pod(obj, old):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [("spec.containers", "FieldValueRequired", "Required value")]
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        return [("spec.containers", "FieldValueRequired", "Required value")]
    causes = []
    for i, container in enumerate(containers):
        if not isinstance(container, dict) or not container.get("name"):
            causes.append((f"spec.containers[{i}].name", "FieldValueRequired", "Required value"))
        elif not isinstance(container, dict) or not container.get("image"):
            causes.append((f"spec.containers[{i}].image", "FieldValueRequired", "Required value"))
    if old is not None and not causes:
        # Pods are immutable apart from a few fields; container images are the common one.
        def strip(s):
            s = dict(s)
            s["containers"] = [{k: v for k, v in c.items() if k != "image"} for c in s.get("containers", [])]
            for mutable in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
                s.pop(mutable, None)
            return s
        if strip(spec) != strip(old.get("spec") or {}):
            causes.append(("spec", "FieldValueForbidden",
                           "Forbidden: pod updates may not change fields other than "
                           "`spec.containers[*].image`, `spec.activeDeadlineSeconds`, "
                           "`spec.tolerations` (only additions to existing tolerations), "
                           "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                           "was previously negative)"))
    return causes


def validate_crd(obj):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [("spec", "FieldValueRequired", "Required value")]
    causes = []
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    group, plural = spec.get("group"), names.get("plural")
    for field, value in (("spec.group", group), ("spec.names.plural", plural),
                         ("spec.names.kind", names.get("kind"))):
        if not isinstance(value, str) or not value:
            causes.append((field, "FieldValueRequired", "Required value"))
    if causes:
        return causes
    expected = f"{plural}.{group}"
    if obj["metadata"].get("name") != expected:
        causes.append(("metadata.name", "FieldValueInvalid",
                       f'Invalid value: "{obj["metadata"].get("name")}": must be spec.names.plural+"."+spec.group'))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        causes.append(("spec.scope", "FieldValueNotSupported",
                       f'Unsupported value: "{spec.get("scope")}": supported values: "Cluster", "Namespaced"'))
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        causes.append(("spec.versions", "FieldValueInvalid", "Invalid value: null: must have exactly one version marked as storage version"))
    elif sum(1 for v in versions if isinstance(v, dict) and v.get("storage")) != 1:
        causes.append(("spec.versions", "FieldValueInvalid",
                       "Invalid value: must have exactly one version marked as storage version"))
    elif not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in versions):
        causes.append(("spec.versions", "FieldValueRequired", "Required value"))
    return causes


def crd_status(obj):
    names = dict((obj.get("spec") or {}).get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conditions = [
        {"type": t, "status": "True", "lastTransitionTime": now, "reason": r, "message": m}
        for t, r, m in (("NamesAccepted", "NoConflicts", "no conflicts found"),
                        ("Established", "InitialNamesAccepted", "the initial names have been accepted"))
    ]
    storage = [v.get("name") for v in (obj.get("spec") or {}).get("versions", [])
               if isinstance(v, dict) and v.get("storage")]
    return {"conditions": conditions, "acceptedNames": names, "storedVersions": storage}
