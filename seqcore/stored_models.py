"""The model files of a stored run: what is written for a model, its checksum, and how it is read back.

:func:`savable` gives what is saved (architecture + weights, no optimizer state); :class:`StoredModels` checks each
file against the SHA-256 recorded in the manifest before it loads it (``safe_mode=True``) or serves its bytes;
:class:`NoModels` stands for the models of a run that could not be saved anywhere.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from seqcore.manifest import StoreError

MODEL_DAMAGED = "The saved model file was damaged, so it was removed. Press Train to train these settings again."
MODEL_UNSAVED = "The model could not be saved here, so it is not available for this run."

log = logging.getLogger(__name__)


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


class NoModels(Mapping):
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
