"""Training in spawned workers: progress streams back, cancel and time limits kill, a queue bounds the work."""

import time

import pytest

import seqcore
from seqcore.job_states import CANCELLED, DONE, FAILED, RUNNING
from seqcore.jobs import JobManager
from seqcore.store import entry_key
from tests.conftest import TINY_COUNTING

SCENARIO = seqcore.get_scenario("counting")


def config(**changes):
    params = {**TINY_COUNTING, **{k: str(v) for k, v in changes.items()}}
    return SCENARIO.Config.from_params(params)[0]


def wait(manager, job_id, states, timeout=180, watcher="test"):
    """Poll (as a page does, which keeps the run in the queue) until the job reaches one of ``states``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = manager.status(job_id, watcher=watcher)
        if status.state in states:
            return status
        time.sleep(0.1)
    raise AssertionError(f"job stayed {manager.status(job_id).state}")


@pytest.fixture
def manager(tmp_cache):
    manager = JobManager(tmp_cache, max_concurrent=1, time_limit_s=120, abandon_s=600)  # (abandoning: elsewhere)
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
    assert (
        manager.store.load(entry_key(SCENARIO.name, config(epochs=40, train_sequences=2000), SCENARIO.version))[0]
        is None
    )


def test_a_cancelled_workers_successor_starts_at_once_so_the_next_train_finds_it_warm(manager):
    job = manager.submit(SCENARIO, config(epochs=40, train_sequences=2000), "a")
    wait(manager, job, (RUNNING,))
    killed = manager.worker_pids()
    manager.cancel(job, "a")
    deadline = time.monotonic() + 10
    while (not manager.worker_pids() or manager.worker_pids() == killed) and time.monotonic() < deadline:
        time.sleep(0.1)
    successor = manager.worker_pids()
    assert successor and successor != killed  # started with nothing queued: TensorFlow imports while nobody waits
    nxt = manager.submit(SCENARIO, config(seed=3), "a")
    assert wait(manager, nxt, (DONE, FAILED)).state == DONE and manager.worker_pids() == successor


def test_a_run_past_the_time_limit_is_stopped(tmp_cache):
    manager = JobManager(tmp_cache, time_limit_s=1.0)
    try:
        job = manager.submit(SCENARIO, config(epochs=40, train_sequences=2000), "a")
        status = wait(manager, job, (DONE, FAILED, CANCELLED))
        assert status.state == FAILED and "longer than" in status.error
    finally:
        manager.shutdown()


def test_a_worker_is_replaced_after_its_quota_and_jobs_keep_succeeding(tmp_cache):
    manager = JobManager(tmp_cache, recycle_after=1, abandon_s=600)
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


# -- what a page relies on: heartbeat, re-attach by key, bounded events, plain messages ---------------------------
def test_find_re_attaches_by_configuration_key(manager):
    cfg = config(seed=7)
    key = entry_key(SCENARIO.name, cfg, SCENARIO.version)
    assert manager.find(key) is None
    job = manager.submit(SCENARIO, cfg, "tab-1")
    assert manager.find(key) == job  # a reload (a new session) finds the run by its configuration
    status = wait(manager, job, (DONE, FAILED), watcher="tab-2")
    assert status.state == DONE and status.saved and status.notice == ""
    assert manager.find(key) == job  # finished runs stay findable for a while


def test_events_keep_only_the_latest_snapshot_per_variant_and_stay_bounded():
    from seqcore.job_following import MAX_EVENTS, add_event
    from seqcore.job_states import Job as _Job

    job = _Job("j", "k", "s", None, {"a"}, {"a"}, 1, 1.0)
    for epoch in range(1, 1001):
        for variant in ("x", "y"):
            add_event(
                job,
                {
                    "variant": variant,
                    "epoch": epoch,
                    "epochs": 1000,
                    "logs": {"loss": 1.0},
                    "fraction": epoch / 1000,
                    "snapshot": {"epoch": epoch},
                },
            )
    assert len(job.events) <= MAX_EVENTS
    assert job.events[-1]["epoch"] == 1000 and job.events[-1]["variant"] == "y"  # the latest is never dropped
    with_snapshots = [(e["variant"], e["snapshot"]["epoch"]) for e in job.events if e["snapshot"] is not None]
    assert sorted(with_snapshots) == [("x", 1000), ("y", 1000)]
    assert job.events[0]["epoch"] == 1  # thinned evenly: the curves still start at the first epoch


def test_a_failed_run_reports_a_plain_sentence_and_logs_the_details(manager, caplog):
    from types import SimpleNamespace

    unknown = SimpleNamespace(name="no_such_scenario", version="1")
    job = manager.submit(unknown, config(), "a")
    with caplog.at_level("ERROR", logger="seqcore.jobs"):
        status = wait(manager, job, (DONE, FAILED))
    assert status.state == FAILED
    assert status.error == "Training failed because of an error in the app; the details are in the server log."
    assert "ValueError" in caplog.text and "no_such_scenario" in caplog.text  # the details went to the log


def test_a_killed_worker_is_a_plain_sentence(manager):
    import os
    import signal

    job = manager.submit(SCENARIO, config(epochs=40, train_sequences=2000, seed=11), "a")
    wait(manager, job, (RUNNING,))
    os.kill(manager.worker_pids()[0], signal.SIGKILL)
    status = wait(manager, job, (DONE, FAILED, CANCELLED))
    assert status.state == FAILED and status.error.startswith("The training process stopped unexpectedly")
    assert "code" not in status.error and "Error" not in status.error


def test_a_cache_that_cannot_be_written_still_delivers_the_run_uncached(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")  # every write fails, even for root
    manager = JobManager(blocked)
    try:
        job = manager.submit(SCENARIO, config(seed=5), "a")
        status = wait(manager, job, (DONE, FAILED))
        assert status.state == DONE and not status.saved
        assert status.notice == "Results can't be saved here; showing them without caching." and status.error == ""
        result = manager.unsaved_result(job)
        assert "stream/max_abs_diff" in result.metrics and set(result.models) == {"many_to_one", "many_to_many"}
        assert result.models["many_to_one"] is not None
        assert manager.store.load(status.key) == (None, [])  # nothing cached, no crash
    finally:
        manager.shutdown()


LOSE_A_RUN = """
import os, signal, sys, time
sys.path.insert(0, {root!r})
import seqcore
from seqcore.jobs import JobManager, RUNNING
scenario = seqcore.get_scenario("counting")
config = scenario.Config.from_params({params!r})[0]
manager = JobManager({cache!r})
job = manager.submit(scenario, config, "visitor")
while manager.status(job, watcher="visitor").state != RUNNING:
    time.sleep(0.05)
print(manager.worker_pids()[0], flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the server dies mid-training
"""


def test_a_run_lost_in_a_restart_is_reported_and_a_clean_stop_is_not(tmp_cache, root):
    import os
    import signal
    import subprocess
    import sys

    params = {**TINY_COUNTING, "epochs": "40", "train_sequences": "2000", "seed": "21"}
    cfg = SCENARIO.Config.from_params(params)[0]
    key = entry_key(SCENARIO.name, cfg, SCENARIO.version)
    code = LOSE_A_RUN.format(root=str(root), params=params, cache=str(tmp_cache))
    died = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr[-2000:]
    try:
        os.kill(int(died.stdout.split()[0]), signal.SIGKILL)  # its orphaned worker (it would stop by itself)
    except ProcessLookupError:
        pass
    restarted = JobManager(tmp_cache)
    try:
        assert restarted.was_lost(key) and not restarted.was_lost("some-other-key")
        restarted.submit(SCENARIO, cfg, "visitor")  # Train again: no longer reported lost
        assert not restarted.was_lost(key)
    finally:
        restarted.shutdown()
    again = JobManager(tmp_cache)
    try:
        assert not again.was_lost(key)  # a clean shutdown leaves nothing to report
    finally:
        again.shutdown()
