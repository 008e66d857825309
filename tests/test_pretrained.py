"""The runs that ship with the app — each scenario's default and the presets its page offers: present, safe to
load, and (the defaults) the same numbers a fresh run gives.

A failure here means the code changed what the default run produces. Regenerate the bundle with
`python -m seqcore pretrain --bundle` and commit seqcore/pretrained/.
"""

import math

import numpy as np
import pytest

import seqcore
from seqcore.store import BUNDLED_DIR, Store, entry_key

REGENERATE = "stale pretrained default: run `python -m seqcore pretrain --bundle` and commit seqcore/pretrained/"


def bundled(name, preset="default"):
    scenario = seqcore.get_scenario(name)
    key = entry_key(name, scenario.preset(preset), scenario.version)
    return Store(BUNDLED_DIR / "no-cache", bundled=BUNDLED_DIR).load(key)


OFFERED_PRESETS = [(name, preset) for name, scenario in seqcore.SCENARIOS.items() for preset in scenario.presets]


def probe_inputs(model):
    """Zeros shaped like each of the model's inputs: 2 rows, and 8 wherever a size is free (time steps)."""
    return [
        np.zeros([2] + [8 if size is None else size for size in tensor.shape[1:]], tensor.dtype)
        for tensor in model.inputs
    ]


@pytest.mark.parametrize("name, preset", [(name, "default") for name in seqcore.SCENARIOS] + OFFERED_PRESETS)
def test_default_and_offered_presets_are_bundled_and_every_model_loads_in_safe_mode_and_predicts(name, preset):
    import keras

    result, warnings = bundled(name, preset)
    assert result is not None, f"{name} ({preset}): {REGENERATE}"
    assert warnings == []
    shipped = 1 + len(seqcore.get_scenario(name).presets)  # the default and each preset the page offers
    assert len(list(BUNDLED_DIR.glob(f"{name}-*"))) == shipped, f"{name}: not {shipped} bundled runs; {REGENERATE}"
    variants = {variant.key for variant in seqcore.get_scenario(name).variants}
    assert result.models and set(result.models) <= variants  # models are saved under their variant's key
    for variant in result.models:
        model = result.models[variant]  # StoredModels loads the checksummed file with safe_mode=True
        assert isinstance(model, keras.Model) and model.count_params() > 0, variant
        inputs = probe_inputs(model)
        outputs = keras.tree.flatten(model(inputs, training=False))
        assert outputs and all(np.all(np.isfinite(np.asarray(output))) for output in outputs), variant
        assert all(np.asarray(output).shape[0] == 2 for output in outputs), variant  # one answer per row


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_a_fresh_default_run_reproduces_the_bundled_metrics(name):
    result, _ = bundled(name)
    assert result is not None, f"{name}: {REGENERATE}"
    fresh = seqcore.get_scenario(name).run()
    assert set(fresh.metrics) == set(result.metrics), f"{name}: {REGENERATE}"
    for key, value in fresh.metrics.items():
        stored = result.metrics[key]
        same = (math.isnan(value) and math.isnan(stored)) or value == pytest.approx(stored, rel=1e-3, abs=1e-5)
        assert same, f"{name}: {key} is {value} now, {stored} in the bundle; {REGENERATE}"
