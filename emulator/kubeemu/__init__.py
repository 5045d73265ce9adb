"""Kubernetes API emulator internals (Python standard library only).

The package is split by concern: certificates, the object store with its watch
history, selectors, patches, CRD schema validation, server-side tables,
discovery documents, fault injection and the HTTP handler that ties them
together. `kube_api_emulator.py` next to this package is the entry point.
"""
