"""On-disk cache of finished runs: one folder per (scenario, config, code version).

A folder holds ``manifest.json`` (config, metrics, history, artifacts, and the SHA-256 of every model file)
and one ``<variant>.keras`` per model: architecture and weights, no optimizer state (see :func:`savable`).

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

Models load with ``safe_mode=True`` and only from files whose checksums the app itself recorded; a model file
is checked again before it is loaded or served for download (:meth:`StoredModels.verified_bytes`).

The folder is ``$SEQCORE_CACHE_DIR`` or the user cache dir; its size is bounded (``$SEQCORE_CACHE_MAX_MB``,
default 500) with least-recently-used eviction.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import math
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from seqcore.manifest import FORMAT, MANIFEST, StoreError, is_number, validate_manifest
from seqcore.records import jsonable
from seqcore.result import Result

CODE_VERSION = "1"  # bump when shared code (training, store format) changes results
STALE_TEMP_SECONDS = 3600  # temp folders older than this belong to dead workers
STALE_TRASH_SECONDS = 60  # a removal still in progress (it may put a fresh entry back) is younger than this
BUNDLED_DIR = Path(__file__).resolve().parent / "pretrained"
DAMAGED_WARNING = (
    "A saved result for these settings was damaged, so it was removed; it will be trained again when you press Train."
)
MODEL_DAMAGED = "The saved model file was damaged, so it was removed. Press Train to train these settings again."
MODEL_UNSAVED = "The model could not be saved here, so it is not available for this run."

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    configured = os.environ.get("SEQCORE_CACHE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("seqcore"))


def _default_max_bytes() -> int:
    try:
        megabytes = float(os.environ.get("SEQCORE_CACHE_MAX_MB", "500"))
    except ValueError:
        megabytes = 500.0
    if not math.isfinite(megabytes):
        megabytes = 500.0
    return int(max(megabytes, 1.0) * 1024 * 1024)


def entry_key(scenario_name: str, config: Any, version: str) -> str:
    """Scenario + config hash + code version: the name of the entry's folder."""
    return f"{scenario_name}-{config.config_hash()}-v{version}.{CODE_VERSION}"


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def savable(model: Any) -> Any:
    """What the store writes for ``model``: architecture + weights without optimizer state.

    A functional or sequential model is re-wrapped as a fresh ``keras.Model`` over the same layers (which has no
    optimizer); anything else (a subclassed model) is saved as it is.
    """
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return model
    if not inputs or not outputs:
        return model
    import keras

    try:
        return keras.Model(inputs, outputs, name=model.name)
    except Exception:  # a graph keras cannot re-wrap: save the model itself
        return model


class _NoModels(Mapping):
    """The models of a run that could not be saved anywhere: the variants are listed, none can be loaded."""

    def __init__(self, variants: list[str]) -> None:
        self.variants = variants

    def __getitem__(self, variant: str) -> Any:
        raise StoreError(MODEL_UNSAVED)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class StoredModels(Mapping):
    """Variant → keras model, each checked against its checksum and loaded (safe mode) on first access."""

    def __init__(
        self,
        folder: Path,
        files: dict[str, str],
        checksums: dict[str, str] | None = None,
        on_damage: Callable[[], None] | None = None,
    ) -> None:
        self.folder = folder
        self.files = files
        self.checksums = checksums or {}
        self._on_damage = on_damage  # removes the entry (not for bundled ones)
        self._loaded: dict[str, Any] = {}
        self._checked: dict[str, tuple] = {}  # variant → the file's (size, mtime, inode) when last verified

    def path(self, variant: str) -> Path:
        if variant not in self.files:
            raise ValueError(f"variant: must be one of {', '.join(self.files)}; received {variant!r}")
        return self.folder / self.files[variant]

    def _damaged(self, variant: str, why: str) -> StoreError:
        log.warning("model file %s of %s is damaged (%s); removing the entry", variant, self.folder, why)
        if self._on_damage is not None:
            self._on_damage()
        self._checked.pop(variant, None)
        return StoreError(MODEL_DAMAGED)

    def verified_bytes(self, variant: str) -> bytes:
        """The model file's bytes, only if they match the checksum recorded when it was saved."""
        try:
            data = self.path(variant).read_bytes()
        except OSError as error:
            raise self._damaged(variant, f"unreadable: {error.strerror}") from error
        if variant in self.checksums and _sha256_bytes(data) != self.checksums[variant]:
            raise self._damaged(variant, "checksum mismatch")
        return data

    def check(self, variant: str) -> None:
        """Raise StoreError (and remove the entry) when the file no longer matches its checksum. The file is
        hashed again only when its size, time or inode changed since the last check, so calling this on every
        rerun of a page costs a ``stat``."""
        path = self.path(variant)
        try:
            info = path.stat()
        except OSError as error:
            raise self._damaged(variant, f"missing: {error.strerror}") from error
        signature = (info.st_size, info.st_mtime_ns, info.st_ino)
        if self._checked.get(variant) != signature:
            self.verified_bytes(variant)
            self._checked[variant] = signature

    def __getitem__(self, variant: str) -> Any:
        if variant not in self._loaded:
            import keras

            import seqcore.layers  # noqa: F401  (registers custom objects a saved model may name)
            import seqcore.losses  # noqa: F401

            self.check(variant)
            try:
                self._loaded[variant] = keras.saving.load_model(self.path(variant), compile=False, safe_mode=True)
            except Exception as error:
                raise self._damaged(variant, f"does not load: {type(error).__name__}: {error}") from error
        return self._loaded[variant]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


