"""Several processes share one cache (two app replicas, the app and `pretrain`): saves of the same entry never
fail, a reader never sees half an entry, never raises a false "damaged" alarm and never deletes a good entry."""

import dataclasses
import multiprocessing

from seqcore.records import Record
from seqcore.result import Result
from seqcore.store import Store

KEYS = ["k0", "k1"]
SAVES = 15  # per writer


@dataclasses.dataclass(frozen=True)
class TinyArtifacts(Record):
    curve: list[float]


def tiny_store(root: str) -> Store:
    return Store(root, bundled=None, artifacts_record=lambda name: TinyArtifacts)


class FileModel:
    """Stands in for a keras model (no TensorFlow to import, so the test is quick): writes a 40 kB file."""

    def save(self, path) -> None:
        with open(path, "wb") as handle:
            handle.write(bytes(range(256)) * 160)


def writer(root: str, replace: bool, ready, go, errors) -> None:
    """Save the same keys over and over, as the other writer does at the same time."""
    result = Result(
        scenario="tiny",
        config={},
        metrics={"v/mse": 0.5},
        history={"v": [{"loss": 1.0}]},
        artifacts=TinyArtifacts(curve=[0.0, 1.0]),
        models={"v": FileModel(), "w": FileModel()},
    )
    store = tiny_store(root)
    ready.release()
    go.wait()
    for attempt in range(SAVES):
        key = KEYS[attempt % len(KEYS)]
        try:
            store.save(key, result, replace=replace)
        except Exception as error:  # noqa: BLE001  (every failure is a finding)
            errors.put(f"save {key}: {type(error).__name__}: {error}")


def reader(root: str, ready, go, stop, errors) -> None:
    store = tiny_store(root)
    ready.release()
    go.wait()
    while not stop.is_set():
        for key in KEYS:
            try:
                result, warnings = store.load(key)
            except Exception as error:  # noqa: BLE001
                errors.put(f"load {key}: {type(error).__name__}: {error}")
                continue
            if warnings:
                errors.put(f"false alarm on {key}: {warnings}")
            if result is not None and result.artifacts.curve != [0.0, 1.0]:
                errors.put(f"half an entry for {key}")


def test_two_writers_and_a_reader_on_the_same_keys(tmp_path):
    context = multiprocessing.get_context("spawn")
    ready, go, stop, errors = context.Semaphore(0), context.Event(), context.Event(), context.Queue()
    root = str(tmp_path)
    # One writer as the app (keeps a valid entry), one as `pretrain` (replaces it): the hardest mix.
    writers = [context.Process(target=writer, args=(root, replace, ready, go, errors)) for replace in (False, True)]
    read = context.Process(target=reader, args=(root, ready, go, stop, errors))
    for process in (*writers, read):
        process.start()
    for _ in range(3):
        assert ready.acquire(timeout=120), "a process did not start"
    go.set()
    for process in writers:
        process.join(timeout=120)
    stop.set()
    read.join(timeout=30)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert all(process.exitcode == 0 for process in (*writers, read))
    store = tiny_store(root)
    assert all(store.load(key)[0] is not None for key in KEYS)  # every entry there and whole
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(KEYS)  # no temporary or trash folder left
