"""One training job as a Ray task, and its result as a bundle of files that travels through Ray's object store.

:func:`train` runs on whichever Ray worker the cluster picks. It reports what :mod:`seqcore.worker` reports
(the same progress event dicts, a plain sentence on failure), but it never touches the app's cache folder: it
writes the finished run into a private temporary store, reads the entry's files back (manifest and
``<variant>.keras``, a few MB) and returns them. The app process then publishes that bundle into its own store
with :func:`publish_bundle`, which checks the manifest and every checksum first and needs no TensorFlow.

Nothing here imports ray at module level: the local backend never imports it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import traceback
import uuid
from pathlib import Path
from typing import Any

from seqcore.manifest import MANIFEST, StoreError

log = logging.getLogger(__name__)

BUNDLE_MAX_BYTES = 1 << 40  # the private temporary store on a Ray worker holds one entry: never evict it


def train(job_id: str, scenario_name: str, config: Any, events: Any, threads: int) -> dict:
    """Run one job on a Ray worker: ``{"bundle": {"key", "files"}}`` or ``{"failed": sentence, "detail": text}``.

    Progress goes to the ``events`` actor as ``(job_id, (kind, payload))``; the task waits for its last report
    before returning, so the app has every event once the result is ready.
    """
    import ray

    from seqcore.scenarios import get_scenario
    from seqcore.store import entry_key
    from seqcore.worker import plain_failure, prepare_tensorflow

    node = ray.get_runtime_context().get_node_id()
    last = [events.put.remote(job_id, ("started", {"node": node, "pid": os.getpid()}))]
    prepare_tensorflow(threads)

    def progress(event: dict) -> None:
        last[0] = events.put.remote(job_id, ("progress", event))

    try:
        scenario = get_scenario(scenario_name)
        result = scenario.run(config, progress=progress)
        answer = {"bundle": pack(entry_key(scenario.name, config, scenario.version), result)}
    except Exception as error:  # a plain sentence for the page; the details for the app's log
        answer = {"failed": plain_failure(error), "detail": traceback.format_exc()}
    ray.get(last[0])  # the app reads the events before it reads the result
    return answer


def pack(key: str, result: Any) -> dict:
    """The store entry of ``result`` as ``{"key": key, "files": {name: bytes}}``, written by the store's own code."""
    from seqcore.store import Store

    with tempfile.TemporaryDirectory(prefix="seqcore-ray-") as folder:
        entry = Store(folder, BUNDLE_MAX_BYTES, bundled=None).save(key, result)
        return {"key": key, "files": {path.name: path.read_bytes() for path in entry.iterdir() if path.is_file()}}


def publish_bundle(store: Any, key: str, bundle: dict) -> Path:
    """Write a bundle into ``store`` as the entry ``key``, atomically and only if the manifest and checksums hold.

    Raises StoreError for a bundle that is not the run asked for (or is damaged), OSError when the folder cannot
    be written (read-only, full).
    """
    files = bundle.get("files") if isinstance(bundle, dict) else None
    if bundle.get("key") != key or not isinstance(files, dict) or MANIFEST not in files:
        raise StoreError(f"the bundle returned for {key} is not that run")
    for name, data in files.items():
        if not isinstance(name, str) or Path(name).name != name or name.startswith(".") or not isinstance(data, bytes):
            raise StoreError(f"the bundle returned for {key} names a file it may not: {str(name)[:60]!r}")
    root = Path(store.root)
    root.mkdir(parents=True, exist_ok=True)
    temp = root / f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    entry = temp / key  # named as it will be: the manifest's key must name its folder
    try:
        entry.mkdir(parents=True)
        for name, data in files.items():
            (entry / name).write_bytes(data)
        store._read(entry, writable=False)  # the same checks as any read of the cache: manifest, artifacts, sha256
        store._publish(entry, root / key, replace=False)
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # empty once published; else another copy won, or the write failed
    try:
        store.evict(keep=key)
    except OSError as error:  # the entry is published; a failed clean-up must not undo that
        log.warning("cache eviction failed: %s", error)
    return root / key


def unsaved_bundle_payload(fallback: Any, key: str, bundle: dict) -> dict:
    """For a bundle the cache could not take: what :meth:`seqcore.store.Store.unsaved_payload` would give —
    ``{"folder": ...}`` in the private fallback store, else ``{"manifest": ...}`` (the JSON-able parts)."""
    try:
        return {"folder": str(publish_bundle(fallback, key, bundle))}
    except (OSError, StoreError) as error:
        log.warning("could not keep the models of %s anywhere (%s); sending the results without them", key, error)
        manifest = json.loads(bundle["files"][MANIFEST])
        return {"manifest": {**manifest, "files": {}}}
