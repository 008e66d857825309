"""The on-disk cache: atomic writes, checksummed and validated loads, damaged entries removed, bounded size,
one save policy for models, and a read-only or full cache that degrades instead of crashing."""

import dataclasses
import errno
import io
import json
import os
import zipfile

import h5py
import keras
import numpy as np
import pytest

from seqcore.records import Record
from seqcore.result import Result
from seqcore.store import MANIFEST, Store, StoreError
from seqcore.stored_models import MODEL_DAMAGED


@dataclasses.dataclass(frozen=True)
class TinyArtifacts(Record):
    curve: list[float]


def make_store(root, **kwargs) -> Store:
    """A store that reads artifacts with TinyArtifacts (independent of the real scenarios)."""
    kwargs.setdefault("bundled", None)
    return Store(root, artifacts_record=lambda name: TinyArtifacts, **kwargs)


def tiny_result(seed: int = 0, compiled: bool = False) -> Result:
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed))(inputs)
    model = keras.Model(inputs, outputs, name="tiny")
    if compiled:  # trained a step, so it carries optimizer state
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((4, 3), np.float32), np.ones((4, 1), np.float32), epochs=1, verbose=0)
    return Result(
        scenario="tiny",
        config={"seed": seed},
        metrics={"v/mse": 0.5},
        history={"v": [{"loss": 1.0}]},
        artifacts=TinyArtifacts(curve=np.arange(3.0)),
        models={"v": model},
        seconds=1.5,
        notes=["n"],
    )


def rewrite_manifest(folder, change):
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_save_then_load_gives_the_same_numbers_and_model(tmp_path):
    store = make_store(tmp_path)
    original = tiny_result()
    store.save("k", original)
    loaded, warnings = store.load("k")
    assert warnings == [] and loaded.metrics == {"v/mse": 0.5} and loaded.artifacts.curve == [0.0, 1.0, 2.0]
    assert loaded.notes == ["n"] and loaded.seconds == 1.5
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(loaded.models["v"].predict(x, verbose=0), original.models["v"].predict(x, verbose=0))
    assert [p.name for p in tmp_path.iterdir()] == ["k"]  # no temporary folder left behind


def test_models_are_saved_without_optimizer_state_and_load_in_safe_mode(tmp_path):
    store = make_store(tmp_path)
    result = tiny_result(compiled=True)
    folder = store.save("k", result)
    with zipfile.ZipFile(folder / "v.keras") as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as h5:
        assert "layers" in h5 and "optimizer" not in h5  # weights only: no optimizer variables
    loaded = keras.saving.load_model(folder / "v.keras", safe_mode=True, compile=False)
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), result.models["v"].predict(x, verbose=0))


def test_missing_key_is_none(tmp_path):
    assert make_store(tmp_path).load("nothing") == (None, [])


def test_truncated_model_file_is_removed_with_a_plain_warning(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    model_file = folder / "v.keras"
    model_file.write_bytes(model_file.read_bytes()[:100])
    result, warnings = store.load("k")
    assert result is None and "damaged" in warnings[0] and not folder.exists()
    assert "Error" not in warnings[0] and str(tmp_path) not in warnings[0]  # no exception class, no path


def test_garbage_manifest_is_removed_with_a_warning(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    (folder / MANIFEST).write_text("{not json")
    result, warnings = store.load("k")
    assert result is None and warnings and not folder.exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m.pop("metrics"),
        lambda m: m.pop("artifacts"),
        lambda m: m.pop("notes"),
        lambda m: m.pop("files"),
        lambda m: m.pop("seconds"),
        lambda m: m.pop("scenario"),
        lambda m: m["artifacts"].pop("curve"),
        lambda m: m.update(metrics=[1, 2]),
        lambda m: m.update(history={"v": "loss"}),
        lambda m: m.update(key="other"),
        lambda m: m.update(seconds="fast"),
        lambda m: m["files"]["v"].pop("sha256"),
        lambda m: m.update(notes=[1]),
    ],
    ids=[
        "metrics",
        "artifacts",
        "notes",
        "files",
        "seconds",
        "scenario",
        "artifact field",
        "metrics type",
        "history type",
        "key of another entry",
        "seconds type",
        "checksum",
        "note type",
    ],
)
def test_a_valid_json_manifest_missing_keys_is_removed_and_retrained(tmp_path, damage):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    rewrite_manifest(folder, damage)
    result, warnings = store.load("k")
    assert result is None and warnings and not folder.exists()
    store.save("k", tiny_result())  # Train writes it again and the link works
    assert store.load("k")[0] is not None


