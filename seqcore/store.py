"""On-disk cache of finished runs: one folder per (scenario, config, code version).

A folder holds ``manifest.json`` (config, metrics, history, artifacts, and the SHA-256 of every model file)
and one ``<variant>.keras`` per model: architecture and weights, no optimizer state (:mod:`seqcore.stored_models`
checks each one against its recorded checksum before it loads it, with ``safe_mode=True``, or serves it).

Several processes may share one cache (two app replicas, the app and ``pretrain``), so:

* A write builds the whole entry in a temporary folder beside the target, then publishes it with one rename,
  which fails rather than overwrite a folder that is there. An entry already there and valid is kept (the same
  key means the same configuration and code: the first finished copy wins); a damaged one is renamed away
  first. A good entry is never deleted before its replacement is in place, and a reader sees a whole entry
  or none.
* A read checks the manifest (required keys and their types, :mod:`seqcore.manifest`; the artifacts through
  the scenario's record) and every checksum. When that fails it reads once more (the entry may have been
  replaced meanwhile); only an entry that is still the same damaged folder is removed — renamed away, then
  deleted — and trained again.
* The bundled pretrained entries (``seqcore/pretrained/``, looked up after the cache) are never changed.
* A read-only or full cache never breaks a page: a load does not need to write, and a run that cannot be
  saved is delivered without caching (:meth:`Store.unsaved_payload`, :meth:`Store.load_unsaved`).

The folder is ``$SEQCORE_CACHE_DIR`` or the user cache dir; its size is bounded (``$SEQCORE_CACHE_MAX_MB``,
default 500) with least-recently-used eviction (:mod:`seqcore.store_cleanup`).
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from seqcore.manifest import FORMAT, MANIFEST, StoreError, is_number, validate_manifest
from seqcore.records import jsonable
from seqcore.result import Result
from seqcore.store_cleanup import StoreCleanup, default_max_bytes
from seqcore.stored_models import NoModels, StoredModels, file_sha256, savable

CODE_VERSION = "1"  # bump when shared code (training, store format) changes results
BUNDLED_DIR = Path(__file__).resolve().parent / "pretrained"
DAMAGED_WARNING = (
    "A saved result for these settings was damaged, so it was removed; it will be trained again when you press Train."
)

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    configured = os.environ.get("SEQCORE_CACHE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("seqcore"))


def entry_key(scenario_name: str, config: Any, version: str) -> str:
    """Scenario + config hash + code version: the name of the entry's folder."""
    return f"{scenario_name}-{config.config_hash()}-v{version}.{CODE_VERSION}"


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder this is (device, inode): a folder replaced by another one under the same name differs."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _scenario_artifacts(scenario_name: str) -> type:
    from seqcore.scenarios import get_scenario  # the scenario's typed artifacts record

    return get_scenario(scenario_name).Artifacts


