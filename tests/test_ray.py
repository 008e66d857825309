"""The Ray backend of seqcore.jobs, on a real Ray cluster of two simulated nodes on this machine (loopback only).

One cluster serves the whole module (starting Ray costs seconds); each test points the app at it through
``$SEQCORE_RAY_ADDRESS`` (monkeypatched, so the rest of the suite trains on local workers as usual).
"""

import os
import subprocess
import sys
import time

import pytest

import seqcore
from seqcore.job_states import CANCELLED, DONE, FAILED, RUNNING
from seqcore.jobs import JobManager
from seqcore.store import entry_key
from tests.conftest import ROOT, TINY_COUNTING

SCENARIO = seqcore.get_scenario("counting")
LONG = {"epochs": 40, "train_sequences": 2000}  # long enough to be stopped while it trains


def config(**changes):
    params = {**TINY_COUNTING, **{k: str(v) for k, v in changes.items()}}
    return SCENARIO.Config.from_params(params)[0]


def wait(manager, job_id, states, timeout=180, until=None):
    """Poll as a page does until the job reaches one of ``states`` (or ``until(status)`` holds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = manager.status(job_id, watcher="test")
        if status.state in states or (until is not None and until(status)):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job stayed {manager.status(job_id).state}")


def ray_worker(manager, job_id):
    """The slot's stand-in for a worker process that runs ``job_id`` as a Ray task."""
    with manager._lock:
        return next(slot.process for slot in manager._slots if slot.job is not None and slot.job.job_id == job_id)


@pytest.fixture(scope="module")
def cluster():
    from seqcore.ray_backend import LOOPBACK_ONLY, runtime_env

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOOPBACK_ONLY, "0")  # every node and every connection on 127.0.0.1, nothing else
        yield from _cluster(runtime_env())


def _cluster(runtime_env):
    import ray
    from ray.cluster_utils import Cluster

    # The head trains nothing (it hosts the progress actor beside the app); each worker node takes one run.
    cluster = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 0,
            "include_dashboard": False,
            # Notice a node that stopped answering within seconds (the default waits about half a minute).
            "_system_config": {"health_check_period_ms": 1000, "health_check_failure_threshold": 3},
        },
    )
    for _ in range(2):
        cluster.add_node(num_cpus=1)
    assert cluster.address.startswith("127.0.0.1:")
    ray.init(address=cluster.address, log_to_driver=False, runtime_env=runtime_env)  # what the app would pass
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture
def manager(cluster, tmp_cache, monkeypatch):
    monkeypatch.setenv("SEQCORE_RAY_ADDRESS", cluster.address)
    manager = JobManager(tmp_cache, time_limit_s=120, abandon_s=600)
    yield manager
    manager.shutdown()


def test_a_job_runs_as_a_ray_task_streams_progress_and_lands_in_the_apps_store(manager, tmp_cache):
    cfg = config(seed=31)
    job = manager.submit(SCENARIO, cfg, "visitor-a")
    status = wait(manager, job, (DONE, FAILED))
    assert status.state == DONE and status.saved, status.error
    assert manager.backend == "ray" and manager.worker_pids() == []  # no local worker process trained it
    assert {e["variant"] for e in status.events} == {"many_to_one", "many_to_many"}
    epochs = [(e["variant"], e["epoch"]) for e in status.events if e["epoch"]]
    assert sorted(epochs) == [(v, n) for v in ("many_to_many", "many_to_one") for n in (1, 2)]
    assert any(e["snapshot"] is not None for e in status.events)  # live predictions came through Ray too
    result, _ = manager.store.load(entry_key(SCENARIO.name, cfg, SCENARIO.version))
    assert result is not None and set(result.models) == {"many_to_one", "many_to_many"}
    assert not list(tmp_cache.glob(".tmp-*"))


def test_the_same_config_gives_the_same_metrics_on_ray_and_on_local_workers(manager, tmp_path, monkeypatch):
    cfg = config(seed=32)
    on_ray = wait(manager, manager.submit(SCENARIO, cfg, "a"), (DONE, FAILED))
    assert on_ray.state == DONE, on_ray.error
    ray_result, _ = manager.store.load(on_ray.key)
    monkeypatch.delenv("SEQCORE_RAY_ADDRESS")
    local = JobManager(tmp_path / "local", max_concurrent=2, abandon_s=600)  # 1 TensorFlow thread, as on Ray
    try:
        assert local.backend == "local"
        done = wait(local, local.submit(SCENARIO, cfg, "a"), (DONE, FAILED))
        assert done.state == DONE, done.error
        local_result, _ = local.store.load(done.key)
    finally:
        local.shutdown()
    assert set(local_result.metrics) == set(ray_result.metrics)
    for name, value in local_result.metrics.items():
        assert ray_result.metrics[name] == pytest.approx(value, rel=1e-5, abs=1e-7), name


