"""Sine frequency: generators, the FFT estimator and the bound, the config's clamps, a tiny run, live snapshots."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.scenarios.sine_frequency import data, estimators
from seqcore.scenarios.sine_frequency.config import Config, highest_frequency
from tests.conftest import TINY_SINE_FREQUENCY as TINY_SINE

VARIANTS = ("naive_lstm", "fixed_lstm", "dense", "fft")


# -- data -----------------------------------------------------------------------------------------------------
def test_one_cycle_per_series_exact_values():
    series = data.sine_series([1.0], [0.0], length=5)  # t = 0, 1/4, 1/2, 3/4, 1
    np.testing.assert_allclose(series[0], [0, 1, 0, -1, 0], atol=1e-12)
    np.testing.assert_allclose(data.sine_series([2.0], [np.pi / 2], length=3)[0], [1, 1, 1], atol=1e-12)


def test_the_seeds_convention_is_cycles_per_series():
    f, length = 7, 100
    seed_style = np.sin(f * np.linspace(0, 2 * np.pi, length))
    np.testing.assert_allclose(data.sine_series([f], [0.0], length=length)[0], seed_style, atol=1e-12)


def test_nyquist_and_noise_exact_values():
    assert data.nyquist(100) == 49.5 and data.nyquist(2000) == 999.5
    assert highest_frequency(100) == 49 and highest_frequency(101) == 49 and highest_frequency(64) == 31
    assert data.noise_sigma(0) == pytest.approx(math.sqrt(0.5))
    assert data.noise_sigma(20) == pytest.approx(math.sqrt(0.5) / 10)


def test_noise_has_the_requested_snr():
    clean = data.sine_series(np.full(400, 3.0), np.zeros(400), length=500)
    noisy = data.add_noise(clean, 10.0, np.random.default_rng(0))
    snr = np.mean(clean**2) / np.mean((noisy - clean) ** 2)
    assert 10 * np.log10(snr) == pytest.approx(10.0, abs=0.1)


def test_frequency_sets():
    rng = np.random.default_rng(0)
    assert data.draw_frequencies(grid="integer", max_frequency=3, per_frequency=2, rng=rng).tolist() == [
        1,
        1,
        2,
        2,
        3,
        3,
    ]
    continuous = data.draw_frequencies(grid="continuous", max_frequency=10, per_frequency=5, rng=rng)
    assert len(continuous) == 50 and continuous.min() >= 1 and continuous.max() <= 10
    held = data.held_out_set(count=7, grid="integer", max_frequency=3, length=16, snr_db=None, rng=rng)
    assert held.frequencies.tolist() == [1, 2, 3, 1, 2, 3, 1]
    assert len(set(np.round(held.phases, 6))) == 7  # held-out phases are always random


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: data.draw_frequencies(grid="log", max_frequency=5, per_frequency=1, rng=None), "grid"),
        (lambda: data.draw_frequencies(grid="integer", max_frequency=5, per_frequency=0, rng=None), "per_frequency"),
        (lambda: data.sine_series([1, 2], [0], length=8), "phases"),
        (lambda: data.noise_sigma(float("nan")), "snr_db"),
        (lambda: estimators.periodogram_peak(np.zeros((2, 3))), "series"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_frames_pad_the_front():
    from seqcore.scenarios.sine_frequency.networks import frames  # imports keras; cheap after the first test

    out = frames(np.arange(1, 6, dtype=np.float32).reshape(1, 5), 2)
    assert out.tolist() == [[[0, 1], [2, 3], [4, 5]]]


# -- the classical estimator and the floor ---------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(f=st.floats(1.0, 48.0), phase=st.floats(0.0, 2 * np.pi))
def test_noiseless_estimate_is_exact(f, phase):
    series = data.sine_series([f], [phase], length=100)
    assert estimators.estimate_frequency(series)[0] == pytest.approx(f, abs=1e-5)


def test_the_mirror_image_biases_the_plain_peak_and_the_refinement_removes_it():
    phases = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    series = data.sine_series(np.ones(16), phases, length=100)
    plain = estimators.periodogram_peak(series)
    assert np.max(np.abs(plain - 1)) > 0.02
    assert np.max(np.abs(estimators.estimate_frequency(series) - 1)) < 1e-6


def test_the_bound_matches_the_textbook_formula_mid_band_and_scales_with_snr():
    exact = estimators.crlb_rmse([20.0], [0.3], length=200, snr_db=10)
    assert exact == pytest.approx(estimators.crlb_std_asymptotic(length=200, snr_db=10), rel=0.02)
    low = estimators.crlb_rmse([5.0, 7.0], [0.1, 2.0], length=100, snr_db=0)
    assert estimators.crlb_rmse([5.0, 7.0], [0.1, 2.0], length=100, snr_db=20) == pytest.approx(low / 10)


def _rmse_over_bound(length: int, snr_db: float, count: int = 1000) -> float:
    rng = np.random.default_rng([length, 1])
    held = data.held_out_set(count=count, grid="continuous", max_frequency=10, length=length, snr_db=None, rng=rng)
    noisy = held.with_noise(snr_db, np.random.default_rng([length, 2, int(snr_db) + 100]))
    rmse = np.sqrt(np.mean((estimators.estimate_frequency(noisy.series) - noisy.frequencies) ** 2))
    return rmse / estimators.crlb_rmse(noisy.frequencies, noisy.phases, length=length, snr_db=snr_db)


@pytest.mark.parametrize("length", [32, 100])
def test_refined_fft_is_within_1_1_of_the_bound_from_10_to_40_db(length):
    """1000 series: the RMSE's own sampling error is about 2%, well inside the 10% allowed."""
    for snr_db in (10, 20, 30, 40):
        assert 0.9 < _rmse_over_bound(length, snr_db) <= 1.1, snr_db


