"""Training in spawned workers: progress streams back, cancel and time limits kill, a queue bounds the work."""

import time

import pytest

import seqcore
from seqcore.jobs import CANCELLED, DONE, FAILED, RUNNING, JobManager
from seqcore.store import entry_key
from tests.conftest import TINY_COUNTING

SCENARIO = seqcore.get_scenario("counting")


def config(**changes):
    params = {**TINY_COUNTING, **{k: str(v) for k, v in changes.items()}}
    return SCENARIO.Config.from_params(params)[0]


def wait(manager, job_id, states, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = manager.status(job_id)
        if status.state in states:
            return status
        time.sleep(0.1)
    raise AssertionError(f"job stayed {manager.status(job_id).state}")


@pytest.fixture
def manager(tmp_cache):
    manager = JobManager(tmp_cache, max_concurrent=1, time_limit_s=120)
    yield manager
    manager.shutdown()


def test_a_job_trains_in_a_worker_streams_progress_and_lands_in_the_store(manager, tmp_cache):
    cfg = config()
    job = manager.submit(SCENARIO, cfg, "visitor-a")
    status = wait(manager, job, (DONE, FAILED))
    assert status.state == DONE, status.error
    assert {e["variant"] for e in status.events} == {"many_to_one", "many_to_many"}
    assert manager.worker_pids() and manager.worker_pids()[0] != __import__("os").getpid()
    result, _ = manager.store.load(entry_key(SCENARIO.name, cfg, SCENARIO.version))
    assert result is not None and "stream/max_abs_diff" in result.metrics


def test_queue_positions_sharing_and_cancel(manager, tmp_cache):
    first = manager.submit(SCENARIO, config(epochs=40, train_sequences=2000), "a")
    second = manager.submit(SCENARIO, config(seed=1), "b")
    shared = manager.submit(SCENARIO, config(seed=1), "c")
    assert shared == second  # the same run is trained once for both visitors
    wait(manager, first, (RUNNING,))
    assert manager.status(second).queue_position == 1
    manager.cancel(second, "b")
    assert manager.status(second).state != CANCELLED  # visitor c still waits for it
    manager.cancel(first, "a")
    assert manager.status(first).state == CANCELLED
    assert wait(manager, second, (DONE, FAILED)).state == DONE
    assert not list(tmp_cache.glob(".tmp-*"))  # the killed worker left nothing half-written
    assert manager.store.load(entry_key(SCENARIO.name, config(epochs=40, train_sequences=2000),
                                        SCENARIO.version))[0] is None


def test_a_run_past_the_time_limit_is_stopped(tmp_cache):
    manager = JobManager(tmp_cache, time_limit_s=1.0)
    try:
        job = manager.submit(SCENARIO, config(epochs=40, train_sequences=2000), "a")
        status = wait(manager, job, (DONE, FAILED, CANCELLED))
        assert status.state == FAILED and "longer than" in status.error
    finally:
        manager.shutdown()


def test_a_worker_is_replaced_after_its_quota_and_jobs_keep_succeeding(tmp_cache):
    manager = JobManager(tmp_cache, recycle_after=1)
    try:
        first = manager.submit(SCENARIO, config(seed=3), "a")
        second = manager.submit(SCENARIO, config(seed=4), "a")
        wait(manager, first, (RUNNING,))
        first_pid = manager.worker_pids()
        assert wait(manager, first, (DONE, FAILED, CANCELLED)).state == DONE
        wait(manager, second, (RUNNING, DONE))
        second_pid = manager.worker_pids()
        assert wait(manager, second, (DONE, FAILED, CANCELLED)).state == DONE
        assert first_pid and second_pid and first_pid != second_pid
    finally:
        manager.shutdown()
