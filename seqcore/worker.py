"""The training worker process: runs the jobs a :class:`~seqcore.jobs.JobManager` sends down its pipe.

The manager starts it with multiprocessing's spawn method, so :func:`worker_main` (the process's target) stays
a module-level function here. The worker imports TensorFlow once, serves up to ``recycle_after`` jobs, streams
each one's progress back through the pipe, and writes each result to the store (atomically). When the cache
cannot be written (read-only or full disk) it still delivers: the run is saved into a private temporary folder
instead, and the manager shows it "without caching". A failure goes back as a plain sentence for the visitor,
with the traceback for the server log.
"""

from __future__ import annotations

import traceback
from typing import Any

from seqcore.job_states import DONE, FAILED

UNSAVED_MAX_BYTES = 100 * 1024 * 1024  # the private folder for runs the cache could not take


def worker_main(connection: Any, cache_root: str, fallback_root: str, recycle_after: int, threads: int = 0) -> None:
    """The worker process: run jobs sent down the pipe until told to stop or recycled. ``threads`` (when > 0)
    bounds TensorFlow's thread pools, so that several trainings at once share the cores instead of fighting."""
    from seqcore.scenarios import get_scenario
    from seqcore.store import Store, entry_key

    prepare_tensorflow(threads)  # before the first job
    store = Store(cache_root)
    for _ in range(recycle_after):
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, scenario_name, config = message
        try:
            scenario = get_scenario(scenario_name)
            # If the app died, sending fails and the run stops at the next epoch instead of training for nobody.
            result = scenario.run(config, progress=lambda event, job=job_id: connection.send(("progress", job, event)))
        except Exception as error:  # reported to the page as a plain sentence; the details go to the log
            connection.send((FAILED, job_id, {"message": plain_failure(error), "detail": traceback.format_exc()}))
            continue
        key = entry_key(scenario.name, config, scenario.version)
        try:
            store.save(key, result)
            connection.send((DONE, job_id, {}))
        except Exception:  # read-only or full cache: deliver the run anyway, uncached
            detail = traceback.format_exc()
            payload = Store(fallback_root, UNSAVED_MAX_BYTES, bundled=None).unsaved_payload(key, result)
            connection.send((DONE, job_id, {"unsaved": payload, "detail": detail}))
    # Quota served: exit and give back the memory TensorFlow accumulated; the parent starts a fresh worker.


def prepare_tensorflow(threads: int) -> None:
    """Import TensorFlow without its notices, which would fill the app's terminal (start-up notices, and the
    retracing warnings that several models in one process bring), and size its thread pools."""
    from seqcore.quiet import import_tensorflow_quietly

    import_tensorflow_quietly()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    set_tensorflow_threads(threads)


def set_tensorflow_threads(threads: int) -> None:
    """Give TensorFlow ``threads`` threads inside one op and ``threads`` ops at once (0: its own choice, all cores).
    Only possible before its first op; a process that already ran one keeps what it has."""
    if threads <= 0:
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # TensorFlow is already initialised in this process
        pass


def plain_failure(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "The run ran out of memory here. Try fewer or shorter sequences, or fewer units."
    return "Training failed because of an error in the app; the details are in the server log."