def test_below_the_threshold_outliers_take_every_estimate_far_from_the_bound():
    assert _rmse_over_bound(32, 0) > 2  # 32 samples at 0 dB: about 4-6× the bound
    assert _rmse_over_bound(100, -10) > 2


def test_the_threshold_is_the_lowest_level_from_which_on_the_rmse_follows_the_bound():
    from seqcore.scenarios.sine_frequency.snr import threshold_db

    levels, bound = [-10, 0, 10, 20], [1.0, 1.0, 1.0, 1.0]
    assert threshold_db(levels, [9.0, 1.05, 1.0, 1.1], bound) == 0
    assert threshold_db(levels, [1.0, 1.2, 1.0, 1.0], bound) == 10  # a dip below does not count
    assert threshold_db(levels, [1.0, 1.0, 1.0, 1.0], bound) == -10
    assert threshold_db(levels, [1.0, 1.0, 1.0, 1.5], bound) is None


# -- configuration -----------------------------------------------------------------------------------------------
def test_importing_the_scenario_does_not_import_tensorflow():
    code = (
        "import sys, seqcore.scenarios.sine_frequency as s; s.SCENARIO.Config.from_params({}); "
        "sys.exit(1 if 'tensorflow' in sys.modules or 'keras' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_default_is_the_accepted_answers_setting():
    cfg = Config()
    assert (
        cfg.max_frequency,
        cfg.series_per_frequency,
        cfg.series_length,
        cfg.random_phase,
        cfg.noise,
        cfg.lstm_units,
    ) == (10, 10, 100, True, False, 100)
    assert cfg.constrain() == (cfg, [])
    assert Config.from_params(cfg.to_params()) == (cfg, [])


def test_frequencies_above_nyquist_are_clamped_with_an_aliasing_warning():
    cfg, warnings = Config.from_params({"max_frequency": "80", "series_length": "100"})
    assert cfg.max_frequency == 49 and len(warnings) == 1
    assert "Nyquist" in warnings[0] and "alias" in warnings[0]


def test_zero_series_per_frequency_is_clamped():
    cfg, warnings = Config.from_params({"series_per_frequency": "0"})
    assert cfg.series_per_frequency == 1 and "minimum" in warnings[0]


@pytest.mark.parametrize(
    "raw,expected", [("inf", 60.0), ("+Infinity", 60.0), ("-inf", -10.0), ("nan", 20.0), ("1e999", 60.0)]
)
def test_non_finite_snr_is_clamped_with_a_warning(raw, expected):
    cfg, warnings = Config.from_params({"noise": "true", "snr_db": raw})
    assert cfg.snr_db == expected and len(warnings) == 1 and "snr_db" in warnings[0]


def test_the_seeds_sweep_is_the_sweep_panels_and_the_old_option_is_gone():
    from seqcore.sweep_stories import STORY_SWEEPS, references

    [story] = STORY_SWEEPS["sine_frequency"]
    [seed] = references("sine_frequency", story.param)
    assert story.values == (10, 20, 30) and seed.points == {10: 0.0504, 20: 0.146, 30: 0.407}
    cfg, warnings = Config.from_params({"sweep": "true"})  # an old link's option
    assert cfg == Config() and warnings == ["Ignored 1 unknown parameter(s): sweep."]


def test_big_runs_lose_epochs():
    cfg, warnings = Config.from_params({"series_length": "2000", "samples_per_step": "1", "epochs": "500"})
    assert cfg.epochs < 500 and cfg.work() <= 2_500_000 and any("epochs" in w for w in warnings)
    with pytest.raises(ValueError, match="series_per_frequency"):
        Config(series_per_frequency=0)


# -- a tiny run ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_run():
    scenario = seqcore.get_scenario("sine_frequency")
    cfg, warnings = scenario.Config.from_params(TINY_SINE)
    assert warnings == []
    events = []
    return cfg, scenario.run(cfg, progress=events.append), events


def test_tiny_run_has_exactly_the_promised_metric_keys(tiny_run):
    _, result, events = tiny_run
    expected = {f"{v}/{m}" for v in VARIANTS for m in ("mae", "rmse")}
    expected |= {f"snr/{v}/rmse_{d}" for v in VARIANTS + ("crlb",) for d in (0, 10, 20, 30, 40)}
    assert set(result.metrics) == expected
    assert all(math.isfinite(v) for v in result.metrics.values())
    assert set(result.models) == {"naive_lstm", "fixed_lstm", "dense"}
    assert {e["variant"] for e in events} == {"naive_lstm", "fixed_lstm", "dense"}
    assert [len(h) for h in result.history.values()] == [2, 2, 2] and "test_mae" in result.history["dense"][-1]


def test_tiny_run_behaves_as_a_user_would_see_it(tiny_run):
    cfg, result, _ = tiny_run
    m = result.metrics
    assert m["fft/mae"] < 1e-4  # noiseless: the classical estimator is exact
    assert m["snr/crlb/rmse_0"] > m["snr/crlb/rmse_10"] > m["snr/crlb/rmse_20"]
    assert m["snr/crlb/rmse_20"] > m["snr/crlb/rmse_30"] > m["snr/crlb/rmse_40"]
    assert m["snr/fft/rmse_10"] < 1.5 * m["snr/crlb/rmse_10"]
    snr = result.artifacts.snr
    assert snr.levels_db[-1] == 40 and snr.learned_levels_db[-1] == 40
    from seqcore.scenarios.sine_frequency.snr import threshold_db

    assert snr.threshold_db == threshold_db(snr.levels_db, snr.rmse["fft"], snr.crlb)
    held = result.artifacts.held_out
    assert len(held.true) == 20 and set(held.predicted) == set(VARIANTS)
    assert result.artifacts.unit == "cycles per series"


def test_artifacts_survive_a_json_round_trip(tiny_run):
    _, result, _ = tiny_run
    again = seqcore.get_scenario("sine_frequency").Artifacts.from_json(
        json.loads(json.dumps(result.artifacts.to_json()))
    )
    assert again == result.artifacts and again.snr.crlb == result.artifacts.snr.crlb


def test_live_snapshots_are_small_and_replayed_for_every_variant(tiny_run):
    _, result, events = tiny_run
    snapshots = [e["snapshot"] for e in events if e["snapshot"] is not None]
    assert {e["variant"] for e in events if e["snapshot"]} == {"naive_lstm", "fixed_lstm", "dense"}
    assert max(len(json.dumps(s)) for s in snapshots) <= 20_000
    replay = result.artifacts.replay
    assert set(replay) == set(VARIANTS) and replay["fft"][0]["epoch"] == 1  # the FFT stands from the start
    for variant in VARIANTS[:3]:
        assert [s["epoch"] for s in replay[variant]] == [1, 2]
        np.testing.assert_allclose(
            replay[variant][-1]["predicted"], result.artifacts.held_out.predicted[variant], atol=1e-3
        )  # the 20 held-out series are all shown


def test_the_default_snapshot_is_small():
    from seqcore.scenarios.sine_frequency.model import estimates_snapshot, shown_subset

    rows = shown_subset(2000)
    assert len(rows) == 200
    snapshot = estimates_snapshot(np.full(len(rows), 123.4567), np.full(len(rows), -123.4567))
    assert len(json.dumps(snapshot)) <= 20_000


def test_live_chart_draws_the_truth_and_every_variant_that_has_reported(tiny_run):
    _, result, _ = tiny_run
    scenario = seqcore.get_scenario("sine_frequency")
    last = {variant: snaps[-1] for variant, snaps in result.artifacts.replay.items()}
    figure = scenario.live_chart(last, sample=0, title="after epoch 2 of 2")
    names = [trace.name for trace in figure.data if trace.mode == "markers"]
    assert names == [v.name for v in scenario.variants]
    assert any(trace.name == "estimate = truth" for trace in figure.data)
    partial = scenario.live_chart({"dense": last["dense"]}, sample=0, title="")
    assert [trace.name for trace in partial.data if trace.mode == "markers"] == ["dense network"]
    assert len(partial.layout.annotations) == 4  # every panel keeps its place while others wait


def test_every_trace_name_is_a_variant_name_or_a_fixed_label(tiny_run):
    from seqcore.scenarios.sine_frequency import plots

    _, result, _ = tiny_run
    scenario = seqcore.get_scenario("sine_frequency")
    a, variants = result.artifacts, scenario.variants
    figures = [
        scenario.live_chart({v: s[-1] for v, s in a.replay.items()}, sample=0, title=""),
        plots.error_vs_frequency(a, variants),
        plots.example_series(a, 0, variants),
        plots.rmse_vs_snr(a, variants),
        plots.training_curves(result.history, variants),
    ]
    fixed = {
        "estimate = truth",
        "held-out series",
        "FFT peak + parabola only",
        "Cramér–Rao bound",
    }
    names = {trace.name for figure in figures for trace in figure.data}
    human = {v.name for v in variants}
    assert all(name in fixed or name in human or name.split(":")[0].split(" (")[0] in human for name in names), names
    assert human <= names


def test_predictions_table_has_a_row_per_held_out_series(tiny_run):
    _, result, _ = tiny_run
    header, rows = seqcore.get_scenario("sine_frequency").predictions_table(result)
    assert header == ["series", "true_frequency", *(f"estimate_{v}" for v in VARIANTS)]
    assert len(rows) == 20 and rows[0][0] == 1 and all(isinstance(value, float) for value in rows[0][1:])


def test_same_config_gives_the_same_metrics(tiny_run):
    cfg, result, _ = tiny_run
    again = seqcore.get_scenario("sine_frequency").run(cfg)
    assert again.metrics == result.metrics


def test_models_survive_a_safe_keras_round_trip(tiny_run, tmp_path):
    import keras

    from seqcore.scenarios.sine_frequency.networks import frames

    cfg, result, _ = tiny_run
    x = frames(np.random.default_rng(0).standard_normal((3, cfg.series_length)), cfg.samples_per_step)
    model = result.models["fixed_lstm"]
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.predict_on_batch(x), model.predict_on_batch(x), rtol=1e-5, atol=1e-5)


