"""A shared demo's queue is fair: one client cannot fill it, abandoned runs leave it, another visitor's run starts
next, and waits are estimated honestly. The real JobManager with tiny counting runs."""

import time

import pytest

import seqcore
from seqcore.job_states import CANCELLED, DONE, FAILED, QUEUED, RUNNING, QueueFull, TooManyWaiting
from seqcore.jobs import JobManager
from tests.conftest import TINY_COUNTING

SCENARIO = seqcore.get_scenario("counting")


def config(**changes):
    params = {**TINY_COUNTING, **{k: str(v) for k, v in changes.items()}}
    return SCENARIO.Config.from_params(params)[0]


def wait_for(condition, timeout=180, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def test_one_client_gets_two_waiting_runs_and_a_plain_refusal(tmp_cache):
    manager = JobManager(tmp_cache, max_waiting_per_client=2)
    try:
        accepted, refusals = [], []
        for seed in range(40):  # one tab reloading with new seeds: every reload is a new session
            try:
                accepted.append(manager.submit(SCENARIO, config(seed=seed), f"session-{seed}", client="10.0.0.1"))
            except TooManyWaiting as refused:
                refusals.append(refused.visitor_message)
        waiting = [job for job in accepted if manager.status(job).state == QUEUED]
        assert len(waiting) == 2 and len(accepted) <= 3 and len(refusals) >= 37
        assert refusals[0].startswith("You already have 2 runs waiting") and "Error" not in refusals[0]
        # Another client is not affected, and sharing a run that is already queued costs nothing.
        manager.submit(SCENARIO, config(seed=100), "someone-else", client="10.0.0.2")
        assert manager.submit(SCENARIO, config(seed=1), "session-x", client="10.0.0.1") == accepted[1]
    finally:
        manager.shutdown()


def test_a_sweep_counts_as_its_points(tmp_cache, monkeypatch):
    monkeypatch.setattr(SCENARIO.Config, "points", lambda self: 3 if self.seed >= 50 else 1)
    manager = JobManager(tmp_cache, max_waiting_per_client=2)
    try:
        busy = manager.submit(SCENARIO, config(seed=0), "x", client="x")
        wait_for(lambda: manager.status(busy, watcher="x").state == RUNNING)
        manager.submit(SCENARIO, config(seed=1), "a", client="c")  # 1 point waiting
        with pytest.raises(TooManyWaiting):
            manager.submit(SCENARIO, config(seed=50), "a", client="c")  # a 3-point sweep on top of it
        alone = manager.submit(SCENARIO, config(seed=60), "b", client="d")  # nothing waiting: one sweep may queue
        assert manager.status(alone).state == QUEUED
        with pytest.raises(TooManyWaiting):
            manager.submit(SCENARIO, config(seed=2), "b", client="d")
    finally:
        manager.shutdown()


def test_a_full_queue_says_how_long(tmp_cache):
    manager = JobManager(tmp_cache, max_queue=3, max_waiting_per_client=10)
    try:
        for seed in range(5):
            try:
                manager.submit(SCENARIO, config(seed=seed), "a", client=f"client-{seed}")
            except QueueFull as full:
                message = full.visitor_message
                break
        else:
            raise AssertionError("the queue never said it was full")
        assert message.startswith("The queue is full: 3 runs are waiting, about ")
        assert "frees up in about " in message and "minute" not in message.split("about")[-1][:3]
    finally:
        manager.shutdown()


def test_runs_nobody_watches_leave_the_queue(tmp_cache):
    manager = JobManager(tmp_cache, abandon_s=1.0)
    try:
        first = manager.submit(SCENARIO, config(seed=0), "watcher", client="a")
        left = [manager.submit(SCENARIO, config(seed=seed), f"gone-{seed}", client=f"c{seed}") for seed in (1, 2, 3)]
        wait_for(
            lambda: (
                manager.status(first, watcher="watcher") and all(manager.status(job).state == CANCELLED for job in left)
            ),
            timeout=20,
        )
        assert all(manager.status(job).error.startswith("Nobody was watching") for job in left)
        assert manager.status(first).state in (QUEUED, RUNNING)  # the watched one is still there
    finally:
        manager.shutdown()


def test_after_a_flood_and_abandoned_sessions_another_visitor_starts_within_two_run_times(tmp_cache):
    manager = JobManager(tmp_cache, abandon_s=2.0, max_waiting_per_client=2)
    try:
        flood = []
        for seed in range(40):  # one client floods (and keeps its tab open: its runs stay watched)
            try:
                flood.append(manager.submit(SCENARIO, config(seed=seed), f"flood-{seed}", client="flooder"))
            except TooManyWaiting:
                pass
        abandoned = [
            manager.submit(SCENARIO, config(seed=100 + i), f"left-{i}", client=f"left-{i}") for i in range(10)
        ]  # visitors who pressed Train and closed their tab

        def flooder_watches():
            for job in flood:
                manager.status(job, watcher="flooder-tab")

        wait_for(lambda: flooder_watches() or all(manager.status(j).state == CANCELLED for j in abandoned), timeout=30)
        submitted = time.monotonic()
        mine = manager.submit(SCENARIO, config(seed=999), "visitor", client="visitor")
        status = manager.status(mine, watcher="visitor")
        assert status.state == QUEUED and status.queue_position == 1  # ahead of the flooder's waiting runs
        started = wait_for(
            lambda: flooder_watches() or (manager.status(mine, watcher="visitor").state != QUEUED and time.monotonic())
        )
        first = wait_for(lambda: manager.status(flood[0]).state in (DONE, FAILED) and manager.status(flood[0]))
        assert first.state == DONE
        assert started - submitted <= 2 * first.seconds, (started - submitted, first.seconds)
        assert (
            wait_for(lambda: manager.status(mine, watcher="visitor").state in (DONE, FAILED))
            and manager.status(mine).state == DONE
        )
    finally:
        manager.shutdown()


def test_an_unwatched_run_finishes_and_a_queued_one_gets_a_wait_from_measured_times(tmp_cache):
    manager = JobManager(tmp_cache, abandon_s=1.0)
    try:
        first = manager.submit(SCENARIO, config(seed=0), "a", client="a")
        # Nobody watches it once it trains: a run already training is not stopped, it finishes into the cache.
        wait_for(lambda: manager.status(first, watcher="a").state != QUEUED)
        assert wait_for(lambda: manager.status(first).state in (DONE, FAILED, CANCELLED))
        assert manager.status(first).state == DONE
        measured = manager.status(first).seconds
        running = manager.submit(SCENARIO, config(seed=1), "a", client="a")
        wait_for(lambda: manager.status(running, watcher="a").state == RUNNING)
        queued = manager.submit(SCENARIO, config(seed=2), "b", client="b")
        wait = manager.status(queued, watcher="b").estimated_wait_s
        assert 0 < wait <= measured * 1.5, (wait, measured)
    finally:
        manager.shutdown()
