"""Resource definitions: the built-in kinds we serve and those derived from installed CRDs."""

from . import events, validation


class ResourceDef:
    """One served group/version/resource. Versions of one CRD share a storage `key`."""

    def __init__(self, group, version, plural, kind, namespaced, singular=None,
                 short_names=(), categories=(), status=False, schema=None, columns=None,
                 builtin=None, storage_key=None):
        self.group, self.version, self.plural, self.kind = group, version, plural, kind
        self.namespaced, self.status = namespaced, status
        self.singular = singular or kind.lower()
        self.short_names, self.categories = list(short_names), list(categories)
        self.schema, self.columns = schema, columns
        self.builtin = builtin  # name of the built-in strategy, None for custom resources
        self.storage_key = storage_key  # another resource's storage this one is a view of

    @property
    def key(self):
        return self.storage_key or (self.group, self.plural)

    @property
    def read_only(self):
        """core/v1 Events are served as a read-only view of events.k8s.io/v1 Events."""
        return self.builtin == "coreevents"

    def present(self, obj):
        """The stored object as this resource serves it."""
        if self.builtin == "coreevents":
            return events.to_core(obj)
        return obj

    @property
    def api_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self):
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def is_custom(self):
        return self.builtin is None

    # Strategy switches, with the values kube-apiserver's registries use.
    @property
    def allow_unconditional_update(self):
        return self.builtin in ("pods", "namespaces")

    @property
    def allow_create_on_update(self):
        return self.builtin == "leases"

    @property
    def return_deleted_object(self):
        return self.builtin != "leases"

    @property
    def tracks_generation(self):
        return self.builtin in (None, "customresourcedefinitions")

    @property
    def field_selectors(self):
        fields = {"metadata.name"} | ({"metadata.namespace"} if self.namespaced else set())
        if self.builtin == "pods":
            fields |= {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                       "spec.serviceAccountName", "status.phase", "status.podIP",
                       "status.nominatedNodeName"}
        if self.builtin == "namespaces":
            fields |= {"status.phase"}
        if self.builtin == "events":
            fields |= {"regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid",
                       "reason", "type", "reportingController"}
        if self.builtin == "coreevents":
            fields |= {"involvedObject.kind", "involvedObject.name", "involvedObject.namespace",
                       "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.fieldPath",
                       "involvedObject.resourceVersion", "reason", "reportingComponent", "source", "type"}
        return fields

    def prepare_create(self, obj):
        if self.builtin == "pods":
            obj["status"] = {"phase": "Pending"}  # the registry resets status on create
        elif self.builtin == "namespaces":
            obj["status"] = {"phase": "Active"}
            obj.setdefault("spec", {"finalizers": ["kubernetes"]})
            labels = obj["metadata"].setdefault("labels", {})
            labels["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
        elif self.builtin == "customresourcedefinitions":
            obj["status"] = validation.crd_status(obj)
        elif self.status:
            obj.pop("status", None)

    def validate(self, obj, old=None):
        """Returns field causes; raises ApiError(400) for undecodable built-in objects."""
        if self.builtin == "leases":
            return validation.validate_lease(obj)
        if self.builtin == "pods":
            return validation.validate_pod(obj, old)
        if self.builtin == "customresourcedefinitions":
            return validation.validate_crd(obj)
        if self.builtin == "events":
            return events.validate(obj, old)
        return []

    def resource_entry(self):
        entry = {"name": self.plural, "singularName": self.singular,
                 "namespaced": self.namespaced, "kind": self.kind,
                 "verbs": ["create", "delete", "deletecollection", "get", "list", "patch",
                           "update", "watch"]}
        if self.short_names:
            entry["shortNames"] = self.short_names
        if self.categories:
            entry["categories"] = self.categories
        return entry


BUILTINS = [
    ResourceDef("", "v1", "namespaces", "Namespace", False, short_names=["ns"], status=True,
                builtin="namespaces"),
    ResourceDef("", "v1", "pods", "Pod", True, short_names=["po"], categories=["all"],
                status=True, builtin="pods"),
    ResourceDef("coordination.k8s.io", "v1", "leases", "Lease", True, builtin="leases"),
    ResourceDef("events.k8s.io", "v1", "events", "Event", True, short_names=["ev"], builtin="events"),
    ResourceDef("", "v1", "events", "Event", True, short_names=["ev"], builtin="coreevents",
                storage_key=("events.k8s.io", "events")),
    ResourceDef("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                "CustomResourceDefinition", False, short_names=["crd", "crds"],
                categories=["api-extensions"], status=True,
                builtin="customresourcedefinitions"),
]


def from_crd(crd):
    """ResourceDefs for every served version of an (already validated) CRD."""
    spec = crd["spec"]
    names = spec["names"]
    defs = []
    for version in spec.get("versions", []):
        if not version.get("served", True):
            continue
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        defs.append(ResourceDef(
            spec["group"], version["name"], names["plural"], names["kind"],
            spec.get("scope", "Namespaced") == "Namespaced", singular=names.get("singular"),
            short_names=names.get("shortNames", []), categories=names.get("categories", []),
            status="status" in (version.get("subresources") or {}), schema=schema,
            columns=version.get("additionalPrinterColumns")))
    return defs