class Store(StoreCleanup):
    """The cache. Safe to share between processes: writes publish by rename, reads verify and never guess."""

    def __init__(
        self,
        root: Path | str | None = None,
        max_bytes: int | None = None,
        bundled: Path | str | None = BUNDLED_DIR,
        artifacts_record: Callable[[str], type] = _scenario_artifacts,
    ) -> None:
        self.root = Path(root) if root is not None else cache_dir()
        self.max_bytes = max_bytes if max_bytes is not None else default_max_bytes()
        self.bundled = Path(bundled) if bundled is not None else None
        self.artifacts_record = artifacts_record  # scenario name → its Artifacts record class

    # -- write ------------------------------------------------------------------------------------------
    def save(self, key: str, result: Result, into: Path | None = None, replace: bool | None = None) -> Path:
        """Publish ``result`` under ``key`` atomically; returns the entry folder.

        In the cache, an entry already published under ``key`` and valid is kept (another process trained the same
        run). ``replace=True`` swaps it for this one; that is the default when writing ``into`` another folder
        (``pretrain --bundle`` rebuilds the bundle on purpose). Raises OSError when the folder cannot be written
        (read-only, full).
        """
        replace = into is not None if replace is None else replace
        root = Path(into) if into is not None else self.root
        root.mkdir(parents=True, exist_ok=True)
        temp = root / f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temp.mkdir()
        final = root / key
        try:
            files = {}
            for variant, model in result.models.items():
                name = f"{variant}.keras"
                savable(model).save(temp / name)
                files[variant] = {"name": name, "sha256": file_sha256(temp / name)}
            with open(temp / MANIFEST, "w") as handle:
                json.dump(self._manifest(key, result, files), handle)
                handle.flush()
                os.fsync(handle.fileno())
            self._publish(temp, final, replace)
        finally:
            if temp.exists():  # not published: someone else's copy is in place, or the write failed
                shutil.rmtree(temp, ignore_errors=True)
        if root == self.root:
            try:
                self.evict(keep=key)
            except OSError as error:  # the entry is published; a failed clean-up must not undo that
                log.warning("cache eviction failed: %s", error)
        return final

    @staticmethod
    def _manifest(key: str, result: Result, files: dict) -> dict:
        return jsonable(
            {
                "format": FORMAT,
                "key": key,
                "scenario": result.scenario,
                "config": result.config,
                "metrics": result.metrics,
                "history": result.history,
                "artifacts": result.artifacts,
                "seconds": float(result.seconds),
                "notes": list(result.notes),
                "files": files,
            }
        )

    def _publish(self, temp: Path, final: Path, replace: bool) -> None:
        for _ in range(5):
            identity = _identity(final)
            if identity is not None:
                if not replace and self._is_valid(final):
                    return  # the same run, already published by another process: keep theirs
                self._discard(final, identity)
            try:
                os.rename(temp, final)  # fails (ENOTEMPTY/EEXIST) if an entry appeared meanwhile
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
        raise OSError(errno.EBUSY, f"could not publish {final.name}: other writers kept replacing it")

    def _is_valid(self, folder: Path) -> bool:
        try:
            self._read(folder, writable=False)
            return True
        except StoreError:
            return False

    def _discard(self, folder: Path, identity: tuple[int, int] | None) -> None:
        """Remove an entry folder: rename it away (so readers see it whole or not at all), then delete it.

        With ``identity``, only that very folder goes: if another process published a new entry under the same
        name since it was judged damaged, the new one is put back.
        """
        trash = folder.parent / f".trash-{folder.name}-{uuid.uuid4().hex[:8]}"
        try:
            os.rename(folder, trash)
        except OSError:
            return  # already gone, or the cache is read-only
        if identity is not None and _identity(trash) != identity:
            try:
                os.rename(trash, folder)
                return
            except OSError:
                pass  # yet another entry took the name: that one stays, this one goes
        shutil.rmtree(trash, ignore_errors=True)

    # -- read -------------------------------------------------------------------------------------------
    def load(self, key: str) -> tuple[Result | None, list[str]]:
        """The stored result for ``key`` (cache first, then the pretrained bundle) and any warnings."""
        warnings: list[str] = []
        for root, writable in ((self.root, True), (self.bundled, False)):
            if root is None:
                continue
            folder = root / key
            result = self._load_folder(folder, writable, warnings)
            if result is not None:
                if writable:
                    try:
                        os.utime(folder / MANIFEST)  # least-recently-used order
                    except OSError:
                        pass  # a read-only cache still serves what it holds
                return result, warnings
        return None, warnings

    def _load_folder(self, folder: Path, writable: bool, warnings: list[str]) -> Result | None:
        problem = None
        for _ in range(2):  # a second look: the entry may have been replaced while it was read
            identity = _identity(folder)
            if identity is None or not (folder / MANIFEST).exists():
                return None  # not there (or removed meanwhile): a miss, not damage
            try:
                return self._read(folder, writable)
            except StoreError as error:
                problem = error
        log.warning("cache entry %s is damaged (%s)%s", folder, problem, "; removing it" if writable else "")
        if writable:
            self._discard(folder, identity)
            warnings.append(DAMAGED_WARNING)
        return None

    def recorded_seconds(self, key: str) -> float | None:
        """How long the run stored under ``key`` took (from its manifest, unverified: for estimates only)."""

        for root in (self.root, self.bundled):
            if root is None:
                continue
            try:
                with open(root / key / MANIFEST) as handle:
                    seconds = json.load(handle).get("seconds")
            except (OSError, ValueError, AttributeError):
                continue
            if is_number(seconds) and math.isfinite(seconds) and seconds > 0:
                return float(seconds)
        return None

    def _read(self, folder: Path | None, writable: bool, manifest: dict | None = None) -> Result:
        """The Result in ``folder`` (or in ``manifest`` alone, without models); StoreError if anything is off."""

        try:
            if manifest is None:
                with open(folder / MANIFEST) as handle:
                    manifest = json.load(handle)
            validate_manifest(manifest, folder.name if folder is not None else None)
            files, checksums = {}, {}
            for variant, info in manifest["files"].items():
                path = folder / info["name"]
                if not path.is_file():
                    raise StoreError(f"model file for '{variant}' is missing")
                if file_sha256(path) != info["sha256"]:
                    raise StoreError(f"model file for '{variant}' does not match its checksum")
                files[variant], checksums[variant] = info["name"], info["sha256"]
            artifacts = self.artifacts_record(manifest["scenario"]).from_json(manifest["artifacts"])
        except StoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreError(f"unreadable manifest: {type(error).__name__}: {error}") from error
        if folder is None:
            models: Mapping[str, Any] = NoModels(list(manifest["files"]))
        else:
            identity = _identity(folder)
            on_damage = (lambda: self._discard(folder, identity)) if writable else None
            models = StoredModels(folder, files, checksums, on_damage)
        return Result(
            scenario=manifest["scenario"],
            config=manifest["config"],
            metrics=manifest["metrics"],
            history=manifest["history"],
            artifacts=artifacts,
            models=models,
            seconds=float(manifest["seconds"]),
            notes=list(manifest["notes"]),
        )

    # -- runs that could not be cached ----------------------------------------------------------------------
    def unsaved_payload(self, key: str, result: Result) -> dict:
        """For a run the cache could not take: save it into this (private, temporary) store instead and return
        ``{"folder": path}``; if even that fails, return ``{"manifest": ...}`` — the JSON-able parts, no models.
        The payload is small enough to send through a pipe; :meth:`load_unsaved` turns it back into a Result."""
        try:
            return {"folder": str(self.save(key, result))}
        except Exception as error:
            log.warning("could not keep the models of %s anywhere (%s); sending the results without them", key, error)
            return {"manifest": self._manifest(key, result, files={})}

    def load_unsaved(self, payload: dict) -> Result:
        """The Result behind :meth:`unsaved_payload`'s answer; raises StoreError when it is unusable."""
        if not isinstance(payload, dict):
            raise StoreError("invalid unsaved run: not a dict")
        if "folder" in payload:
            return self._read(Path(payload["folder"]), writable=True)
        return self._read(None, writable=False, manifest=payload.get("manifest"))