def test_cancel_stops_the_ray_task_and_keeps_nothing(manager, tmp_cache):
    import psutil

    cfg = config(seed=33, **LONG)
    job = manager.submit(SCENARIO, cfg, "a")
    wait(manager, job, (), until=lambda status: status.state == RUNNING and status.events)
    pid = ray_worker(manager, job).task_pid
    assert pid and psutil.pid_exists(pid)
    manager.cancel(job, "a")
    assert manager.status(job).state == CANCELLED
    deadline = time.monotonic() + 30
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the Ray worker training the cancelled run is still alive"
        time.sleep(0.2)
    assert manager.store.load(entry_key(SCENARIO.name, cfg, SCENARIO.version))[0] is None
    # The cluster's slot is free again: the next run trains.
    assert wait(manager, manager.submit(SCENARIO, config(seed=34), "a"), (DONE, FAILED)).state == DONE


def test_two_visitors_on_the_same_config_share_one_task(manager):
    cfg = config(seed=35)
    first = manager.submit(SCENARIO, cfg, "visitor-a", client="10.0.0.1")
    second = manager.submit(SCENARIO, cfg, "visitor-b", client="10.0.0.2")
    assert first == second
    status = wait(manager, first, (DONE, FAILED))
    assert status.state == DONE, status.error
    epochs = [(e["variant"], e["epoch"]) for e in status.events if e["epoch"]]
    assert len(epochs) == len(set(epochs)) == 4  # one task's progress, not two interleaved


def test_a_run_whose_node_dies_fails_with_a_plain_sentence(manager, cluster):
    job = manager.submit(SCENARIO, config(seed=36, **LONG), "a")
    wait(manager, job, (), until=lambda status: status.state == RUNNING and status.events)
    node_id = ray_worker(manager, job).node
    node = next(node for node in cluster.worker_nodes if node.node_id == node_id)
    cluster.remove_node(node, allow_graceful=False)
    try:
        status = wait(manager, job, (DONE, FAILED, CANCELLED), timeout=90)
        assert status.state == FAILED
        assert status.error.startswith("The machine training this run left the training cluster")
        assert "Error" not in status.error and "node" not in status.error
    finally:
        cluster.add_node(num_cpus=1)  # the cluster keeps its size for whatever runs next


def test_fetching_a_finished_runs_outcome_never_holds_up_the_managers_poll(cluster):
    # The manager polls its workers with its lock held; a finished task's outcome is fetched in a thread of its
    # own, so a fetch that waits on the cluster (a node lost at that moment) never stalls every page's poll.
    import threading

    import ray

    from seqcore.ray_worker import RayWorker

    released = threading.Event()

    class HeldBackend:  # the real backend's surface; fetching the finished run waits until the test releases it
        ready = True

        def submit(self, job_id, scenario_name, config):
            return ray.put("finished")  # a real object reference, ready at once: the task has finished

        def events(self, job_id, wait=False):
            if wait:  # the last drain of a finished task: held, as a lost node would hold it
                released.wait(30)
                return [("progress", {"epoch": 1})]
            return []

        def outcome(self, job_id, scenario_name, config, ref):
            return DONE, job_id, {}

        def forget(self, job_id):
            pass

    worker = RayWorker(HeldBackend())
    worker.send(("job-1", "counting", None))
    assert worker.poll() is False  # finished, still being fetched: the poll answers at once, with nothing
    released.set()
    messages, deadline = [], time.monotonic() + 30
    while len(messages) < 2 and time.monotonic() < deadline:
        while worker.poll():
            messages.append(worker.recv())
        time.sleep(0.05)
    assert messages == [("progress", "job-1", {"epoch": 1}), (DONE, "job-1", {})]  # in order, then the outcome


def test_without_the_variable_ray_is_never_imported(tmp_path):
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from seqcore.jobs import JobManager; "
        f"m = JobManager({str(tmp_path)!r}); print(m.backend, 'ray' in sys.modules); m.shutdown()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEQCORE_RAY")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["local", "False"]


