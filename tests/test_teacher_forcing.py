"""Teacher forcing: windows and mask, schedules, the shared-layer models, the metric contract, the default."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.scenarios.teacher_forcing import data, schedules
from seqcore.scenarios.teacher_forcing.config import MAX_MASK_RATE, MAX_SECONDS, VARIANTS, Config

TINY = {"train_windows": "200", "epochs": "2", "batch_size": "100", "units": "8", "input_length": "10",
        "horizon": "5"}


# -- data ---------------------------------------------------------------------------------------------------
def test_forward_fill_exact_values():
    values = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    missing = np.array([[0, 1, 1, 0], [1, 1, 0, 1]])
    filled = data.forward_fill(values, missing, first=np.array([-1.0, -2.0]))
    assert filled.tolist() == [[1.0, 1.0, 1.0, 4.0], [-2.0, -2.0, 7.0, 7.0]]


def test_cut_windows_shifts_the_truth_by_one_after_the_start_value():
    series = np.arange(14, dtype=np.float32).reshape(1, 14)  # two windows of 3 + 4 steps
    windows = data.cut_windows(series, input_length=3, horizon=4, mask_rate=0.0, rng=np.random.default_rng(0))
    assert len(windows) == 2
    assert windows.history[:, :, 0].tolist() == [[0, 1, 2], [7, 8, 9]]
    assert windows.targets[0].tolist() == [[3, 0], [4, 0], [5, 0], [6, 0]]
    assert windows.decoder_inputs[:, :, 0].tolist() == [[2, 3, 4, 5], [9, 10, 11, 12]]


def test_a_missing_target_is_zeroed_flagged_and_held_over_in_the_decoder_input():
    series = np.arange(6, dtype=np.float32).reshape(1, 6)
    windows = data.cut_windows(series, input_length=2, horizon=4, mask_rate=0.5, rng=np.random.default_rng(1))
    missing = windows.targets[0, :, 1].astype(bool)
    assert missing.any() and not missing.all()
    assert (windows.targets[0, missing, 0] == 0).all()
    expected = data.forward_fill(np.array([[2.0, 3, 4, 5]]), missing[None], np.array([1.0]))[0, :-1]
    assert windows.decoder_inputs[0, 1:, 0].tolist() == expected.tolist()


@pytest.mark.parametrize("kind", data.SERIES_KINDS)
def test_series_are_seeded_finite_and_unit_scale(kind):
    first = data.synthetic_series(count=50, length=60, kind=kind, noise=0.1, rng=np.random.default_rng(4))
    again = data.synthetic_series(count=50, length=60, kind=kind, noise=0.1, rng=np.random.default_rng(4))
    assert first.shape == (50, 60) and first.dtype == np.float32 and (first == again).all()
    assert np.isfinite(first).all() and 0.2 < first.std() < 1.5


@pytest.mark.parametrize("kwargs,named", [({"kind": "square"}, "kind"), ({"noise": -1.0}, "noise")])
def test_bad_generator_arguments_raise_naming_the_argument(kwargs, named):
    arguments = dict(count=2, length=10, kind="sines", noise=0.1, rng=np.random.default_rng(0)) | kwargs
    with pytest.raises(ValueError, match=named):
        data.synthetic_series(**arguments)


def test_validation_windows_are_never_training_windows():
    from seqcore.scenarios.teacher_forcing.model import make_data
    train, validation = make_data(Config(train_windows=400))
    seen = {row.tobytes() for row in train.history}
    assert not any(row.tobytes() in seen for row in validation.history)


# -- schedules ----------------------------------------------------------------------------------------------
def test_schedules_exact_values():
    assert schedules.truth_probability("linear", total=5, end=0.0).tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]
    np.testing.assert_allclose(schedules.truth_probability("exponential", total=3, end=0.25), [1.0, 0.5, 0.25])
    k = 10.0
    curve = schedules.truth_probability("inverse_sigmoid", total=11, end=k / (k + math.e))
    np.testing.assert_allclose(curve, k / (k + np.exp(np.arange(11) / k)), rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(schedule=st.sampled_from(schedules.SCHEDULES), total=st.integers(10, 5000),
       end=st.floats(0.0, 1.0))
def test_every_schedule_decays_from_near_one_to_its_end(schedule, total, end):
    curve = schedules.truth_probability(schedule, total=total, end=end)
    assert curve.shape == (total,)
    assert ((curve >= 0) & (curve <= 1)).all() and (np.diff(curve) <= 1e-12).all()
    floor = end if schedule == "linear" else max(end, schedules.FLOOR)
    assert curve[-1] == pytest.approx(floor, abs=1e-6)
    start = 0.5 if schedule == "inverse_sigmoid" else 1.0  # the inverse sigmoid starts at k / (k + 1), k >= 1
    assert curve[0] >= start - 1e-12


def test_unknown_schedule_raises_naming_it():
    with pytest.raises(ValueError, match="schedule"):
        schedules.truth_probability("cosine", total=10)


# -- config -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params,field,value", [
    ({"input_length": "1000"}, "input_length", 120),
    ({"input_length": "0"}, "input_length", 4),
    ({"horizon": "-3"}, "horizon", 1),
    ({"horizon": "500"}, "horizon", 60),
    ({"schedule": "cosine"}, "schedule", "inverse_sigmoid"),
    ({"mask_rate": "1"}, "mask_rate", MAX_MASK_RATE),
])
def test_bad_values_are_clamped_with_a_warning(params, field, value):
    config, warnings = Config.from_params(params)
    assert getattr(config, field) == value
    assert len(warnings) == 1 and field in warnings[0]


def test_too_much_work_lowers_the_epochs_with_a_warning():
    config, warnings = Config.from_params({"epochs": "200", "units": "64"})
    assert config.estimated_seconds() <= MAX_SECONDS and 1 <= config.epochs < 200
    assert len(warnings) == 1 and "epochs" in warnings[0]


def test_a_huge_epoch_also_lowers_the_windows():
    config, warnings = Config.from_params({"train_windows": "20000", "batch_size": "8", "units": "128",
                                           "input_length": "120", "horizon": "60"})
    assert config.estimated_seconds() <= MAX_SECONDS and config.train_windows < 20000 and config.epochs >= 1
    assert any("train_windows" in warning for warning in warnings)


def test_the_default_is_within_the_cap():
    assert Config.from_params({})[0] == Config() and Config().estimated_seconds() <= MAX_SECONDS


# -- models -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_layers():
    from seqcore.scenarios.teacher_forcing import networks
    layers = networks.build_layers(units=6, seed=3)
    windows = data.make_windows(count=16, input_length=7, horizon=5, kind="sines", noise=0.1, mask_rate=0.2,
                                windows_per_series=2, rng=np.random.default_rng(5))
    networks.training_model(layers, input_length=7, horizon=5)  # builds the layers
    return layers, windows


def test_inference_model_fed_the_truth_reproduces_the_training_model(small_layers):
    from seqcore.scenarios.teacher_forcing import networks
    from seqcore.scenarios.teacher_forcing.model import teacher_forced_by_steps
    layers, windows = small_layers
    training = networks.training_model(layers, input_length=7, horizon=5)
    forced = np.asarray(training([windows.history, windows.decoder_inputs]))
    np.testing.assert_allclose(teacher_forced_by_steps(layers, windows), forced, atol=1e-5)


def test_the_training_loop_matches_both_models(small_layers):
    import tensorflow as tf

    from seqcore.scenarios.teacher_forcing import networks
    layers, windows = small_layers
    training = networks.training_model(layers, input_length=7, horizon=5)
    inference = networks.inference_model(layers, input_length=7, horizon=5)
    every = tf.ones((16, 5), tf.bool)
    forced = networks.unroll(layers, windows.history, windows.decoder_inputs, every)
    free = networks.unroll(layers, windows.history, windows.decoder_inputs, tf.logical_not(every))
    np.testing.assert_allclose(forced, training([windows.history, windows.decoder_inputs]), atol=1e-5)
    np.testing.assert_allclose(free, inference(windows.history), atol=1e-5)


def test_saved_inference_model_loads_safely_and_rebuilds_the_training_model_by_name(small_layers, tmp_path):
    import keras

    from seqcore.scenarios.teacher_forcing import networks
    layers, windows = small_layers
    inference = networks.inference_model(layers, input_length=7, horizon=5)
    inference.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    np.testing.assert_allclose(loaded(windows.history), inference(windows.history), atol=1e-6)
    rebuilt = networks.training_model(networks.layers_of(loaded), input_length=7, horizon=5)
    original = networks.training_model(layers, input_length=7, horizon=5)
    np.testing.assert_allclose(rebuilt([windows.history, windows.decoder_inputs]),
                               original([windows.history, windows.decoder_inputs]), atol=1e-6)


# -- run ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_run():
    scenario = seqcore.get_scenario("teacher_forcing")
    config, warnings = scenario.Config.from_params(TINY)
    assert warnings == []
    events = []
    return scenario, config, scenario.run(config, progress=events.append), events


def test_tiny_run_has_exactly_the_promised_metric_keys(tiny_run):
    _, config, result, _ = tiny_run
    expected = {"check/inference_matches_training"}
    for variant in VARIANTS:
        expected |= {f"{variant}/teacher_forced_mse", f"{variant}/free_running_mse", f"{variant}/gap"}
        expected |= {f"{variant}/mse_step_{k}" for k in range(1, config.horizon + 1)}
    assert set(result.metrics) == expected
    assert all(math.isfinite(value) for value in result.metrics.values())
    assert result.metrics["check/inference_matches_training"] < 1e-5
    for variant in VARIANTS:
        m = result.metrics
        assert m[f"{variant}/gap"] == pytest.approx(m[f"{variant}/free_running_mse"] /
                                                    m[f"{variant}/teacher_forced_mse"])


def test_tiny_run_history_progress_and_models(tiny_run):
    _, config, result, events = tiny_run
    assert set(result.history) == set(VARIANTS) == set(result.models)
    for variant in VARIANTS:
        assert len(result.history[variant]) == config.epochs
        assert {"loss", "val_teacher_forced_mse", "val_free_running_mse"} <= set(result.history[variant][0])
    assert len(events) == len(VARIANTS) * config.epochs and max(e["fraction"] for e in events) == 1.0
    assert result.models["free_running"].output.shape[1:] == (config.horizon, 1)


def test_tiny_run_artifacts_hold_what_the_page_draws(tiny_run):
    _, config, result, _ = tiny_run
    artifacts = result.artifacts
    assert artifacts["horizon_steps"] == list(range(1, config.horizon + 1))
    samples = artifacts["samples"]
    assert np.shape(samples["history"])[1] == config.input_length
    assert np.shape(samples["truth"]) == np.shape(samples["free_running"]["scheduled_sampling"])
    assert set(np.unique(artifacts["schedule"]["teacher_forcing"]["probability"])) == {1.0}
    assert set(np.unique(artifacts["schedule"]["free_running"]["probability"])) == {0.0}
    ramp = artifacts["schedule"]["scheduled_sampling"]["probability"]
    assert ramp[0] >= 0.5 and ramp[-1] < ramp[0] and (np.diff(ramp) <= 0).all()  # 4 steps: k = 1
    assert artifacts["schedule"]["scheduled_sampling"]["epoch"][-1] == pytest.approx(config.epochs)


def test_same_config_twice_gives_the_same_metrics(tiny_run):
    scenario, config, result, _ = tiny_run
    again = scenario.run(config)
    assert again.metrics == result.metrics


def test_cancel_stops_the_run():
    from seqcore.training import CancelToken, Cancelled
    scenario = seqcore.get_scenario("teacher_forcing")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        scenario.run(scenario.Config.from_params(TINY)[0], cancel=token)


def test_figures_have_titled_axes(tiny_run):
    from seqcore.scenarios.teacher_forcing import plots
    _, _, result, _ = tiny_run
    figures = [plots.window_figure(result.artifacts, 0, "teacher_forcing"),
               plots.error_by_step_figure(result.artifacts), plots.schedule_figure(result.artifacts),
               plots.training_curves_figure(result.history)]
    for figure in figures:
        assert figure.layout.title.text and figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    assert len(figures[1].data) == len(VARIANTS) and len(figures[3].data) == 2 * len(VARIANTS)
    with pytest.raises(ValueError, match="index"):
        plots.window_figure(result.artifacts, 99, "teacher_forcing")
    rows = plots.summary_rows(result.metrics)
    assert [row["variant"] for row in rows] == ["Teacher forcing", "Scheduled sampling", "Free running"]


# -- the default, as shipped --------------------------------------------------------------------------------
def test_pretrained_default_shows_the_trap_and_the_fix():
    """The shipped default reproduces the issue's numbers; if this fails: python -m seqcore pretrain --bundle."""
    from seqcore.store import BUNDLED_DIR, Store, entry_key
    scenario = seqcore.get_scenario("teacher_forcing")
    key = entry_key(scenario.name, scenario.Config(), scenario.version)
    result, warnings = Store(BUNDLED_DIR / "none", bundled=BUNDLED_DIR).load(key)
    assert result is not None, f"stale or missing pretrained default {key}: run python -m seqcore pretrain --bundle"
    metrics = result.metrics
    assert metrics["teacher_forcing/gap"] >= 2
    best = min(metrics["scheduled_sampling/free_running_mse"], metrics["free_running/free_running_mse"])
    assert best <= 0.7 * metrics["teacher_forcing/free_running_mse"]
    assert metrics["check/inference_matches_training"] < 1e-5
    curve = result.history["teacher_forcing"]
    assert curve[-1]["val_teacher_forced_mse"] < curve[0]["val_teacher_forced_mse"]
    assert curve[-1]["val_free_running_mse"] > 5 * curve[-1]["val_teacher_forced_mse"]
    model = result.models["teacher_forcing"]  # loads with safe_mode=True
    history = np.asarray(result.artifacts["samples"]["history"], np.float32)[..., None]
    np.testing.assert_allclose(np.asarray(model(history))[..., 0],
                               result.artifacts["samples"]["free_running"]["teacher_forcing"], atol=2e-4)
