"""Event timing: data sets, timing metrics, config clamps, the run contract on a tiny config, the live snapshot
and its chart, notes through the store."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tslearn.metrics import dtw_path

import seqcore
from seqcore import metrics
from seqcore.scenarios.event_timing import VARIANTS, data
from seqcore.scenarios.event_timing.config import MAX_WORK, Config, seed_preset
from tests.conftest import TINY_EVENT_TIMING

KEYS = [variant.key for variant in VARIANTS]


# -- data -------------------------------------------------------------------------------------------------
def test_seed_set_is_the_seeds_six_windows_in_magnitudes():
    features, labels = data.seed_windows()
    assert features.shape == labels.shape == (6, 7, 1)
    assert features[1, :, 0].tolist() == [0, 0, 5, 0, 5, 0, 0]
    assert [labels[i, :, 0].tolist() for i in (1, 3, 5)] == [
        [8, 0, 0, 4, 0, 0, 0],
        [0, 0, 8, 0, 0, 4, 0],
        [0, 8, 0, 0, 4, 0, 0],
    ]
    assert not features[::2].any() and not labels[::2].any()


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(7, 36), seed=st.integers(0, 10_000))
def test_every_generated_event_follows_the_seeds_pattern(steps, seed):
    features, labels, has_event = data.event_windows(count=30, steps=steps, noise=0.0, rng=np.random.default_rng(seed))
    assert features.shape == labels.shape == (30, steps, 1)
    for x, y, event in zip(features[..., 0], labels[..., 0], has_event):
        if not event:
            assert not x.any() and not y.any()
            continue
        (fives,) = np.nonzero(x == 5)
        assert len(fives) == 2 and fives[1] - fives[0] == 2 and np.count_nonzero(x) == 2
        (main,) = np.nonzero(y == 8)
        (after,) = np.nonzero(y == 4)
        assert len(main) == 1 and len(after) == 1 and after[0] - main[0] == 3
        assert main[0] >= 1  # never on the first month of the future: the alignment's fixed start
        assert steps + main[0] - fives[1] in (3, 4, 5)  # months from the second 5 to the 8


def test_events_delay_is_not_predictable_from_the_history():
    features, labels, has_event = data.event_windows(count=3000, steps=7, noise=0.0, rng=np.random.default_rng(0))
    main = np.argmax(labels[has_event, :, 0], axis=1)
    second = np.argmax(features[has_event, ::-1, 0], axis=1)  # months from the end to the second 5
    for position in np.unique(second):
        shares = np.bincount(main[second == position]) / np.sum(second == position)
        assert np.count_nonzero(shares) == 3 and shares.max() < 0.4  # three delays, about a third each


def test_the_timing_hint_announces_the_delay_as_often_as_asked():
    features, labels, has_event = data.event_windows(
        count=4000, steps=7, noise=0.0, rng=np.random.default_rng(5), hint=0.7
    )
    rows = features[has_event, :, 0]
    second = rows.shape[1] - 1 - np.argmax(rows[:, ::-1] != 0, axis=1)  # month of the second 5
    gap = second - np.argmax(rows != 0, axis=1)
    delay = np.argmax(labels[has_event, :, 0], axis=1) + rows.shape[1] - second
    assert set(np.unique(gap)) == {1, 2, 3} and set(np.unique(delay)) == {3, 4, 5}
    kept = np.mean(delay == gap + 2)
    assert kept == pytest.approx(0.7 + 0.3 / 3, abs=0.03)  # the hint, or a random draw that happens to agree
    with pytest.raises(ValueError, match="hint: must be between 0 and 1"):
        data.event_windows(count=2, steps=7, noise=0.0, rng=np.random.default_rng(0), hint=1.5)


def test_noise_is_gaussian_with_the_asked_spread():
    features, labels, has_event = data.event_windows(count=2000, steps=7, noise=0.3, rng=np.random.default_rng(1))
    quiet = labels[~has_event]
    assert abs(quiet.std() - 0.3) < 0.01 and abs(quiet.mean()) < 0.01


def test_synthetic_set_follows_the_paper_recipe():
    features, labels = data.dilate_synthetic(count=500, rng=np.random.default_rng(3), noise=0.0)
    assert features.shape == labels.shape == (500, 20, 1)
    checked = 0
    for x, y in zip(features[..., 0], labels[..., 0]):
        height = y[-1]  # j2 − j1, reached by the end of the future window
        assert set(np.unique(y)) <= {0.0, height} and np.all(np.diff(y != 0) >= 0)  # zeros, then the step
        if y[0] != 0 or height == 0:
            continue  # the step began inside the history: the peaks are not alone there
        peaks = np.nonzero(x)[0]
        first, second = peaks[0], peaks[-1]
        assert 1 <= first <= 10 <= second <= 18 and len(peaks) <= 2
        if first != second:
            assert height == pytest.approx(x[second] - x[first], abs=1e-6)
        start = 20 + np.argmax(y != 0)
        assert abs(start - (second + (second - first))) <= 3
        checked += 1
    assert checked > 100  # the noise, as the official code adds it: tests/test_dilate_protocol.py


# -- metrics ----------------------------------------------------------------------------------------------
def test_dtw_and_tdi_match_tslearn_and_the_papers_definition():
    rng = np.random.default_rng(0)
    truth, predicted = rng.normal(size=(20, 12)), rng.normal(size=(20, 12))
    distances, distortion, paths = metrics.dtw_alignment(truth, predicted)
    for k in range(20):
        path, similarity = dtw_path(truth[k], predicted[k])
        assert paths[k] == path and distances[k] == pytest.approx(similarity)
        assert distortion[k] == pytest.approx(sum((i - j) ** 2 for i, j in path) / 144)
    assert metrics.dtw(truth, predicted) == pytest.approx(distances.mean())


def test_timing_metrics_exact_small_values():
    spike = np.array([[0.0, 8.0, 0.0, 0.0]])
    late = np.array([[0.0, 0.0, 8.0, 0.0]])
    assert metrics.dtw(spike, spike) == 0.0 and metrics.tdi(spike, spike) == 0.0
    # The late spike aligns at no cost, but only along a path that bends away from the diagonal.
    distances, distortion, paths = metrics.dtw_alignment(spike, late)
    assert distances[0] == 0.0 and distortion[0] > 0
    assert distortion[0] == pytest.approx(sum((i - j) ** 2 for i, j in paths[0]) / 16)
    assert metrics.mse(spike, late) == pytest.approx(32.0)
    blur = np.array([[0.0, 8 / 3, 8 / 3, 8 / 3]])
    time_error, height_error = metrics.peak_errors(spike, blur)
    assert time_error.tolist() == [0.0] and height_error[0] == pytest.approx(16 / 3)
    assert metrics.peak_time_error(spike, late) == 1.0 and metrics.peak_height_error(spike, late) == 0.0
    assert metrics.peak_hit_rate(np.r_[spike, spike], np.r_[late, blur]) == 0.5


def test_metrics_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match="y_pred"):
        metrics.dtw(np.zeros((2, 5)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="y_true"):
        metrics.tdi(np.zeros((2, 0)), np.zeros((2, 0)))


# -- config -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params,field,value",
    [
        ({"gamma": "0"}, "gamma", 0.001),
        ({"gamma": "-3"}, "gamma", 0.001),
        ({"alpha": "1.5"}, "alpha", 1.0),
        ({"alpha": "-1"}, "alpha", 0.0),
        ({"horizon": "500"}, "horizon", 36),
    ],
)
def test_bad_values_are_clamped_with_a_warning(params, field, value):
    config, warnings = Config.from_params(params)
    assert getattr(config, field) == value and any(field in w for w in warnings)


def test_a_horizon_too_long_for_the_budget_is_shortened_with_a_warning():
    config, warnings = Config.from_params({"horizon": "36", "windows": "3000", "epochs": "500"})
    assert config.work() <= MAX_WORK and config.horizon < 36
    assert any("Horizon (horizon)" in w for w in warnings) and any("Epochs (epochs)" in w for w in warnings)


def test_many_tiny_steps_are_capped_too():
    config, warnings = Config.from_params({"windows": "1000", "batch_size": "2", "epochs": "500"})
    assert config.epochs * config.steps_per_epoch() <= 2_500 and any("Epochs (epochs)" in w for w in warnings)
    assert Config(windows=420, batch_size=50).steps_per_epoch() == 9  # the partial batch is trained on too


def test_horizon_with_a_fixed_length_set_is_explained():
    config, warnings = Config.from_params({"dataset": "seed", "horizon": "12"})
    assert config.steps == 7 and any("applies to the generated events only" in w for w in warnings)


def test_defaults_and_seed_preset():
    config = Config()
    assert config.dataset == "events" and config.work() <= MAX_WORK and config.steps == 7
    preset = seed_preset()
    assert (preset.dataset, preset.units, preset.epochs, preset.batch_size) == ("seed", 100, 100, 6)
    assert Config(dataset="dilate_synthetic").steps == 20 and Config(dataset="dilate_synthetic").test_windows == 500


# -- the run ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_run():
    scenario = seqcore.get_scenario("event_timing")
    config, warnings = scenario.Config.from_params(TINY_EVENT_TIMING)
    assert warnings == []
    events = []
    return scenario, config, scenario.run(config, progress=events.append), events


def test_tiny_run_has_exactly_the_promised_metric_keys(tiny_run):
    _, _, result, _ = tiny_run
    scores = ("mse", "dtw", "tdi", "peak_time_error", "peak_height_error", "peak_hit_rate", "train_loss")
    assert set(result.metrics) == {f"{v}/{m}" for v in KEYS for m in scores}
    assert all(np.isfinite(value) for value in result.metrics.values())
    assert set(result.models) == set(KEYS) == set(result.history)


def test_history_logs_each_loss_and_dilates_parts_every_epoch(tiny_run):
    _, config, result, events = tiny_run
    for variant in KEYS:
        assert len(result.history[variant]) == config.epochs
        assert set(result.history[variant][0]) == {"loss", "shape", "temporal"}
    assert len(events) == len(KEYS) * (config.epochs + 1) and max(e["fraction"] for e in events) == 1.0  # + epoch 0
    assert set(events[0]) == {"variant", "epoch", "epochs", "logs", "fraction", "elapsed", "snapshot"}


def test_every_window_is_trained_on_partial_batches_included():
    """40 windows in batches of 30: two steps an epoch (30 + 10), not one step that drops 10 windows."""
    from seqcore.scenarios.event_timing import model

    config = Config(windows=40, batch_size=30, epochs=1, units=4)
    dataset = model.load_data(config)
    keras_model, history = model.train_variant(
        config, "mse", dataset, model.shown_windows(dataset), tracker=None, cancel=None
    )
    assert int(keras_model.optimizer.iterations.numpy()) == 2 and len(history) == 1


def test_artifacts_hold_what_the_page_draws_and_are_small(tiny_run):
    from seqcore.scenarios.event_timing import plots

    scenario, config, result, _ = tiny_run
    artifacts = result.artifacts
    assert isinstance(artifacts, scenario.Artifacts)
    stored = json.dumps(artifacts.to_json())
    assert len(stored) < 300_000 and scenario.Artifacts.from_json(json.loads(stored)) == artifacts
    shown = artifacts.windows
    assert len(shown.features) == len(shown.labels) == len(shown.predicted["dilate"]) >= 1
    assert np.asarray(artifacts.alignment.soft["dilate"]).shape == (len(shown.labels), 7, 7)
    assert shown.has_event[artifacts.default_sample]  # the page opens on a window with an event
    for index in range(len(shown.labels)):
        for variant in VARIANTS:
            figure = plots.alignment(artifacts, index, variant)
            assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
            assert figure.layout.title.text.startswith(f"Window {index + 1}:")
    assert artifacts.paper is None and artifacts.peaks is not None
    assert list(plots.score_rows(artifacts.table, VARIANTS)) == [
        "trained with MSE",
        "trained with soft-DTW",
        "trained with DILATE",
    ]
    assert list(plots.peak_rows(artifacts.table, VARIANTS)["trained with MSE"]) == ["month off", "height off", "hits"]
    assert set(artifacts.replay) == set(KEYS)
    assert all(snaps[-1]["epoch"] == config.epochs for snaps in artifacts.replay.values())


def test_tiny_run_snapshots_are_small_and_the_live_chart_draws_every_variant_and_the_truth(tiny_run):
    scenario, config, result, events = tiny_run
    snapshots = [event["snapshot"] for event in events if event["snapshot"] is not None]
    assert snapshots and max(len(json.dumps(s)) for s in snapshots) <= 20_000
    latest = {event["variant"]: event["snapshot"] for event in events if event["snapshot"] is not None}
    figure = scenario.live_chart(latest, sample=4, title="after epoch 2 of 2")
    names = [trace.name for trace in figure.data]
    assert "true future" in names and all(f"{v.name} forecast" in names for v in VARIANTS)
    assert figure.layout.title.text.startswith("Window 5 of 6")  # the picker's 5 is the title's 5
    assert figure.layout.xaxis.title.text == "month" and figure.layout.yaxis.title.text == "magnitude"
    partial = scenario.live_chart({"mse": latest["mse"]}, sample=0, title="live")
    assert [t.name for t in partial.data if "forecast" in t.name] == ["MSE forecast"]


def test_a_live_snapshot_at_the_largest_window_is_under_20_kb():
    from seqcore.scenarios.event_timing import model

    config = Config(horizon=36, windows=20)
    dataset = model.load_data(config)
    x = (dataset.train_features / dataset.scale).astype(np.float32)
    probe = model.Probe(model.build_model(config, config.steps), config, dataset, x, x, model.shown_windows(dataset))
    probe.evaluate()
    snapshot = probe.snapshot()
    assert len(snapshot["predicted"]) == 6 and len(snapshot["predicted"][0]) == 36
    assert len(json.dumps(snapshot)) <= 20_000


def test_figures_use_only_human_trace_names_in_each_variants_style(tiny_run):
    from seqcore.scenarios.event_timing import plots

    scenario, _, result, _ = tiny_run
    artifacts = result.artifacts
    replayed = {variant: snaps[-1] for variant, snaps in artifacts.replay.items()}
    figures = [
        scenario.live_chart(replayed, sample=0, title="after training"),
        plots.peaks(artifacts, VARIANTS),
        plots.training_losses(result.history, VARIANTS),
        plots.dilate_parts(result.history, VARIANTS),
        *(plots.alignment(artifacts, 0, v) for v in VARIANTS),
    ]
    fixed = {
        plots.HISTORY_LABEL,
        plots.TRUTH_LABEL,
        plots.TRUE_PEAK_LABEL,
        plots.HARD_PATH_LABEL,
        plots.NO_SHIFT_LABEL,
        plots.SOFT_ALIGNMENT_LABEL,
    }
    human = fixed | {v.name for v in VARIANTS} | {f"{v.name} {s}" for v in VARIANTS for s in ("forecast", "peak")}
    for figure in figures:
        assert figure.layout.title.text
        for trace in figure.data:
            assert trace.name in human, trace.name
            variant = next((v for v in VARIANTS if trace.name.startswith(v.name)), None)
            if variant is not None:
                assert trace.marker.color == variant.colour and trace.marker.symbol == variant.marker
    losses_figure = figures[2]
    assert len(losses_figure.data) == 3 and {t.yaxis for t in losses_figure.data} == {"y", "y2", "y3"}
    titles = [annotation.text for annotation in losses_figure.layout.annotations]
    assert titles[0].startswith("trained with MSE") and "below 0" in titles[1]


def test_predictions_table_rows_agree_with_the_shown_windows(tiny_run):
    scenario, config, result, _ = tiny_run
    header, rows = scenario.predictions_table(result)
    assert header[:5] == ["window", "held_out_window", "part", "month", "value"] and len(header) == 5 + len(KEYS)
    shown = result.artifacts.windows
    assert len(rows) == 2 * len(shown.index) * config.steps
    future = [row for row in rows if row[0] == 1 and row[2] == "future"]
    assert [row[5] for row in future] == shown.predicted["mse"][0]


def test_same_config_gives_the_same_metrics(tiny_run):
    scenario, config, result, _ = tiny_run
    assert scenario.run(config).metrics == result.metrics


@pytest.fixture(scope="module")
def seed_set_run():
    scenario = seqcore.get_scenario("event_timing")
    config, _ = scenario.Config.from_params({"dataset": "seed", "epochs": "2", "units": "4"})
    return scenario.run(config)


def test_seed_set_run_scores_the_seeds_windows(seed_set_run):
    result = seed_set_run
    assert result.artifacts.held_out_windows == 6 and result.notes
    assert result.artifacts.windows.labels[1] == [8, 0, 0, 4, 0, 0, 0]
    assert result.artifacts.default_sample == 1  # window 1 of the seed is quiet: the page opens on window 2
    assert {"dilate/peak_time_error", "mse/tdi"} <= set(result.metrics)


def test_the_seed_sets_notes_reach_the_page_from_a_stored_run(seed_set_run, tmp_path):
    from seqcore.store import Store, entry_key

    scenario = seqcore.get_scenario("event_timing")
    config, _ = scenario.Config.from_params({"dataset": "seed", "epochs": "2", "units": "4"})
    key = entry_key(scenario.name, config, scenario.version)
    store = Store(tmp_path)
    store.save(key, seed_set_run)
    loaded, warnings = store.load(key)
    assert warnings == [] and loaded is not None
    assert loaded.notes == seed_set_run.notes and any("six windows" in note for note in loaded.notes)
    assert loaded.artifacts == seed_set_run.artifacts


def test_pretrained_default_shows_the_blur_and_the_sharp_peak():
    """The shipped default reproduces the page's story; if this fails: python -m seqcore pretrain --bundle."""
    from seqcore.store import BUNDLED_DIR, Store, entry_key

    scenario = seqcore.get_scenario("event_timing")
    key = entry_key(scenario.name, scenario.Config(), scenario.version)
    result, warnings = Store(BUNDLED_DIR / "none", bundled=BUNDLED_DIR).load(key)
    assert result is not None, f"stale or missing pretrained default {key}: run python -m seqcore pretrain --bundle"
    assert warnings == []
    metrics_ = result.metrics
    assert metrics_["mse/peak_height_error"] > 3  # MSE: a low blur
    assert metrics_["dilate/peak_hit_rate"] > 0.5  # DILATE: a sharp, timely 8
    # What the page states: against soft-DTW, DILATE times the 8 better (peak month and TDI at least 10 % lower)
    # and keeps the shape (DTW within 10 %).
    assert metrics_["dilate/peak_time_error"] <= 0.9 * metrics_["soft_dtw/peak_time_error"]
    assert metrics_["dilate/tdi"] <= 0.9 * metrics_["soft_dtw/tdi"]
    assert metrics_["dilate/dtw"] <= 1.1 * metrics_["soft_dtw/dtw"]
    assert result.artifacts.windows.has_event[result.artifacts.default_sample]


def test_on_a_small_run_dilate_times_the_8_better_than_soft_dtw_and_mse_blurs_it():
    """The ordering the page states, on a run small enough for the suite (200 windows, 30 epochs, 16 units) with
    the default timing hint: against soft-DTW, DILATE has the lower TDI and peak month error and no worse a shape
    (DTW within 10 %); MSE's forecast is the lowest peak."""
    config, warnings = Config.from_params({"windows": "200", "epochs": "30", "units": "16", "batch_size": "25"})
    assert warnings == [] and config.hint == Config.hint > 0
    scores = seqcore.get_scenario("event_timing").run(config).metrics
    assert scores["dilate/tdi"] < scores["soft_dtw/tdi"]
    assert scores["dilate/peak_time_error"] < scores["soft_dtw/peak_time_error"]
    assert scores["dilate/dtw"] <= 1.1 * scores["soft_dtw/dtw"]
    assert scores["mse/peak_height_error"] > scores["dilate/peak_height_error"]