def test_every_figure_is_drawn_with_titled_axes(tiny_run):
    from seqcore.scenarios.sine_frequency import plots

    _, result, _ = tiny_run
    scenario = seqcore.get_scenario("sine_frequency")
    a, variants = result.artifacts, scenario.variants
    figures = [
        scenario.live_chart({v: s[-1] for v, s in a.replay.items()}, sample=0, title=""),
        plots.error_vs_frequency(a, variants),
        plots.example_series(a, 0, variants),
        plots.rmse_vs_snr(a, variants),
        plots.training_curves(result.history, variants),
    ]
    for figure in figures:
        layout = figure.to_plotly_json()["layout"]
        for axis in ("xaxis", "yaxis"):  # shared axes are titled once (bottom row / first column)
            assert any(value.get("title", {}).get("text") for key, value in layout.items() if key.startswith(axis)), (
                axis,
                layout.get("title"),
            )
    layout = figures[0].to_plotly_json()["layout"]
    assert any(
        "cycles per series" in value.get("title", {}).get("text", "")
        for key, value in layout.items()
        if key.startswith("xaxis")
    )


def test_a_cancelled_run_stops():
    from seqcore.training import Cancelled, CancelToken

    token = CancelToken()
    token.cancel()
    scenario = seqcore.get_scenario("sine_frequency")
    with pytest.raises(Cancelled):
        scenario.run(scenario.Config.from_params(TINY_SINE)[0], cancel=token)
