"""The job table on disk: which runs this server process has queued or training, kept beside the cache.

The keys queued or training live in a small table (``<cache>/.jobs/``), rewritten atomically whenever they
change; a process that starts after one that died reads its table, so :meth:`seqcore.jobs.JobManager.was_lost`
can tell a visitor that their run was lost in a restart.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from pathlib import Path

LOST_FOR_SECONDS = 24 * 3600  # how long a run lost in a restart is remembered

log = logging.getLogger(__name__)


_LIVE_TABLES: set[str] = set()  # tokens of the job tables of managers alive in this process


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (None when it does not exist)."""
    try:
        import psutil

        return psutil.Process(pid).create_time()
    except ImportError:
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return 0.0
    except Exception:  # psutil.NoSuchProcess, AccessDenied
        return None


class JobTable:
    """The keys this process has queued or training, in ``<cache>/.jobs/<host>-<pid>-<token>.json``.

    Each write replaces the file atomically. A table whose process is gone (on this host) tells the next
    process which runs were lost; it carries them forward for a day so that a second restart does not forget.
    Failing to write (read-only cache) is logged once and otherwise ignored.
    """

    def __init__(self, root: Path) -> None:
        self.folder = root / ".jobs"
        self.host = socket.gethostname().replace("-", "_")
        self.token = uuid.uuid4().hex[:12]
        self.path = self.folder / f"{self.host}-{os.getpid()}-{self.token}.json"
        self.started = _process_started(os.getpid()) or time.time()
        self.lost: dict[str, float] = {}
        self._warned = False
        self._written: tuple | None = None
        _LIVE_TABLES.add(self.token)
        self._collect_dead()

    def _collect_dead(self) -> None:
        try:
            tables = list(self.folder.glob("*.json"))
        except OSError:
            return
        now = time.time()
        for path in tables:
            host, _, rest = path.stem.partition("-")
            pid_text, _, token = rest.partition("-")
            if host != self.host or not pid_text.isdigit() or token in _LIVE_TABLES:
                continue
            try:
                table = json.loads(path.read_text())
                pid = int(pid_text)
                started = _process_started(pid)
                alive = pid != os.getpid() and started is not None and started <= table["started"] + 1
                if alive:
                    continue
                for key in table.get("active", []):
                    self.lost[str(key)] = now
                for key, when in dict(table.get("lost", {})).items():
                    if now - float(when) < LOST_FOR_SECONDS:
                        self.lost.setdefault(str(key), float(when))
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.warning("ignoring unreadable job table %s: %s", path, error)
            try:
                path.unlink()
            except OSError:
                pass
        if self.lost:
            log.info("%d run(s) were lost when an earlier server process stopped", len(self.lost))

    def write(self, active: set[str]) -> None:
        state = (tuple(sorted(active)), tuple(sorted(self.lost)))
        if state == self._written:
            return
        temp = self.folder / f".{self.path.name}.{uuid.uuid4().hex[:6]}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_text(json.dumps({"started": self.started, "active": sorted(active), "lost": self.lost}))
            os.replace(temp, self.path)
            self._written = state
        except OSError as error:
            if not self._warned:
                log.warning(
                    "cannot keep the job table in %s (%s): runs lost in a restart will not be reported",
                    self.folder,
                    error,
                )
                self._warned = True
            try:
                temp.unlink()
            except OSError:
                pass

    def close(self) -> None:
        _LIVE_TABLES.discard(self.token)
        try:
            self.path.unlink()
        except OSError:
            pass
