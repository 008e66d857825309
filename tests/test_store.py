"""The on-disk cache: atomic writes, checksummed loads, damaged entries removed, bounded size."""

import json
import os

import keras
import numpy as np
import pytest

from seqcore.result import Result
from seqcore.store import MANIFEST, Store, StoreError


def tiny_result(seed: int = 0) -> Result:
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed))(inputs)
    model = keras.Model(inputs, outputs)
    return Result(scenario="counting", config={"seed": seed}, metrics={"v/mse": 0.5},
                  history={"v": [{"loss": 1.0}]}, artifacts={"curve": np.arange(3.0)}, models={"v": model})


def test_save_then_load_gives_the_same_numbers_and_model(tmp_path):
    store = Store(tmp_path, bundled=None)
    original = tiny_result()
    store.save("k", original)
    loaded, warnings = store.load("k")
    assert warnings == [] and loaded.metrics == {"v/mse": 0.5} and loaded.artifacts["curve"] == [0.0, 1.0, 2.0]
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(loaded.models["v"].predict(x, verbose=0), original.models["v"].predict(x, verbose=0))
    assert [p.name for p in tmp_path.iterdir()] == ["k"]  # no temporary folder left behind


def test_missing_key_is_none(tmp_path):
    assert Store(tmp_path, bundled=None).load("nothing") == (None, [])


def test_truncated_model_file_is_removed_with_a_warning(tmp_path):
    store = Store(tmp_path, bundled=None)
    folder = store.save("k", tiny_result())
    model_file = folder / "v.keras"
    model_file.write_bytes(model_file.read_bytes()[:100])
    result, warnings = store.load("k")
    assert result is None and "damaged" in warnings[0] and not folder.exists()


def test_garbage_manifest_is_removed_with_a_warning(tmp_path):
    store = Store(tmp_path, bundled=None)
    folder = store.save("k", tiny_result())
    (folder / MANIFEST).write_text("{not json")
    result, warnings = store.load("k")
    assert result is None and warnings and not folder.exists()


def test_manifest_cannot_point_outside_its_folder(tmp_path):
    store = Store(tmp_path, bundled=None)
    folder = store.save("k", tiny_result())
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["v"]["name"] = "../../etc/passwd"
    (folder / MANIFEST).write_text(json.dumps(manifest))
    assert store.load("k")[0] is None


def test_model_that_fails_to_deserialize_is_removed(tmp_path):
    store = Store(tmp_path, bundled=None)
    folder = store.save("k", tiny_result())
    result, _ = store.load("k")
    (folder / "v.keras").write_bytes(b"not a zip")  # damaged after the checksum was verified
    with pytest.raises(StoreError):
        result.models["v"]
    assert not folder.exists()


def test_least_recently_used_entries_are_evicted(tmp_path):
    store = Store(tmp_path, bundled=None)
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
    store = Store(tmp_path, bundled=None)
    (tmp_path / ".tmp-k-4242-abcd").mkdir()
    store.discard_temp(4242)
    assert list(tmp_path.iterdir()) == []


def test_bundled_entries_are_found_after_the_cache(tmp_path):
    bundled = tmp_path / "bundled"
    Store(tmp_path / "unused", bundled=None).save("k", tiny_result(), into=bundled)
    result, _ = Store(tmp_path / "cache", bundled=bundled).load("k")
    assert result is not None and result.metrics["v/mse"] == 0.5
