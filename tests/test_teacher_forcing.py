"""Teacher forcing: windows and mask, schedules, the loss, the custom step, the shared-layer models, the metric
contract, the live snapshot and its chart, the default."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.scenarios.teacher_forcing import FEEDBACK, FIXES, PITFALL, VARIANTS, data, schedules, verdict
from seqcore.scenarios.teacher_forcing.config import MAX_MASK_RATE, MAX_SECONDS, Config
from tests.conftest import TINY_TEACHER_FORCING as TINY

KEYS = [variant.key for variant in VARIANTS]


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
@given(schedule=st.sampled_from(schedules.SCHEDULES), total=st.integers(10, 5000), end=st.floats(0.0, 1.0))
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
@pytest.mark.parametrize(
    "params,field,value",
    [
        ({"input_length": "1000"}, "input_length", 120),
        ({"input_length": "0"}, "input_length", 4),
        ({"horizon": "-3"}, "horizon", 1),
        ({"horizon": "500"}, "horizon", 60),
        ({"schedule": "cosine"}, "schedule", "inverse_sigmoid"),
        ({"mask_rate": "1"}, "mask_rate", MAX_MASK_RATE),
    ],
)
def test_bad_values_are_clamped_with_a_warning(params, field, value):
    config, warnings = Config.from_params(params)
    assert getattr(config, field) == value
    assert len(warnings) == 1 and field in warnings[0]


def test_too_much_work_lowers_the_epochs_with_a_warning():
    config, warnings = Config.from_params({"epochs": "200", "units": "64"})
    assert config.estimated_seconds() <= MAX_SECONDS and 1 <= config.epochs < 200
    assert len(warnings) == 1 and "epochs" in warnings[0]


def test_a_huge_epoch_also_lowers_the_windows():
    config, warnings = Config.from_params(
        {"train_windows": "20000", "batch_size": "8", "units": "128", "input_length": "120", "horizon": "60"}
    )
    assert config.estimated_seconds() <= MAX_SECONDS and config.train_windows < 20000 and config.epochs >= 1
    assert any("train_windows" in warning for warning in warnings)


def test_the_default_is_within_the_cap():
    assert Config.from_params({})[0] == Config() and Config().estimated_seconds() <= MAX_SECONDS


# -- the loss: seqcore.losses.MaskedMSE, the custom step's loss ---------------------------------------------
def test_masked_mse_exact_small_values():
    from seqcore import losses

    # Two windows of three steps: [..., 0] the target, [..., 1] the missing flag (1 = not scored).
    y_true = np.array([[[1.0, 0], [2.0, 1], [3.0, 0]], [[0.0, 1], [0.0, 1], [4.0, 0]]], np.float32)
    y_pred = np.array([[[2.0], [9.0], [1.0]], [[5.0], [5.0], [1.0]]], np.float32)
    # Window 1: (1² + 2²) / 2 present steps = 2.5; window 2: 3² / 1 = 9 (the missing steps add nothing).
    np.testing.assert_allclose(np.asarray(losses.masked_mse(y_true, y_pred)), [2.5, 9.0])
    assert float(losses.MaskedMSE()(y_true, y_pred)) == pytest.approx(5.75)  # the mean over windows
    every_missing = np.ones((1, 2, 2), np.float32)
    assert np.asarray(losses.masked_mse(every_missing, np.ones((1, 2, 1), np.float32))).tolist() == [0.0]


def test_masked_mse_config_and_keras_file_round_trip(tmp_path):
    import keras

    from seqcore import losses

    loss = losses.MaskedMSE(name="gaps_skipped")
    again = losses.MaskedMSE.from_config(loss.get_config())
    assert again.get_config() == loss.get_config() and again.name == "gaps_skipped"
    assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss)).name == "gaps_skipped"
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=loss)
    y_true = np.array([[[1.0, 0], [2.0, 1], [3.0, 0]]], np.float32)
    x = np.ones((1, 3, 1), np.float32)
    model.fit(x, y_true, epochs=1, verbose=0)  # trains through the loss (and builds the optimizer it saves)
    model.save(tmp_path / "masked.keras")
    loaded = keras.saving.load_model(tmp_path / "masked.keras", safe_mode=True)
    assert isinstance(loaded.loss, losses.MaskedMSE) and loaded.loss.name == "gaps_skipped"
    assert float(loaded.loss(y_true, loaded(x))) == pytest.approx(float(loss(y_true, model(x))))


# -- models and the custom step -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_layers():
    from seqcore.scenarios.teacher_forcing import networks

    layers = networks.build_layers(units=6, seed=3)
    windows = data.make_windows(
        count=16,
        input_length=7,
        horizon=5,
        kind="sines",
        noise=0.1,
        mask_rate=0.2,
        windows_per_series=2,
        rng=np.random.default_rng(5),
    )
    networks.training_model(layers, input_length=7, horizon=5)  # builds the layers
    return layers, windows


def test_inference_model_fed_the_truth_reproduces_the_training_model(small_layers):
    from seqcore.scenarios.teacher_forcing import networks
    from seqcore.scenarios.teacher_forcing.evaluate import teacher_forced_by_steps

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


def fresh_step(probabilities, seed=3):
    from seqcore.scenarios.teacher_forcing import networks
    from seqcore.scenarios.teacher_forcing.model import FeedbackStep

    layers = networks.build_layers(units=6, seed=seed)
    training = networks.training_model(layers, input_length=7, horizon=5)
    step = FeedbackStep(
        layers,
        training.trainable_variables,
        np.asarray(probabilities),
        seed=seed,
        learning_rate=0.01,
        input_length=7,
        horizon=5,
    )
    return step, training


def test_the_custom_step_counts_its_steps_and_is_traced_once(small_layers):
    _, windows = small_layers
    step, _ = fresh_step([1.0, 0.5, 0.0])
    for _ in range(4):  # one more call than probabilities: the last one is held
        logs = step((windows.history, windows.decoder_inputs), windows.targets)
    assert int(step.steps_taken.numpy()) == 4 and set(logs) == {"loss"} and np.isfinite(float(logs["loss"]))
    step((windows.history[:5], windows.decoder_inputs[:5]), windows.targets[:5])  # a partial batch
    assert step._train.experimental_get_tracing_count() == 1


def test_the_custom_step_with_probability_one_trains_on_the_teacher_forced_loss(small_layers):
    from seqcore import losses

    _, windows = small_layers
    step, training = fresh_step([1.0])
    expected = float(losses.MaskedMSE()(windows.targets, training([windows.history, windows.decoder_inputs])))
    loss = float(step((windows.history, windows.decoder_inputs), windows.targets)["loss"])
    assert loss == pytest.approx(expected, rel=1e-5)  # the loss before the update: fed the truth at every step


def test_same_seed_same_step_results(small_layers):
    _, windows = small_layers
    results = []
    for _ in range(2):
        step, _ = fresh_step([0.5, 0.5])
        results.append(
            [float(step((windows.history, windows.decoder_inputs), windows.targets)["loss"]) for _ in range(2)]
        )
    assert results[0] == results[1]


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
    np.testing.assert_allclose(
        rebuilt([windows.history, windows.decoder_inputs]),
        original([windows.history, windows.decoder_inputs]),
        atol=1e-6,
    )


def test_log_ticks_label_a_narrow_range_in_1_2_5_steps_and_a_wide_one_in_decades():
    import plotly.graph_objects as go

    from seqcore.scenarios.teacher_forcing.plots import log_ticks

    narrow = go.Figure()
    log_ticks(narrow, [0.016, 0.19])
    assert list(narrow.layout.yaxis.tickvals) == pytest.approx([0.01, 0.02, 0.05, 0.1, 0.2])
    assert list(narrow.layout.yaxis.ticktext) == ["0.01", "0.02", "0.05", "0.1", "0.2"]
    wide = go.Figure()
    log_ticks(wide, [1e-4, 0.5])
    assert wide.layout.yaxis.dtick == 1 and wide.layout.yaxis.tickvals is None


# -- the default window and the shown windows ---------------------------------------------------------------
def test_the_default_window_is_the_75th_percentile_of_the_shown_ones():
    from seqcore.scenarios.teacher_forcing.evaluate import default_sample
    from seqcore.scenarios.teacher_forcing.model import shown_windows

    errors = np.array([0.017, 0.051, 0.454, 0.127, 0.185, 0.711, 0.119, 0.122])
    assert default_sample(errors) == 4  # sorted: 0.017 0.051 0.119 0.122 0.127 [0.185] 0.454 0.711
    assert default_sample(errors, 50) == 3 and default_sample(errors, 100) == 5
    assert shown_windows(500).tolist() == [0, 4, 8, 12, 16, 20, 24, 28]  # one window from each series


# -- live snapshot and its chart ----------------------------------------------------------------------------
def test_a_live_snapshot_at_the_largest_window_shape_is_under_20_kb():
    from seqcore.scenarios.teacher_forcing import networks
    from seqcore.scenarios.teacher_forcing.evaluate import Scorer, feedback_forecast
    from seqcore.scenarios.teacher_forcing.model import shown_windows

    big = Config(input_length=120, horizon=60)
    windows = data.make_windows(
        count=40,
        input_length=big.input_length,
        horizon=big.horizon,
        kind="sines",
        noise=1.0,
        mask_rate=0.1,
        windows_per_series=4,
        rng=np.random.default_rng(0),
    )
    layers = networks.build_layers(units=4, seed=0)
    scorer = Scorer(feedback_forecast(layers), windows, shown_windows(len(windows)))
    scorer.evaluate()
    snapshot = scorer.snapshot()
    assert len(snapshot["truth"]) == 8 and len(snapshot["free_running"][0]) == 60
    assert len(json.dumps(snapshot)) <= 20_000


def test_tiny_run_snapshots_are_small_and_the_live_chart_draws_every_variant_and_the_truth(tiny_run):
    scenario, config, result, events = tiny_run
    snapshots = [event["snapshot"] for event in events if event["snapshot"] is not None]
    assert snapshots and max(len(json.dumps(s)) for s in snapshots) <= 20_000
    assert all(event["snapshot"] is not None for event in events if event["epoch"] == config.epochs)
    latest = {event["variant"]: event["snapshot"] for event in events if event["snapshot"] is not None}
    figure = scenario.live_chart(latest, sample=2, title="after epoch 2 of 2")
    names = [trace.name for trace in figure.data]
    assert "true future (gaps: missing)" in names
    for variant in VARIANTS:
        assert f"{variant.name}: fed its own predictions" in names
    assert "Teacher forcing: fed the truth" in names
    assert figure.layout.title.text.startswith("Validation window 3")
    partial = scenario.live_chart({"free_running": latest["free_running"]}, sample=0, title="live")
    assert [t.name for t in partial.data if t.name.startswith(("Teacher", "Scheduled"))] == []
    assert len(scenario.live_chart({}, sample=0, title="live").data) == 0


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
    for variant in KEYS:
        expected |= {f"{variant}/{name}" for name in ("teacher_forced_mse", "free_running_mse", "gap")}
        expected |= {f"{variant}/vs_teacher_forcing"}
        expected |= {f"{variant}/mse_step_{k}" for k in range(1, config.horizon + 1)}
    assert set(result.metrics) == expected
    assert all(math.isfinite(value) for value in result.metrics.values())
    assert result.metrics["check/inference_matches_training"] < 1e-5
    for variant in KEYS:
        m = result.metrics
        assert m[f"{variant}/gap"] == pytest.approx(
            m[f"{variant}/free_running_mse"] / m[f"{variant}/teacher_forced_mse"]
        )
        assert m[f"{variant}/vs_teacher_forcing"] == pytest.approx(
            m[f"{variant}/free_running_mse"] / m["teacher_forcing/free_running_mse"]
        )
    # nothing is fed back to the direct decoder: fed the truth or not, it forecasts the same
    assert result.metrics["direct/teacher_forced_mse"] == result.metrics["direct/free_running_mse"]


def test_tiny_run_history_progress_and_models(tiny_run):
    _, config, result, events = tiny_run
    assert set(result.history) == set(KEYS) == set(result.models)
    for variant in KEYS:
        assert len(result.history[variant]) == config.epochs
        assert set(result.history[variant][0]) == {"loss", "validation_teacher_forced", "validation_free_running"}
        last = result.history[variant][-1]  # the last epoch's validation numbers are the final metrics
        assert last["validation_free_running"] == pytest.approx(result.metrics[f"{variant}/free_running_mse"], rel=1e-4)
    assert len(events) == len(KEYS) * (config.epochs + 1) and max(e["fraction"] for e in events) == 1.0  # + epoch 0
    assert set(events[0]) == {"variant", "epoch", "epochs", "logs", "fraction", "elapsed", "snapshot"}
    assert result.models["free_running"].output.shape[1:] == (config.horizon, 1)


def test_tiny_run_artifacts_hold_what_the_page_draws(tiny_run):
    scenario, config, result, _ = tiny_run
    artifacts = result.artifacts
    assert isinstance(artifacts, scenario.Artifacts)
    assert scenario.Artifacts.from_json(json.loads(json.dumps(artifacts.to_json()))) == artifacts
    shown = artifacts.shown
    assert len(shown.history[0]) == config.input_length and len(shown.truth[0]) == config.horizon
    assert np.shape(shown.truth) == np.shape(shown.free_running["scheduled_sampling"])
    assert 0 <= artifacts.default_sample < len(shown.truth)
    assert set(artifacts.schedule["teacher_forcing"].probability) == {1.0}
    assert set(artifacts.schedule["free_running"].probability) == {0.0}
    ramp = artifacts.schedule["scheduled_sampling"].probability
    assert ramp[0] >= 0.5 and ramp[-1] < ramp[0] and (np.diff(ramp) <= 0).all()  # 4 steps: k = 1
    assert artifacts.schedule["scheduled_sampling"].epoch[-1] == pytest.approx(config.epochs)
    assert set(artifacts.replay) == set(KEYS) and set(artifacts.schedule) == set(FEEDBACK)
    assert all(1 <= len(snaps) <= 30 and snaps[-1]["epoch"] == config.epochs for snaps in artifacts.replay.values())


def test_tiny_run_predictions_table(tiny_run):
    scenario, config, result, _ = tiny_run
    header, rows = scenario.predictions_table(result)
    assert header[:3] == ["window", "step", "truth"] and len(header) == 3 + 2 * len(KEYS)
    assert len(rows) == len(result.artifacts.shown.truth) * config.horizon
    assert all(len(row) == len(header) for row in rows)


def test_same_config_twice_gives_the_same_metrics(tiny_run):
    scenario, config, result, _ = tiny_run
    again = scenario.run(config)
    assert again.metrics == result.metrics


def test_cancel_stops_the_run():
    from seqcore.training import Cancelled, CancelToken

    scenario = seqcore.get_scenario("teacher_forcing")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        scenario.run(scenario.Config.from_params(TINY)[0], cancel=token)


def test_figures_have_titled_axes_and_only_human_trace_names(tiny_run):
    from seqcore.scenarios.teacher_forcing import plots

    scenario, _, result, _ = tiny_run
    artifacts = result.artifacts
    replayed = {variant: snaps[-1] for variant, snaps in artifacts.replay.items()}
    figures = [
        scenario.live_chart(replayed, sample=0, title="after training"),
        plots.error_by_step_figure(artifacts.mse_by_step, VARIANTS),
        plots.schedule_figure(artifacts.schedule, VARIANTS),
        plots.validation_curves(result.history, VARIANTS),
    ]
    for figure in figures:
        layout = figure.to_dict()["layout"]
        axis_titles = {name[0] for name, axis in layout.items() if name[1:5] == "axis" and axis.get("title")}
        assert layout["title"]["text"] and axis_titles == {"x", "y"}
    assert len(figures[1].data) == len(VARIANTS) and len(figures[3].data) == 2 * len(VARIANTS)
    assert len(figures[2].data) == len(FEEDBACK)  # the direct decoder has no schedule: nothing is fed back
    fixed = {plots.HISTORY_LABEL, plots.TRUTH_LABEL}
    modes = (plots.FREE_RUNNING, plots.FED_THE_TRUTH)
    human = fixed | {v.name for v in VARIANTS} | {f"{v.name}: {mode}" for v in VARIANTS for mode in modes}
    for figure in figures:
        for trace in figure.data:
            assert trace.name in human, trace.name
            variant = next((v for v in VARIANTS if trace.name.startswith(v.name)), None)
            if variant is not None:  # the variant's colour, and its dash or marker too
                assert (trace.line.color or trace.marker.color) == variant.colour
    rows = plots.summary_rows(result.metrics, VARIANTS)
    assert list(rows) == ["Teacher forcing", "Scheduled sampling", "Free running", "Direct multi-step"]
    assert list(rows["Teacher forcing"]) == ["fed truth", "free run", plots.VS_PITFALL]
    assert rows["Teacher forcing"][plots.VS_PITFALL] == 1.0


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
    best = min(metrics[f"{fix}/free_running_mse"] for fix in FIXES)
    assert best <= 0.7 * metrics["teacher_forcing/free_running_mse"]
    assert metrics["direct/teacher_forced_mse"] == metrics["direct/free_running_mse"]
    assert metrics["check/inference_matches_training"] < 1e-5
    curve = result.history["teacher_forcing"]
    assert curve[-1]["validation_teacher_forced"] < curve[0]["validation_teacher_forced"]
    assert curve[-1]["validation_free_running"] > 5 * curve[-1]["validation_teacher_forced"]
    artifacts = result.artifacts
    default = artifacts.default_sample  # the window the page opens on shows the gap plainly
    shown_error = artifacts.shown.free_running_mse["teacher_forcing"][default]
    assert shown_error > 5 * metrics["teacher_forcing/teacher_forced_mse"]
    model = result.models["teacher_forcing"]  # loads with safe_mode=True
    history = np.asarray(artifacts.shown.history, np.float32)[..., None]
    np.testing.assert_allclose(
        np.asarray(model(history))[..., 0], artifacts.shown.free_running["teacher_forcing"], atol=2e-4
    )
    direct = result.models["direct"]
    np.testing.assert_allclose(np.asarray(direct(history))[..., 0], artifacts.shown.free_running["direct"], atol=2e-4)


# -- the direct multi-step decoder ----------------------------------------------------------------------------
def test_the_direct_decoders_inference_equals_its_training_forward_pass():
    """What the training loss scores (the step's forward pass, in training mode, given the true previous values)
    is what inference computes from the history alone — after real training steps, whatever the decoder inputs."""
    import tensorflow as tf

    from seqcore import training
    from seqcore.scenarios.teacher_forcing import networks
    from seqcore.scenarios.teacher_forcing.evaluate import direct_training_forecast
    from seqcore.scenarios.teacher_forcing.model import DirectStep

    windows = data.make_windows(
        count=64,
        input_length=6,
        horizon=4,
        kind="sines",
        noise=0.05,
        mask_rate=0.1,
        windows_per_series=4,
        rng=np.random.default_rng(7),
    )
    model = networks.direct_model(units=4, input_length=6, horizon=4, seed=3)
    step = DirectStep(model, learning_rate=0.01, input_length=6, horizon=4)
    before = np.asarray(model(windows.history))
    logs = training.train(
        step,
        (windows.history, windows.decoder_inputs),
        windows.targets,
        variants="direct",
        epochs=2,
        batch_size=16,
        seed=3,
    )
    assert len(logs["direct"]) == 2 and int(step.steps_taken.numpy()) == 8
    inference = np.asarray(model(windows.history, training=False))
    assert not np.allclose(inference, before)  # it trained
    np.testing.assert_allclose(direct_training_forecast(step, windows), inference, atol=1e-6)
    scrambled = step.forecast(
        tf.constant(windows.history), tf.constant(np.random.default_rng(0).normal(size=(64, 4, 1)), tf.float32), 0
    )
    np.testing.assert_allclose(np.asarray(scrambled), inference, atol=1e-6)  # the decoder inputs are never read
    assert [layer.name for layer in model.layers if layer.weights] == ["encoder_lstm", "direct_head"]


# -- the words about the remedies -----------------------------------------------------------------------------
def _metrics(promised, actual, **free):
    metrics = {f"{PITFALL}/teacher_forced_mse": promised, f"{PITFALL}/free_running_mse": actual}
    for key, value in free.items():
        metrics[f"{key}/free_running_mse"] = value
        metrics[f"{key}/vs_teacher_forcing"] = value / actual
    return metrics


def test_a_remedy_closes_the_gap_only_where_the_numbers_say_so():
    by_key = {variant.key: variant for variant in VARIANTS}
    metrics = _metrics(0.02, 0.2, scheduled_sampling=0.03, free_running=0.11, direct=0.19)
    assert verdict.gap_closed(metrics, "free_running", PITFALL) == pytest.approx(0.5)
    lines = verdict.verdicts(metrics, VARIANTS, PITFALL)
    assert len(lines) == 3 and all("teacher_forcing" not in line for line in lines)
    assert "closes the gap" in lines[0]  # 0.03: 94% of the way down to the promised 0.02
    assert "narrows the gap by 50%" in lines[1] and "closes" not in lines[1]
    assert "about as well as teacher forcing" in lines[2] and "95%" in lines[2]
    worse = verdict.remedy_verdict(_metrics(0.02, 0.2, direct=0.3), by_key["direct"], PITFALL)
    assert "worse than teacher forcing" in worse and "150%" in worse
    assert "free-running MSE 0.300," in worse  # three significant digits, trailing zeros kept as the metrics show
    none = verdict.remedy_verdict(_metrics(0.2, 0.2, direct=0.1), by_key["direct"], PITFALL)
    assert "no gap" in none and "closes" not in none


def test_the_noise_summary_reads_the_sweep():
    runs = [
        {"value": 0.0, "metrics": _metrics(0.01, 0.2, scheduled_sampling=0.1, free_running=0.05, direct=0.15)},
        {"value": 0.3, "metrics": _metrics(0.15, 0.25, scheduled_sampling=0.22, free_running=0.21, direct=0.24)},
    ]
    for run in runs:
        run["metrics"][f"{PITFALL}/gap"] = (
            run["metrics"][f"{PITFALL}/free_running_mse"] / run["metrics"][f"{PITFALL}/teacher_forced_mse"]
        )
    text = verdict.noise_summary(runs, VARIANTS, PITFALL)
    assert "at noise 0 the best remedy (free running) makes 25%" in text
    assert "at noise 0.3 the best (free running) makes 84%" in text and "advantage shrinks" in text
    assert "20.0× to 1.7×" in text and "every variant's free-running error grows" in text
    assert "(variance 0.09)" in text
    with pytest.raises(ValueError, match="runs"):
        verdict.noise_summary(runs[:1], VARIANTS, PITFALL)