def test_a_cli_sweep_fans_out_on_a_private_local_ray_and_names_the_backend(tmp_cache):
    """``local``: the app starts its own Ray, which must stay up for the whole sweep (Ray's processes die with the
    thread that started them)."""
    import json

    sets = [arg for key, value in {**TINY_COUNTING, "seed": "37"}.items() for arg in ("--set", f"{key}={value}")]
    env = {**os.environ, "SEQCORE_RAY_ADDRESS": "local"}
    out = subprocess.run(
        [sys.executable, "-m", "seqcore", "sweep", "counting", "--param", "train_length", "--values", "5,10,20"]
        + ["--json", *sets],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    payload = json.loads(out.stdout)
    assert payload["backend"] == "ray" and [run["value"] for run in payload["runs"]] == [5, 10, 20]
    for run in payload["runs"]:
        assert "many_to_one/mse_len_40" in run["metrics"] and run["seconds"] > 0
        assert (
            tmp_cache / entry_key(SCENARIO.name, config(seed=37, train_length=run["value"]), SCENARIO.version)
        ).is_dir()


def test_a_cache_that_cannot_be_written_still_gets_the_ray_run_uncached(cluster, tmp_path, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")  # every write fails, even for root
    monkeypatch.setenv("SEQCORE_RAY_ADDRESS", cluster.address)
    manager = JobManager(blocked, abandon_s=600)
    try:
        job = manager.submit(SCENARIO, config(seed=38), "a")
        status = wait(manager, job, (DONE, FAILED))
        assert status.state == DONE and not status.saved, status.error
        result = manager.unsaved_result(job)
        assert "stream/max_abs_diff" in result.metrics and set(result.models) == {"many_to_one", "many_to_many"}
    finally:
        manager.shutdown()


def test_a_bundle_is_published_only_when_it_is_the_run_asked_for_and_whole(tmp_path):
    from seqcore.manifest import MANIFEST, StoreError
    from seqcore.ray_task import publish_bundle
    from seqcore.store import Store

    store = Store(tmp_path / "cache", bundled=None)
    key = entry_key(SCENARIO.name, config(seed=39), SCENARIO.version)
    manifest = b'{"format": 2, "key": "%s"}' % key.encode()
    refused = [
        {"key": "counting-other-v1.1", "files": {MANIFEST: manifest}},  # another run
        {"key": key, "files": {MANIFEST: manifest, "../escape.keras": b"x"}},  # a path, not a name
        {"key": key, "files": {MANIFEST: manifest}},  # an incomplete manifest
    ]
    for bundle in refused:
        with pytest.raises(StoreError):
            publish_bundle(store, key, bundle)
    assert not (tmp_path / "escape.keras").exists() and store.entries() == []
    assert not list((tmp_path / "cache").glob(".tmp-*"))  # nothing half-written is left


UNREACHABLE = """
import sys, time
sys.path.insert(0, {root!r})
import seqcore
from seqcore.jobs import FINISHED, JobManager
scenario = seqcore.get_scenario("counting")
manager = JobManager({cache!r}, abandon_s=600)
job = manager.submit(scenario, scenario.Config.from_params({params!r})[0], "visitor")
while (status := manager.status(job, watcher="visitor")).state not in FINISHED:
    time.sleep(0.1)
print(manager.backend, status.state, status.error, sep="|")
manager.shutdown()
"""


@pytest.mark.parametrize("fallback", ["", "local"])
def test_a_cluster_that_cannot_be_reached_fails_runs_plainly_or_falls_back_when_allowed(tmp_path, fallback):
    from seqcore.ray_backend import CLUSTER_GONE

    code = UNREACHABLE.format(root=str(ROOT), cache=str(tmp_path), params={**TINY_COUNTING, "seed": "40"})
    env = {
        **os.environ,
        "SEQCORE_RAY_ADDRESS": "ray://127.0.0.1:9",  # loopback, where nothing listens
        "SEQCORE_RAY_CONNECT_TIMEOUT_S": "3",
        "SEQCORE_RAY_FALLBACK": fallback,
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    backend, state, error = out.stdout.strip().splitlines()[-1].split("|")
    if fallback:
        assert (backend, state, error) == ("local", "done", "")  # trained on this machine's own workers
    else:
        assert (backend, state, error) == ("ray", "failed", CLUSTER_GONE)