class Store:
    """The cache. Safe to share between processes: writes publish by rename, reads verify and never guess."""

    def __init__(
        self,
        root: Path | str | None = None,
        max_bytes: int | None = None,
        bundled: Path | str | None = BUNDLED_DIR,
        artifacts_record: Callable[[str], type] = _scenario_artifacts,
    ) -> None:
        self.root = Path(root) if root is not None else cache_dir()
        self.max_bytes = max_bytes if max_bytes is not None else _default_max_bytes()
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
                files[variant] = {"name": name, "sha256": _sha256(temp / name)}
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

    def discard_temp(self, pid: int) -> None:
        """Remove the unfinished writes of a worker process that was killed."""
        try:
            for folder in self.root.glob(f".tmp-*-{pid}-*"):
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass

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
                if _sha256(path) != info["sha256"]:
                    raise StoreError(f"model file for '{variant}' does not match its checksum")
                files[variant], checksums[variant] = info["name"], info["sha256"]
            artifacts = self.artifacts_record(manifest["scenario"]).from_json(manifest["artifacts"])
        except StoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreError(f"unreadable manifest: {type(error).__name__}: {error}") from error
        if folder is None:
            models: Mapping[str, Any] = _NoModels(list(manifest["files"]))
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

    # -- size bound -------------------------------------------------------------------------------------
    def entries(self) -> list[tuple[float, int, Path]]:
        """(last used, bytes, folder) for every published entry."""
        out = []
        try:
            folders = list(self.root.iterdir())
        except OSError:
            return out
        for folder in folders:
            if folder.name.startswith("."):  # temporary writes, trash, the job table
                continue
            try:
                used = (folder / MANIFEST).stat().st_mtime
                size = sum(p.stat().st_size for p in folder.iterdir())
            except OSError:
                continue
            out.append((used, size, folder))
        return out

    def evict(self, keep: str | None = None) -> list[str]:
        """Delete least-recently-used entries until the cache fits; also drop dead workers' temp folders."""
        now = time.time()
        for pattern, stale in ((".tmp-*", STALE_TEMP_SECONDS), (".trash-*", STALE_TRASH_SECONDS)):
            for folder in self.root.glob(pattern):
                try:
                    if now - folder.stat().st_mtime > stale:
                        shutil.rmtree(folder, ignore_errors=True)
                except OSError:
                    pass
        entries = sorted(self.entries())
        total = sum(size for _, size, _ in entries)
        removed = []
        for _, size, folder in entries:
            if total <= self.max_bytes:
                break
            if folder.name == keep:
                continue
            self._discard(folder, None)
            total -= size
            removed.append(folder.name)
        return removed
