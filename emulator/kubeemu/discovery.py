"""Legacy discovery documents (kubectl falls back to them from aggregated discovery)."""


def version_info():
    return {"major": "1", "minor": "32", "gitVersion": "v1.32.0-emulator",
            "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23", "compiler": "gc",
            "platform": "linux/amd64"}


def api_versions(port):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": f"127.0.0.1:{port}"}]}


def _group_entry(group, versions):
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": entries, "preferredVersion": entries[0]}


def _by_group(store):
    groups = {}
    for group, version in store.group_versions():
        if group:
            groups.setdefault(group, []).append(version)
    for versions in groups.values():
        versions.sort(reverse=True)  # good enough for v1 > v1beta1 > v1alpha1 in our use
    return groups


def api_group_list(store):
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [_group_entry(g, v) for g, v in sorted(_by_group(store).items())]}


def api_group(store, group):
    versions = _by_group(store).get(group)
    if not versions:
        return None
    entry = _group_entry(group, versions)
    entry.update(kind="APIGroup", apiVersion="v1")
    return entry


def resource_list(store, group, version):
    with store.lock:
        defs = [rd for rd in store.resources.values() if rd.group == group and rd.version == version]
    if not defs:
        return None
    resources = []
    for rd in sorted(defs, key=lambda r: r.plural):
        resources.append(rd.resource_entry())
        if rd.status:
            resources.append({"name": f"{rd.plural}/status", "singularName": "",
                              "namespaced": rd.namespaced, "kind": rd.kind,
                              "verbs": ["get", "patch", "update"]})
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": resources}



def _gv_path(group, version):
    return f"apis/{group}/{version}" if group else f"api/{version}"


def openapi_v3_root(store):
    """Only enough OpenAPI v3 for kubectl to learn that the server validates fields itself
    (it then sends fieldValidation=Strict instead of validating client-side)."""
    return {"paths": {_gv_path(g, v): {"serverRelativeURL": f"/openapi/v3/{_gv_path(g, v)}?hash=0"}
                      for g, v in store.group_versions()}}


def openapi_v3_group_version(store, group, version):
    with store.lock:
        defs = [rd for rd in store.resources.values() if rd.group == group and rd.version == version]
    if not defs:
        return None
    paths = {}
    for rd in defs:
        prefix = "/" + _gv_path(group, version) + ("/namespaces/{namespace}" if rd.namespaced else "")
        paths[f"{prefix}/{rd.plural}/{{name}}"] = {"patch": {
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": rd.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}],
            "responses": {}}}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0-emulator"},
            "paths": paths, "components": {}}
