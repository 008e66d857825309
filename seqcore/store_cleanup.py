"""The store's clean-up: its size bound with least-recently-used eviction, and what dead workers left behind.

The bound is ``$SEQCORE_CACHE_MAX_MB`` (default 500).
"""

from __future__ import annotations

import math
import os
import shutil
import time
from pathlib import Path

from seqcore.manifest import MANIFEST

STALE_TEMP_SECONDS = 3600  # temp folders older than this belong to dead workers
STALE_TRASH_SECONDS = 60  # a removal still in progress (it may put a fresh entry back) is younger than this


def default_max_bytes() -> int:
    try:
        megabytes = float(os.environ.get("SEQCORE_CACHE_MAX_MB", "500"))
    except ValueError:
        megabytes = 500.0
    if not math.isfinite(megabytes):
        megabytes = 500.0
    return int(max(megabytes, 1.0) * 1024 * 1024)


class StoreCleanup:
    """Entries, eviction and clean-up for :class:`seqcore.store.Store`, which supplies ``root``, ``max_bytes`` and
    ``_discard`` (removes an entry folder whole)."""

    root: Path
    max_bytes: int

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

    def discard_temp(self, pid: int) -> None:
        """Remove the unfinished writes of a worker process that was killed."""
        try:
            for folder in self.root.glob(f".tmp-*-{pid}-*"):
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
