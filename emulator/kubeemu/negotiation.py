"""Accept negotiation of the conversions kube-apiserver offers: `meta.k8s.io` Tables and
PartialObjectMetadata(List) (what client-go's metadata client and informers ask for).

As in apiserver's handlers (`negotiation.NegotiateOutputMediaType`, then
`doTransformObject` in handlers/response.go): the media types of the Accept header are tried
in order and the first one the server can serve is chosen; a conversion that then does not
fit the answer (PartialObjectMetadata for a list, PartialObjectMetadataList for one object)
is 406 NotAcceptable, not a fallback to the next media type. Status objects (errors, ERROR
watch events) are never converted.
"""

from .errors import ApiError

_CONVERSIONS = ("Table", "PartialObjectMetadata", "PartialObjectMetadataList")
_GROUP_VERSIONS = ("v1", "v1beta1")


class Target:
    """A negotiated conversion: kind (one of _CONVERSIONS) and its `meta.k8s.io` version."""

    def __init__(self, kind, version):
        self.kind = kind
        self.api_version = "meta.k8s.io/" + version

    def __repr__(self):
        return f"Target({self.kind}, {self.api_version})"


def _media_types(accept):
    for entry in accept.split(","):
        fields = [f.strip() for f in entry.split(";")]
        params = {}
        for field in fields[1:]:
            key, _, value = field.partition("=")
            params[key.strip().lower()] = value.strip()
        yield fields[0].lower(), params


def negotiate(accept):
    """The conversion asked for, or None for the plain object (JSON, the emulator's only
    encoding: media types it cannot serve, protobuf or YAML, are skipped)."""
    for media, params in _media_types(accept or ""):
        if media not in ("application/json", "application/*", "*/*", ""):
            continue
        kind = params.get("as")
        if kind is None:
            return None
        if kind in _CONVERSIONS and params.get("g") == "meta.k8s.io" and params.get("v") in _GROUP_VERSIONS:
            return Target(kind, params["v"])
        # An `as=` the server does not offer makes the media type unacceptable: try the next.
    return None


def not_acceptable(message):
    return ApiError(406, "NotAcceptable", message)


def partial(obj, target):
    """`meta.AsPartialObjectMetadata`: the whole metadata, no spec or status."""
    return {"kind": "PartialObjectMetadata", "apiVersion": target.api_version, "metadata": obj.get("metadata") or {}}


def partial_list(items, list_meta, target):
    return {"kind": "PartialObjectMetadataList", "apiVersion": target.api_version, "metadata": list_meta,
            "items": [partial(o, target) for o in items]}


def object_for(target, rd, obj):
    """One object (GET of a name, a write's answer, a watch event's object) as asked."""
    if target is None:
        return obj
    if target.kind == "PartialObjectMetadata":
        return partial(obj, target)
    if target.kind == "PartialObjectMetadataList":
        raise not_acceptable("you requested PartialObjectMetadataList, but the requested object is not a list "
                             f"({rd.kind})")
    return None  # Table: the caller renders it


def check_list(target, rd):
    """A list asked for as one object's metadata."""
    if target is not None and target.kind == "PartialObjectMetadata":
        raise not_acceptable(f"you requested PartialObjectMetadata, but the requested object is a list ({rd.kind}List)")


def check_watch(target, rd):
    """A watch converts each event's object, so it asks for PartialObjectMetadata. Asked for
    a list, kube-apiserver starts the stream and then fails to convert every event (it logs
    the error and sends nothing usable); the emulator refuses up front, which a client sees
    the same way: no events."""
    if target is not None and target.kind == "PartialObjectMetadataList":
        raise not_acceptable("you requested PartialObjectMetadataList, but a watch streams objects "
                             f"({rd.kind}): ask for PartialObjectMetadata")
