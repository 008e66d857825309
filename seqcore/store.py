"""On-disk cache of finished runs: one folder per (scenario, config, code version).

A folder holds ``manifest.json`` (config, metrics, history, artifacts, and the SHA-256 of every model file)
and one ``<variant>.keras`` per model. Writes go to a temporary folder beside the target, then one rename
publishes it whole, so a killed worker never leaves half an entry. Loads check every checksum first: a
damaged entry is deleted and reported, and the run is simply trained again. Models load with
``safe_mode=True`` and only from files whose checksums the app itself recorded.

The folder is ``$SEQCORE_CACHE_DIR`` or the user cache dir; its size is bounded (``$SEQCORE_CACHE_MAX_MB``,
default 500) with least-recently-used eviction. Pretrained defaults that ship with the app live read-only
in ``seqcore/pretrained/`` and are looked up after the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

from seqcore.records import jsonable
from seqcore.result import Result

FORMAT = 2  # 2: typed artifacts and notes
CODE_VERSION = "1"  # bump when shared code (training, store format) changes results
MANIFEST = "manifest.json"
STALE_TEMP_SECONDS = 3600  # temp folders older than this belong to dead workers
BUNDLED_DIR = Path(__file__).resolve().parent / "pretrained"


class StoreError(Exception):
    """A cache entry could not be read; it has been removed."""


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
    return int(max(megabytes, 1.0) * 1024 * 1024)


def entry_key(scenario_name: str, config: Any, version: str) -> str:
    """Scenario + config hash + code version: the name of the entry's folder."""
    return f"{scenario_name}-{config.config_hash()}-v{version}.{CODE_VERSION}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class StoredModels(Mapping):
    """Variant → keras model, each loaded (safe mode) on first access and kept."""

    def __init__(self, folder: Path, files: dict[str, str]) -> None:
        self.folder = folder
        self.files = files
        self._loaded: dict[str, Any] = {}

    def path(self, variant: str) -> Path:
        if variant not in self.files:
            raise ValueError(f"variant: must be one of {', '.join(self.files)}; received {variant!r}")
        return self.folder / self.files[variant]

    def __getitem__(self, variant: str) -> Any:
        if variant not in self._loaded:
            import keras
            import seqcore.losses  # noqa: F401  (registers custom objects a saved model may name)
            try:
                self._loaded[variant] = keras.saving.load_model(self.path(variant), compile=False,
                                                                safe_mode=True)
            except Exception as error:
                if not self.folder.is_relative_to(BUNDLED_DIR):  # never delete what ships with the app
                    shutil.rmtree(self.folder, ignore_errors=True)
                raise StoreError(f"the saved model '{variant}' could not be loaded "
                                 f"({type(error).__name__}); it has been removed") from error
        return self._loaded[variant]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


class Store:
    """The cache. Safe to share between processes: writes are atomic renames, reads verify checksums."""

    def __init__(self, root: Path | str | None = None, max_bytes: int | None = None,
                 bundled: Path | str | None = BUNDLED_DIR) -> None:
        self.root = Path(root) if root is not None else cache_dir()
        self.max_bytes = max_bytes if max_bytes is not None else _default_max_bytes()
        self.bundled = Path(bundled) if bundled is not None else None

    # -- write ------------------------------------------------------------------------------------------
    def save(self, key: str, result: Result, into: Path | None = None) -> Path:
        """Publish ``result`` under ``key`` atomically; returns the entry folder."""
        root = into or self.root
        root.mkdir(parents=True, exist_ok=True)
        temp = root / f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temp.mkdir()
        try:
            files = {}
            for variant, model in result.models.items():
                name = f"{variant}.keras"
                model.save(temp / name)
                files[variant] = {"name": name, "sha256": _sha256(temp / name)}
            manifest = {"format": FORMAT, "key": key, "scenario": result.scenario, "config": result.config,
                        "metrics": result.metrics, "history": result.history, "artifacts": result.artifacts,
                        "seconds": result.seconds, "notes": list(result.notes), "files": files}
            with open(temp / MANIFEST, "w") as handle:
                json.dump(jsonable(manifest), handle)
                handle.flush()
                os.fsync(handle.fileno())
            final = root / key
            if final.exists():  # another worker finished the same run first, or an old copy is here
                shutil.rmtree(final, ignore_errors=True)
            os.replace(temp, final)
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
        if root == self.root:
            self.evict(keep=key)
        return final

    # -- read -------------------------------------------------------------------------------------------
    def load(self, key: str) -> tuple[Result | None, list[str]]:
        """The stored result for ``key`` (cache first, then the pretrained bundle) and any warnings."""
        warnings: list[str] = []
        for root, writable in ((self.root, True), (self.bundled, False)):
            if root is None or not (root / key / MANIFEST).exists():
                continue
            try:
                result = self._read(root / key)
            except StoreError as error:
                warnings.append(f"A saved result for this configuration was damaged ({error}); "
                                f"it has been removed and will be trained again.")
                if writable:
                    shutil.rmtree(root / key, ignore_errors=True)
                continue
            if writable:
                os.utime(root / key / MANIFEST)  # least-recently-used order
            return result, warnings
        return None, warnings

    def discard_temp(self, pid: int) -> None:
        """Remove the unfinished writes of a worker process that was killed."""
        for folder in self.root.glob(f".tmp-*-{pid}-*"):
            shutil.rmtree(folder, ignore_errors=True)

    def remove(self, key: str) -> None:
        shutil.rmtree(self.root / key, ignore_errors=True)

    def _read(self, folder: Path) -> Result:
        try:
            with open(folder / MANIFEST) as handle:
                manifest = json.load(handle)
            if manifest.get("format") != FORMAT:
                raise StoreError(f"format {manifest.get('format')!r} is not {FORMAT}")
            files = {}
            for variant, info in manifest["files"].items():
                path = folder / info["name"]
                if Path(info["name"]).name != info["name"] or not path.is_file():
                    raise StoreError(f"model file for '{variant}' is missing")
                if _sha256(path) != info["sha256"]:
                    raise StoreError(f"model file for '{variant}' does not match its checksum")
                files[variant] = info["name"]
            from seqcore.scenarios import get_scenario  # the scenario's typed artifacts record
            artifacts = get_scenario(manifest["scenario"]).Artifacts.from_json(manifest["artifacts"])
            return Result(scenario=manifest["scenario"], config=manifest["config"],
                          metrics=manifest["metrics"], history=manifest["history"],
                          artifacts=artifacts, models=StoredModels(folder, files),
                          seconds=manifest.get("seconds", 0.0), notes=list(manifest["notes"]))
        except StoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreError(f"unreadable manifest: {type(error).__name__}") from error

    # -- size bound -------------------------------------------------------------------------------------
    def entries(self) -> list[tuple[float, int, Path]]:
        """(last used, bytes, folder) for every published entry."""
        out = []
        if not self.root.exists():
            return out
        for folder in self.root.iterdir():
            if folder.name.startswith(".tmp-"):
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
        for folder in self.root.glob(".tmp-*"):
            try:
                if now - folder.stat().st_mtime > STALE_TEMP_SECONDS:
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
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
            removed.append(folder.name)
        return removed
