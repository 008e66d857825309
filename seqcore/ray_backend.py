"""Training on a Ray cluster: the second backend of :class:`seqcore.jobs.JobManager` (``$SEQCORE_RAY_ADDRESS``).

The manager keeps everything it owns — the fair queue, shared runs, queue positions, wait estimates, the time
limit — and only its "slots" change: where the local backend gives a slot a spawned worker process and a pipe,
this one gives it a :class:`~seqcore.ray_worker.RayWorker`, which has the same surface (``send`` a job,
``poll``/``recv`` its messages, ``kill``) and runs each job as a Ray task (:func:`seqcore.ray_task.train`):

* the task asks for ``$SEQCORE_RAY_CPUS_PER_JOB`` CPUs (default 1) and ``$SEQCORE_RAY_MEMORY_MB`` of memory
  (default 1500); the manager runs as many at once as the cluster's CPUs allow;
* progress events (the same dicts the local worker sends) stream back through one small actor, drained without
  blocking by the manager's dispatcher thread;
* Cancel and the time limit call ``ray.cancel(ref, force=True)``, which kills the Ray worker process;
* a task whose node or process dies fails with a plain sentence as soon as Ray reports it;
* the result comes back through the object store as a bundle of files, and the app process writes it into its
  own store: Ray workers never need the app's cache folder.

``$SEQCORE_RAY_ADDRESS`` is ``local`` (start a private Ray on this machine), ``auto`` (the Ray this machine
belongs to) or ``ray://head:10001`` (Ray Client: the app keeps running when the cluster goes away). When the
cluster cannot be reached, runs fail with a plain sentence — or, with ``$SEQCORE_RAY_FALLBACK=local``, the app
trains on its own local workers instead. The app's code goes to the workers with each job (Ray's ``py_modules``),
so a worker machine needs only the project's requirements installed.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import seqcore
from seqcore.job_states import DONE, FAILED

if TYPE_CHECKING:
    from seqcore.ray_worker import RayWorker

ADDRESS_VARIABLE = "SEQCORE_RAY_ADDRESS"
CLUSTER_GONE = (
    "The training cluster can't be reached right now, so this run could not be trained. Please try again in a "
    "few minutes."
)
NODE_LOST = (
    "The machine training this run left the training cluster, so this run did not finish. Press Train to try again."
)
OUT_OF_MEMORY = "The run ran out of memory on the training cluster. Try fewer or shorter sequences, or fewer units."
DAMAGED = "The finished run came back damaged from the training cluster, so it was not kept. Press Train to try again."
LOOPBACK_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray treats this machine as a one-machine cluster
CONNECT_TIMEOUT_S = 30  # a cluster that has not answered by then is unreachable (runs fail plainly)
RETRY_CONNECT_S = 30.0  # after a failed connection, try again this much later
RESULT_TIMEOUT_S = 60.0  # fetching a finished run's bundle (a few MB) from the object store

log = logging.getLogger(__name__)


def configured_address() -> str | None:
    """``$SEQCORE_RAY_ADDRESS`` when set (the app then trains on Ray), else None."""
    return os.environ.get(ADDRESS_VARIABLE, "").strip() or None


def runtime_env() -> dict:
    """What every Ray worker gets for this app's jobs: the app's own code (so a worker machine needs only the
    requirements installed, and always runs the code the app runs) and quiet TensorFlow. For ``ray.init``."""
    return {
        "py_modules": [str(Path(seqcore.__file__).resolve().parent)],
        "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "3"},
    }


def _env_int(name: str, default: int) -> int:
    try:
        value = int(float(os.environ.get(name, "") or default))
    except ValueError:
        return default
    return value if value > 0 else default


class _Events:
    """The actor progress travels through: tasks ``put``, the app ``drain``s everything that arrived."""

    def __init__(self) -> None:
        self.pending: list = []

    def put(self, job_id: str, item: tuple) -> None:
        self.pending.append((job_id, item))

    def drain(self) -> list:
        out, self.pending = self.pending, []
        return out


class RayBackend:
    """The connection to a Ray cluster, shared by the manager's slots. Call from the dispatcher thread only."""

    def __init__(self, address: str, store: Any, fallback: Any, recycle_after: int = 8) -> None:
        self.address = address
        self.store = store  # the app's store: where finished runs are published
        self.fallback = fallback  # a private temporary store, for runs the cache cannot take
        self.cpus_per_job = _env_int("SEQCORE_RAY_CPUS_PER_JOB", 1)
        self.memory_bytes = _env_int("SEQCORE_RAY_MEMORY_MB", 1500) * 1024 * 1024
        self.fallback_local = os.environ.get("SEQCORE_RAY_FALLBACK", "").strip().lower() == "local"
        self.recycle_after = recycle_after
        self.ready = False
        self.unreachable = False  # the last attempt to connect failed
        self.connect_timeout_s = _env_int("SEQCORE_RAY_CONNECT_TIMEOUT_S", CONNECT_TIMEOUT_S)
        self._tried_at = -RETRY_CONNECT_S
        self._connecting: threading.Thread | None = None
        self._started_ray = False  # this backend started the Ray it uses (so it shuts it down)
        self._events: Any = None
        self._task: Any = None
        self._drain: Any = None  # the drain call in flight
        self._inbox: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    # -- connection ---------------------------------------------------------------------------------------
    def connect(self) -> bool:
        """True once connected. Connecting to a cluster happens in a thread of its own (``ray.init`` on an address
        where no head answers may wait for minutes; a private ``local`` Ray starts in the calling thread): after
        ``$SEQCORE_RAY_CONNECT_TIMEOUT_S`` (30) without an answer the cluster counts as unreachable, and a failed
        attempt is tried again RETRY_CONNECT_S later."""
        if self.ready:
            return True
        now = time.monotonic()
        connecting = self._connecting is not None and self._connecting.is_alive()
        if connecting and now - self._tried_at > self.connect_timeout_s and not self.unreachable:
            log.error("the Ray cluster at %s has not answered for %.0f s", self.address, self.connect_timeout_s)
            self.unreachable = True
        if not connecting and now - self._tried_at >= RETRY_CONNECT_S:
            self._tried_at = now
            if self.address == "local":
                # Starting a private Ray waits on no head, and must happen here: Ray's processes get SIGKILL when
                # the thread that started them ends (Linux's parent-death signal), so a helper thread would take
                # the private cluster with it seconds after it came up.
                self._try_connect()
                return self.ready
            self._connecting = threading.Thread(target=self._try_connect, name="seqcore-ray-connect", daemon=True)
            self._connecting.start()
            self._connecting.join(timeout=self.connect_timeout_s)
        return self.ready

    def _try_connect(self) -> None:
        try:
            self._connect()
        except Exception as error:  # any failure to reach the cluster: the visitor gets CLUSTER_GONE
            log.error("cannot use the Ray cluster at %s: %s: %s", self.address, type(error).__name__, error)
            self.unreachable = True
            return
        self.ready, self.unreachable = True, False
        log.info("training on Ray at %s: %d CPUs per run, %d at once", self.address, self.cpus_per_job, self.capacity())

    def _connect(self) -> None:
        if self.address == "local":
            # A private Ray on this machine: every address it opens is loopback (read when ray is imported).
            os.environ.setdefault(LOOPBACK_ONLY, "0")
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        from seqcore import ray_task

        if not ray.is_initialized():
            options: dict[str, Any] = {"runtime_env": runtime_env(), "log_to_driver": False}
            if self.address == "local":
                ray.init(address="local", include_dashboard=False, **options)  # never a cluster already running
            else:
                ray.init(address=self.address, **options)
            self._started_ray = True
        here = ray.get_runtime_context().get_node_id()
        self._events = (
            ray.remote(_Events)
            .options(
                num_cpus=0,
                max_restarts=-1,
                scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=True),  # beside the app
            )
            .remote()
        )
        self._task = ray.remote(max_calls=self.recycle_after)(ray_task.train).options(
            num_cpus=self.cpus_per_job,
            memory=self.memory_bytes,
            max_retries=0,  # a run whose node died is reported, not silently started again elsewhere
        )
        ray.get(self._events.drain.remote(), timeout=60)  # the actor is up: the cluster answers

    def capacity(self) -> int:
        """How many runs the cluster can train at once (its CPUs ÷ CPUs per run; at least 1)."""
        import ray

        try:
            cpus = float(ray.cluster_resources().get("CPU", 0.0))
        except Exception as error:
            log.warning("cannot read the Ray cluster's resources: %s", error)
            return 1
        return max(1, int(cpus // self.cpus_per_job))

    def close(self) -> None:
        import ray

        if self._events is not None and ray.is_initialized():
            try:
                ray.kill(self._events)  # the Ray was someone else's: leave no idle actor behind in it
            except Exception as error:
                log.info("stopping the progress actor: %s", error)
            self._events = None
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False
        self.ready = False

    # -- jobs ------------------------------------------------------------------------------------------------
    def worker(self) -> RayWorker:
        from seqcore.ray_worker import RayWorker  # here, not at the top: ray_worker imports this module

        return RayWorker(self)

    def submit(self, job_id: str, scenario_name: str, config: Any) -> Any:
        return self._task.remote(job_id, scenario_name, config, self._events, self.cpus_per_job)

    def events(self, job_id: str, wait: bool = False) -> list[tuple]:
        """The (kind, payload) reports of ``job_id`` that arrived; ``wait`` drains once more and waits for it."""
        import ray

        with self._lock:
            try:
                if wait:
                    if self._drain is not None:
                        self._sort(ray.get(self._drain, timeout=10))
                    self._drain = None
                    self._sort(ray.get(self._events.drain.remote(), timeout=10))
                elif self._drain is None:
                    self._drain = self._events.drain.remote()
                elif ray.wait([self._drain], timeout=0)[0]:
                    self._sort(ray.get(self._drain))
                    self._drain = self._events.drain.remote()
            except Exception as error:  # the actor or the cluster is gone: the task's own outcome says why
                log.warning("progress from Ray could not be read: %s", error)
                self._drain = None
            inbox = self._inbox.pop(job_id, None)
        return list(inbox) if inbox else []

    def _sort(self, items: list) -> None:
        for job_id, item in items:
            self._inbox[job_id].append(item)

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._inbox.pop(job_id, None)

    def outcome(self, job_id: str, scenario_name: str, config: Any, ref: Any) -> tuple:
        """The finished task's message for the manager: (DONE, job_id, {...}) or (FAILED, job_id, {...})."""
        import ray
        from ray import exceptions

        from seqcore.manifest import StoreError
        from seqcore.ray_task import publish_bundle, unsaved_bundle_payload
        from seqcore.scenarios import get_scenario
        from seqcore.store import entry_key

        try:
            answer = ray.get(ref, timeout=RESULT_TIMEOUT_S)
        except exceptions.OutOfMemoryError:
            return FAILED, job_id, {"message": OUT_OF_MEMORY, "detail": traceback.format_exc()}
        except (exceptions.RayTaskError, exceptions.RayActorError) as error:
            return FAILED, job_id, {"message": _lost_or_failed(error), "detail": traceback.format_exc()}
        except Exception:  # the node or the worker died, the object was lost, the cluster is gone
            return FAILED, job_id, {"message": NODE_LOST, "detail": traceback.format_exc()}
        if "failed" in answer:
            return FAILED, job_id, {"message": answer["failed"], "detail": answer.get("detail", "")}
        scenario = get_scenario(scenario_name)
        key = entry_key(scenario.name, config, scenario.version)
        try:
            publish_bundle(self.store, key, answer["bundle"])
            return DONE, job_id, {}
        except StoreError:
            return FAILED, job_id, {"message": DAMAGED, "detail": traceback.format_exc()}
        except OSError:  # read-only or full cache: deliver the run anyway, uncached
            detail = traceback.format_exc()
            unsaved = unsaved_bundle_payload(self.fallback, key, answer["bundle"])
            return DONE, job_id, {"unsaved": unsaved, "detail": detail}


def _lost_or_failed(error: Exception) -> str:
    """A task that raised inside Ray's machinery (not in training, which answers with a sentence)."""
    from seqcore.worker import plain_failure

    cause = getattr(error, "cause", None)
    return plain_failure(cause) if isinstance(cause, MemoryError) else NODE_LOST