def test_manifest_cannot_point_outside_its_folder(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    rewrite_manifest(folder, lambda m: m["files"]["v"].update(name="../../etc/passwd"))
    assert store.load("k")[0] is None


def test_model_that_fails_to_deserialize_is_removed(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    result, _ = store.load("k")
    (folder / "v.keras").write_bytes(b"not a zip")  # damaged after the checksum was verified
    with pytest.raises(StoreError):
        result.models["v"]
    assert not folder.exists()


def test_a_download_of_a_damaged_model_file_is_refused_and_the_entry_removed(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result())
    result, _ = store.load("k")  # held in memory, as the app's resource cache does
    good = (folder / "v.keras").read_bytes()
    assert result.models.verified_bytes("v") == good
    result.models.check("v")
    (folder / "v.keras").write_bytes(good[: len(good) // 4])  # damaged while the result is held
    with pytest.raises(StoreError) as refused:
        result.models.check("v")
    assert str(refused.value) == MODEL_DAMAGED and not folder.exists()
    with pytest.raises(StoreError):
        result.models.verified_bytes("v")


def test_bundled_entries_are_found_after_the_cache_and_never_changed(tmp_path):
    bundled = tmp_path / "bundled"
    make_store(tmp_path / "unused").save("k", tiny_result(), into=bundled)
    store = make_store(tmp_path / "cache", bundled=bundled)
    result, _ = store.load("k")
    assert result is not None and result.metrics["v/mse"] == 0.5
    model_file = bundled / "k" / "v.keras"
    model_file.write_bytes(model_file.read_bytes()[:100])
    with pytest.raises(StoreError):
        result.models.verified_bytes("v")
    assert store.load("k")[0] is None and model_file.exists()  # refused, but what ships is not deleted


def test_least_recently_used_entries_are_evicted(tmp_path):
    store = make_store(tmp_path)
    store.save("old", tiny_result(1))
    size = sum(p.stat().st_size for p in (tmp_path / "old").iterdir())
    store.max_bytes = int(size * 2.5)
    store.save("middle", tiny_result(2))
    os.utime(tmp_path / "old" / MANIFEST, (1, 1))
    os.utime(tmp_path / "middle" / MANIFEST, (2, 2))
    store.load("old")  # touching it makes "middle" the least recently used
    store.save("new", tiny_result(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old"]


def test_a_killed_writers_temp_folder_is_discarded(tmp_path):
    store = make_store(tmp_path)
    (tmp_path / ".tmp-k-4242-abcd").mkdir()
    store.discard_temp(4242)
    assert list(tmp_path.iterdir()) == []


def test_a_valid_entry_is_kept_and_a_damaged_one_replaced_on_save(tmp_path):
    store = make_store(tmp_path)
    folder = store.save("k", tiny_result(1))
    first = (folder / "v.keras").read_bytes()
    store.save("k", tiny_result(2))  # another process finished the same run: the first copy stays
    assert (folder / "v.keras").read_bytes() == first
    store.save("k", tiny_result(2), replace=True)  # on purpose
    second = (folder / "v.keras").read_bytes()
    assert second != first
    store.save("k", tiny_result(4), into=tmp_path)  # `pretrain --bundle` writes into a folder: it replaces
    assert (folder / "v.keras").read_bytes() not in (first, second)
    (folder / "v.keras").write_bytes(b"damaged")
    store.save("k", tiny_result(3))
    assert store.load("k")[0] is not None and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- a cache that cannot be written ---------------------------------------------------------------------------
def test_a_read_only_cache_still_serves_what_it_holds(tmp_path, monkeypatch):
    """We run as root, so chmod cannot make the folder read-only: the one call that writes on a load is mocked."""
    store = make_store(tmp_path)
    store.save("k", tiny_result())

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    result, warnings = store.load("k")
    assert result is not None and warnings == []


def test_saving_where_the_cache_folder_is_a_file_raises_and_loading_there_is_a_miss(tmp_path):
    """A file in place of the cache folder: every write fails for real (chmod would not stop root)."""
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder")
    store = make_store(blocked)
    with pytest.raises(OSError):
        store.save("k", tiny_result())
    assert store.load("k") == (None, []) and store.entries() == [] and store.evict() == []


def test_a_run_the_cache_cannot_take_is_kept_aside_and_loads_again(tmp_path):
    fallback = make_store(tmp_path / "unsaved")
    payload = fallback.unsaved_payload("k", tiny_result())
    assert set(payload) == {"folder"} and len(json.dumps(payload)) < 1000
    result = make_store(tmp_path / "blocked").load_unsaved(payload)
    assert result.artifacts.curve == [0.0, 1.0, 2.0] and result.models["v"] is not None


def test_when_nothing_can_be_written_the_results_travel_without_models(tmp_path):
    blocked = tmp_path / "unsaved"
    blocked.write_text("not a folder")
    payload = make_store(blocked).unsaved_payload("k", tiny_result())
    assert set(payload) == {"manifest"}
    result = make_store(tmp_path).load_unsaved(json.loads(json.dumps(payload)))  # as through a pipe
    assert result.metrics == {"v/mse": 0.5} and result.artifacts.curve == [0.0, 1.0, 2.0] and len(result.models) == 0
    with pytest.raises(StoreError):
        result.models["v"]
