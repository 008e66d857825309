"""Manifest checks: whether a cache entry's ``manifest.json`` has every required key with the right type.

:func:`validate_manifest` raises :class:`StoreError` (with a plain message) unless the manifest
is a JSON object of the store's format, names its folder, and lists model files that stay inside that folder
with well-formed SHA-256 checksums. The store checks every manifest it reads (:mod:`seqcore.store`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

FORMAT = 2  # 2: typed artifacts and notes
MANIFEST = "manifest.json"


class StoreError(Exception):
    """A cache entry could not be used (and, unless bundled, it has been removed). The message is plain."""


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise StoreError(f"invalid manifest: {what}")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_manifest(manifest: Any, folder_name: str | None) -> None:
    """Raise StoreError unless ``manifest`` has every required key with the right type (and names its folder)."""
    _require(isinstance(manifest, dict), "not a JSON object")
    _require(manifest.get("format") == FORMAT, f"format {str(manifest.get('format'))[:20]!r} is not {FORMAT}")
    for name, kind in (
        ("key", str),
        ("scenario", str),
        ("config", dict),
        ("metrics", dict),
        ("history", dict),
        ("artifacts", dict),
        ("notes", list),
        ("files", dict),
    ):
        _require(isinstance(manifest.get(name), kind), f"'{name}' is missing or not a {kind.__name__}")
    _require(is_number(manifest.get("seconds")), "'seconds' is missing or not a number")
    _require(folder_name is None or manifest["key"] == folder_name, "'key' does not name its folder")
    _require(all(v is None or is_number(v) for v in manifest["metrics"].values()), "a metric is not a number")
    _require(
        all(isinstance(logs, list) and all(isinstance(e, dict) for e in logs) for logs in manifest["history"].values()),
        "'history' is not lists of epoch logs",
    )
    _require(all(isinstance(note, str) for note in manifest["notes"]), "a note is not a string")
    for variant, info in manifest["files"].items():
        _require(
            isinstance(info, dict)
            and isinstance(info.get("name"), str)
            and isinstance(info.get("sha256"), str)
            and bool(_SHA256.fullmatch(info["sha256"])),
            f"file entry of '{variant}' is malformed",
        )
        _require(
            Path(info["name"]).name == info["name"] and info["name"] not in ("", ".", "..", MANIFEST),
            f"file of '{variant}' points outside its folder",
        )
