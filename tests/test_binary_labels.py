"""Binary labels: windows and labels, encodings, scores, the broken loss's record, bad input, a tiny run,
live snapshots and the figures drawn from them."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.scenarios.binary_labels import broken, data, encoding_table, encodings, evaluation
from seqcore.scenarios.binary_labels.config import MAX_SECONDS, MIN_WINDOWS, Config, seed_preset
from tests.conftest import TINY_BINARY_LABELS

SCENARIO = seqcore.get_scenario("binary_labels")
VARIANTS = ("mse_raw", "sparse_softmax_1unit", "sigmoid_bce", "softmax_2class")
NAMES = {variant.key: variant.name for variant in SCENARIO.variants}


# -- data ---------------------------------------------------------------------------------------------------
def test_the_seeds_wave_and_labels_exact_values():
    wave = data.sine_wave(sample_rate=1000, frequency=2, length=1000)
    assert wave[0] == 0.0 and wave[125] == pytest.approx(1.0) and wave[375] == pytest.approx(-1.0)
    assert data.is_positive(np.array([0.3, -0.2, 0.0, 1e-16, -1e-16])).tolist() == [1, 0, 0, 0, 0]
    inputs, labels = data.sliding_windows(np.array([0.5, 0.2, -0.1, -0.4, 0.3]), window_length=2, label_shift=1)
    np.testing.assert_allclose(inputs[..., 0], [[0.5, 0.2], [0.2, -0.1], [-0.1, -0.4]], rtol=1e-6)
    assert labels.tolist() == [[1, 0], [0, 0], [0, 1]]  # the class of the next sample
    assert encodings.encode_targets("mse_raw", labels)[..., 0].tolist() == [[2, 1], [1, 1], [1, 2]]  # seed's 1/2


@settings(max_examples=40, deadline=None)
@given(series=st.lists(st.floats(-2, 2), min_size=3, max_size=40), window=st.integers(1, 10), shift=st.integers(0, 5))
def test_every_window_reads_its_samples_and_is_labelled_shift_steps_ahead(series, window, shift):
    series = np.array(series)
    if len(series) < window + shift:
        with pytest.raises(ValueError, match="window_length"):
            data.sliding_windows(series, window_length=window, label_shift=shift)
        return
    inputs, labels = data.sliding_windows(series, window_length=window, label_shift=shift)
    assert inputs.shape == (len(series) - window - shift + 1, window, 1)
    flags = data.is_positive(series)
    for start in range(len(labels)):
        np.testing.assert_allclose(inputs[start, :, 0], series[start : start + window], rtol=1e-6, atol=1e-6)
        assert labels[start].tolist() == flags[start + shift : start + shift + window].tolist()


def test_flipping_labels_is_seeded_and_flips_the_share_asked_for():
    labels = np.zeros((200, 20), np.int8)
    assert (data.flip_labels(labels, share=0.0, rng=np.random.default_rng(0)) == labels).all()
    assert (data.flip_labels(labels, share=1.0, rng=np.random.default_rng(0)) == 1).all()
    flipped = data.flip_labels(labels, share=0.2, rng=np.random.default_rng(0))
    again = data.flip_labels(labels, share=0.2, rng=np.random.default_rng(0))
    assert (flipped == again).all() and 0.18 < flipped.mean() < 0.22
    with pytest.raises(ValueError, match="share"):
        data.flip_labels(labels, share=1.5, rng=np.random.default_rng(0))


def test_noise_hides_the_labels_but_never_changes_them_and_is_fresh_each_draw():
    train, _ = data.make_stretches(Config(input_noise=0.5))
    rng = np.random.default_rng(0)
    first, second = train.draw(rng), train.draw(rng)
    assert (first.labels == second.labels).all()  # labels: signs of the clean wave
    assert not np.allclose(first.inputs, second.inputs)  # the noise is drawn again
    assert (first.inputs[..., 0] - first.clean).std() == pytest.approx(0.5, rel=0.1)
    quiet, _ = data.make_stretches(Config())
    split = quiet.draw(np.random.default_rng(0))
    assert np.allclose(split.inputs[..., 0], split.clean)


def test_held_out_windows_start_at_phases_no_training_window_has():
    cfg = Config()
    train, held_out = data.make_stretches(cfg)
    train_phases = train.draw(np.random.default_rng(0)).start_phase
    held_phases = held_out.draw(np.random.default_rng(1)).start_phase
    gap = np.abs(held_phases[:, None] - train_phases[None, :])
    gap = np.minimum(gap, 1 - gap)  # phases wrap around
    half_sample = cfg.frequency / cfg.sample_rate / 2
    assert gap.min() == pytest.approx(half_sample, rel=1e-6)


# -- encodings and scores -----------------------------------------------------------------------------------
def test_each_variant_gets_the_targets_its_loss_needs():
    flags = np.array([[0, 1]])
    assert encodings.encode_targets("mse_raw", flags).tolist() == [[[1.0], [2.0]]]
    sparse = encodings.encode_targets("sparse_softmax_1unit", flags)
    assert sparse.tolist() == [[[1], [2]]] and sparse.dtype == np.int32
    assert encodings.encode_targets("sigmoid_bce", flags).tolist() == [[[0.0], [1.0]]]
    assert encodings.encode_targets("softmax_2class", flags).tolist() == [[[1.0, 0.0], [0.0, 1.0]]]
    with pytest.raises(ValueError, match="variant"):
        encodings.encode_targets("hinge", flags)


def test_one_head_per_variant_declares_everything_the_variant_differs_in():
    assert tuple(encodings.HEADS) == VARIANTS == tuple(NAMES)  # keyed by the Variant records' keys, same order
    assert encodings.BROKEN == "sparse_softmax_1unit"
    assert encodings.PROBABILISTIC == ("sigmoid_bce", "softmax_2class")
    for head in encodings.HEADS.values():
        shape, dtype = head.target_shape_and_dtype()
        targets = head.encode(np.array([[0, 1, 1]]))
        assert targets.shape == (1, 3, head.units) and shape == [None, None, head.units] and targets.dtype == dtype
        loss = head.make_loss()  # a real keras loss, computable on the head's own targets
        assert np.isfinite(
            float(
                loss(
                    targets.astype(np.float32) if dtype == "float32" else np.zeros_like(targets),
                    np.full((1, 3, head.units), 0.5, np.float32),
                )
            )
        )
    table = encoding_table()
    assert list(table) == [NAMES[key] for key in VARIANTS]  # rows named by the human names
    assert table[NAMES["softmax_2class"]]["output units"] == 2
    assert table[NAMES["sparse_softmax_1unit"]]["keras loss"] == "SparseCategoricalCrossentropy(from_logits=True)"
    assert table[NAMES["sparse_softmax_1unit"]]["target for positive"] == "2 (class index)"
    assert [row["trains"] for row in table.values()] == ["yes", "no", "yes", "yes"]
    assert not any("_" in column for row in table.values() for column in row)  # human column names


def test_reading_outputs_back_exact_values():
    predicted, probability = encodings.read_outputs("mse_raw", np.array([[[0.7], [1.4], [1.6], [2.3]]]))
    assert predicted.tolist() == [[0, 0, 1, 1]] and probability[0].tolist() == pytest.approx([0, 0.4, 0.6, 1])
    predicted, probability = encodings.read_outputs("sigmoid_bce", np.array([[[0.2], [0.9]]]))
    assert predicted.tolist() == [[0, 1]] and probability[0].tolist() == pytest.approx([0.2, 0.9])
    predicted, probability = encodings.read_outputs("softmax_2class", np.array([[[0.7, 0.3], [0.1, 0.9]]]))
    assert predicted.tolist() == [[0, 1]] and probability[0].tolist() == pytest.approx([0.3, 0.9])
    predicted, probability = encodings.read_outputs("sparse_softmax_1unit", np.array([[[5.0], [-3.0]]]))
    assert predicted.tolist() == [[-1, -1]] and probability.tolist() == [[0.0, 0.0]]  # no valid class at all


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=30))
def test_a_softmax_over_one_unit_is_exactly_one(logits):
    assert (encodings.softmax(np.array(logits)[:, None]) == 1.0).all()


@given(outputs=st.lists(st.floats(-3, 5), min_size=1, max_size=30), data_=st.data())
def test_clipping_the_mse_output_never_raises_its_squared_error(outputs, data_):
    labels = np.array(data_.draw(st.lists(st.integers(0, 1), min_size=len(outputs), max_size=len(outputs))))
    unclipped = np.array(outputs) - 1.0
    clipped = encodings.mse_probability(np.array(outputs))
    assert ((clipped - labels) ** 2 <= (unclipped - labels) ** 2 + 1e-12).all()


def test_scores_exact_small_values():
    labels = np.array([[0, 1, 1], [1, 1, 0]])
    predicted = np.array([[0, 1, 0], [1, 0, 0]])
    assert evaluation.per_step_accuracy(labels, predicted).tolist() == [1.0, 0.5, 0.5]
    assert evaluation.outside_range_share(np.array([0.9, 1.0, 1.5, 2.0, 2.1])) == pytest.approx(0.4)
    table = evaluation.reliability_bins(np.array([0, 1, 1, 0]), np.array([0.05, 0.95, 0.85, 0.15]), bins=2)
    assert table["mean_predicted"] == pytest.approx([0.1, 0.9]) and table["observed"] == [0.0, 1.0]
    assert table["count"] == [2, 2] and table["expected_calibration_error"] == pytest.approx(0.1)
    reading = np.array([[0, 0, 1], [1, 1, 1]])  # the sign of the sample being read: changes at (0,1), (1,2)
    change = evaluation.sign_change_accuracy(labels, reading, np.array([[0, 0, 1], [1, 1, 0]]))
    assert change == {"steps": 2, "accuracy": 0.5}
    metrics = evaluation.variant_metrics("mse_raw", labels, predicted, labels * 0.9, raw=np.ones((2, 3)))
    assert set(metrics) == {
        "mse_raw/accuracy",
        "mse_raw/brier",
        "mse_raw/accuracy_at_step_1",
        "mse_raw/accuracy_at_step_3",
        "mse_raw/outside_range_share",
    }
    assert metrics["mse_raw/accuracy"] == pytest.approx(4 / 6)
    assert metrics["mse_raw/brier"] == pytest.approx(4 * 0.01 / 6)


def test_the_shown_windows_are_sign_changes_and_the_two_steadiest_windows():
    from seqcore.scenarios.binary_labels.model import pick_samples

    _, held_out = data.make_stretches(Config())
    split = held_out.draw(np.random.default_rng(1))
    shown = pick_samples(split.labels, split.clean)
    assert len(shown) == 8 and len(set(shown)) == 8
    first_changes = [int(np.flatnonzero(np.diff(split.labels[i]))[0]) + 1 for i in shown[:6]]
    assert first_changes == sorted(first_changes) and first_changes[0] == 1  # spread along the window
    for index, flag in zip(shown[6:], (1, 0)):  # deep inside a half period: where MSE overshoots
        assert (split.labels[index] == flag).all() and np.abs(split.clean[index]).mean() > 0.99


def test_training_models_together_gives_each_the_weights_it_would_get_alone():
    from seqcore import training
    from seqcore.scenarios.binary_labels import model as model_module

    config = Config(units=4, series_length=200, frequency=10, epochs=2, batch_size=32)
    train, _ = data.make_stretches(config)
    split = train.draw(np.random.default_rng(0))

    def trained(variants):
        step = model_module.make_step(config, variants, train.windows)
        targets = {v: encodings.encode_targets(v, split.labels) for v in variants}
        history = training.train(
            step,
            split.inputs,
            targets,
            variants=variants,
            epochs=config.epochs,
            batch_size=config.batch_size,
            seed=config.seed,
        )
        return step.models, history

    (together, history), (alone, _) = trained(("mse_raw", "softmax_2class")), trained(("softmax_2class",))
    assert set(history) == {"mse_raw", "softmax_2class"} and set(history["mse_raw"][0]) == {"loss"}
    for mine, theirs in zip(together["softmax_2class"].get_weights(), alone["softmax_2class"].get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


# -- what TensorFlow does with the broken loss --------------------------------------------------------------
def test_clean_message_keeps_the_sentence_that_matters():
    text = (
        'Graph execution error:\n\nDetected at node compile_loss/x defined at:\n  File "a.py", line 3\n\n'
        "Received a label value of 2 which is outside the valid range of [0, 1).  Label values: "
        + "1 2 " * 40
        + "\n\t [[{{node SparseSoftmax}}]] [Op:SparseSoftmaxCrossEntropyWithLogits] name: "
    )
    message = broken.clean_message(text)
    assert message.startswith("Received a label value of 2 which is outside the valid range of [0, 1).")
    assert message.endswith("Label values: 1 2 1 2 1 2 1 2 1 2 1 2 …")


def test_the_probe_records_each_refusal_and_the_zero_loss_case():
    labels = np.array([[1, 1, 2, 2], [2, 2, 1, 1]])
    attempts, one_unit = broken.probe(labels, np.full((2, 4, 1), 0.3, np.float32))
    assert len(attempts) == 4 and all(a.message for a in attempts)
    assert attempts[0].error_type == "ValueError" and "rank" in attempts[0].message
    if broken.device_name() == "CPU":  # a GPU returns NaN instead of raising (TensorFlow's documented behaviour)
        assert attempts[1].error_type == "InvalidArgumentError"
        assert "label value of 2" in attempts[1].message and "[0, 1)" in attempts[1].message
        assert "label value of 1" in attempts[2].message
    assert attempts[3].loss == 0.0 and one_unit.largest_gradient == 0.0
    assert one_unit.softmax == [1.0] * 6
    json.dumps([a.to_json() for a in attempts] + [one_unit.to_json()])


def test_a_training_attempt_records_an_error_but_lets_cancel_and_time_limit_through():
    from seqcore.training import Cancelled, TimeLimitExceeded

    def refused():
        raise RuntimeError("Received a label value of 2 which is outside the valid range of [0, 1).")

    history, record = broken.attempt_training(refused)
    assert history == [] and record.outcome == "error" and record.error_type == "RuntimeError"
    assert record.epochs_completed == 0 and "[0, 1)" in record.message
    history, record = broken.attempt_training(lambda: [{"loss": 0.5}, {"loss": float("nan")}])
    assert record.outcome == "value" and record.loss is None and record.epochs_completed == 2
    assert "not a number" in record.message
    for stop in (Cancelled("stop"), TimeLimitExceeded("late")):

        def stopped(stop=stop):
            raise stop

        with pytest.raises(type(stop)):
            broken.attempt_training(stopped)


# -- bad input ----------------------------------------------------------------------------------------------
def test_default_and_seed_preset_need_no_fixing():
    assert Config().constrain() == (Config(), [])
    assert seed_preset().units == 100 and seed_preset().learning_rate == 0.001 and seed_preset().batch_size == 10


@pytest.mark.parametrize(
    "params,field,check",
    [
        ({"label_shift": "0"}, "label_shift", lambda c: c.label_shift == 1),
        ({"frequency": "600"}, "frequency", lambda c: c.frequency < c.sample_rate / 2),
        ({"frequency": "500"}, "frequency", lambda c: c.frequency < c.sample_rate / 2),
        ({"frequency": "30", "sample_rate": "50"}, "frequency", lambda c: c.frequency < 25),
        (
            {"window_length": "200", "series_length": "100", "frequency": "20"},
            "window_length",
            lambda c: c.windows >= MIN_WINDOWS,
        ),
        ({"frequency": "0.5", "series_length": "1000"}, "series_length", lambda c: c.series_length >= 2000),
        (
            {"frequency": "0.01", "sample_rate": "10000"},
            "frequency",
            lambda c: c.series_length * c.frequency / c.sample_rate >= 1,
        ),
        (
            {"epochs": "200", "units": "128", "cell": "lstm", "series_length": "5000"},
            "epochs",
            lambda c: c.epochs < 200 and c.seconds <= MAX_SECONDS,
        ),
        (
            {"frequency": "0.2", "window_length": "200", "units": "128", "cell": "lstm"},
            "window_length",
            lambda c: c.seconds <= MAX_SECONDS and c.series_length >= 5000 and c.window_length < 200,
        ),
    ],
)
def test_bad_input_is_clamped_with_a_warning_naming_the_field(params, field, check):
    config, warnings = Config.from_params(params)
    assert check(config), config
    assert any(f"({field})" in w for w in warnings), warnings
    assert config.constrain() == (config, [])  # a fixed config needs no more fixing


def test_a_direct_config_with_an_impossible_window_is_refused_when_run():
    with pytest.raises(ValueError, match="window_length"):
        data.make_stretches(Config(window_length=200, series_length=100))


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([s.name for s in Config.specs()]),
        st.one_of(st.text(max_size=12), st.floats(allow_nan=True).map(str), st.integers(-(10**6), 10**6).map(str)),
        max_size=6,
    )
)
def test_from_params_never_raises_and_always_gives_a_runnable_config(params):
    config, _ = Config.from_params(params)
    assert config.windows >= MIN_WINDOWS and config.label_shift >= 1
    assert config.frequency < config.sample_rate / 2
    assert config.series_length * config.frequency / config.sample_rate >= 1
    assert config.seconds <= MAX_SECONDS


# -- a tiny run ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_run():
    config, warnings = SCENARIO.Config.from_params(TINY_BINARY_LABELS)
    assert warnings == []
    events = []
    return config, SCENARIO.run(config, progress=events.append), events


def test_tiny_run_reports_exactly_the_issues_metrics(tiny_run):
    config, result, _ = tiny_run
    last = f"accuracy_at_step_{config.window_length}"
    expected = {f"{v}/{m}" for v in VARIANTS for m in ("accuracy", "brier", "accuracy_at_step_1", last)}
    expected |= {"sigmoid_bce/log_loss", "softmax_2class/log_loss", "mse_raw/outside_range_share"}
    assert set(result.metrics) == expected
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.metrics.values())
    assert set(result.models) == set(VARIANTS) and set(result.history) == set(VARIANTS)


def test_tiny_run_shows_the_broken_variant_as_a_result_not_a_crash(tiny_run):
    _, result, _ = tiny_run
    record = result.artifacts.broken
    assert record.fit.message and record.reason.count(". ") == 1  # two sentences
    assert record.softmax_range == [1.0, 1.0]
    if record.device == "CPU":
        assert record.fit.error_type == "InvalidArgumentError" and result.history["sparse_softmax_1unit"] == []
        assert "outside the valid range of [0, 1)" in record.fit.message
    assert result.metrics["sparse_softmax_1unit/accuracy"] == 0.0  # argmax over one unit: index 0, never a label
    share_positive = result.artifacts.setup.held_out_positive_share
    assert result.metrics["sparse_softmax_1unit/brier"] == pytest.approx(share_positive)


def test_tiny_run_artifacts_are_a_typed_record_that_round_trips_through_json(tiny_run):
    from seqcore.scenarios.binary_labels.artifacts import Artifacts

    config, result, _ = tiny_run
    text = json.dumps(result.artifacts.to_json())
    assert len(text) < 300_000
    artifacts = Artifacts.from_json(json.loads(text))
    assert artifacts == Artifacts.from_json(result.artifacts.to_json())
    assert 1 <= len(artifacts.samples) <= 8 and 0 <= artifacts.default_sample < len(artifacts.samples)
    sample = artifacts.samples[0]
    assert len(sample.input) == config.window_length and set(sample.probability) == set(VARIANTS)
    assert all(0 <= p <= 1 for v in VARIANTS for p in sample.probability[v])
    assert set(artifacts.reliability) == {"mse_raw", "sigmoid_bce", "softmax_2class"}
    assert len(artifacts.per_step_accuracy["sigmoid_bce"]) == config.window_length
    assert set(artifacts.replay) == set(VARIANTS)


def test_the_default_window_is_the_one_the_mse_model_reads_worst(tiny_run):
    _, result, _ = tiny_run
    samples = result.artifacts.samples
    brier = [np.mean((np.array(s.probability["mse_raw"]) - np.array(s.label)) ** 2) for s in samples]
    assert result.artifacts.default_sample == int(np.argmax(brier))


def figures_of(result):
    from seqcore.plots import training_curves
    from seqcore.scenarios.binary_labels import plots

    artifacts = result.artifacts
    final = {variant: snaps[-1] for variant, snaps in artifacts.replay.items()}
    return [
        SCENARIO.live_chart(final, sample=0, title="After training (3 epochs)"),
        plots.per_step_accuracy(artifacts),
        plots.reliability_diagram(artifacts),
        plots.mse_outputs(artifacts),
        training_curves(result.history, SCENARIO.variants),
    ]


def test_every_figure_has_titles_and_human_trace_names_only(tiny_run):
    from seqcore.scenarios.binary_labels import plots

    _, result, _ = tiny_run
    fixed = {
        "input",
        "input (with noise)",
        "clean wave",
        plots.CLASS_LABEL,
        "predicted class",
        "perfect calibration",
        "held-out steps",
    }
    human = set(NAMES.values()) | fixed
    for figure in figures_of(result):
        layout = figure.to_plotly_json()["layout"]
        assert layout["title"]["text"]
        for trace in figure.data:
            assert trace.name in human or trace.name.split(": ")[0] in NAMES.values(), trace.name
            assert "_" not in trace.name
        ticks = figure.layout.yaxis3.ticktext if "yaxis3" in figure.layout else None
        assert ticks is None or set(ticks) <= human  # the class strip's rows are named too


def test_one_variant_looks_the_same_in_every_figure(tiny_run):
    _, result, _ = tiny_run
    styles = {}
    for figure in figures_of(result):
        for trace in figure.data:
            variant = trace.name.split(": ")[0]
            if variant in NAMES.values() and trace.type == "scatter":
                styles.setdefault(variant, set()).add((trace.line.color, trace.line.dash))
    assert all(len(style) == 1 for style in styles.values()), styles
    assert len({style.pop() for style in styles.values()}) == len(styles)  # and different from every other


def test_live_chart_draws_truth_and_every_variant_reported_so_far(tiny_run):
    from seqcore.scenarios.binary_labels import plots

    config, result, _ = tiny_run
    final = {variant: snaps[-1] for variant, snaps in result.artifacts.replay.items()}
    figure = SCENARIO.live_chart(final, sample=1, title="After training (3 epochs)")
    lines = [trace.name for trace in figure.data if trace.type == "scatter"]
    assert lines[:2] == ["input", plots.CLASS_LABEL]  # the truth: what the network reads, and the labels
    assert lines[2:] == [NAMES[v] for v in ("mse_raw", "sigmoid_bce", "softmax_2class")]  # each with a number
    strip = [trace.name for trace in figure.data if trace.type == "heatmap"]
    assert strip == [plots.CLASS_LABEL] + [NAMES[v] for v in VARIANTS]  # every variant's class, broken one too
    assert figure.layout.title.text.startswith(f"Window 2 of {len(result.artifacts.samples)}")
    assert len(figure.data[0].y) == config.window_length
    partial = SCENARIO.live_chart({"mse_raw": final["mse_raw"]}, sample=0, title="After epoch 1 of 3")
    assert {trace.name for trace in partial.data} == {NAMES["mse_raw"], "input", plots.CLASS_LABEL}
    assert not SCENARIO.live_chart({}, sample=0, title="Starting").data  # nothing reported yet: empty axes


def test_live_snapshots_stay_small_and_come_for_every_variant(tiny_run):
    config, _, events = tiny_run
    snapshots = [event for event in events if event["snapshot"] is not None]
    assert {event["variant"] for event in snapshots} == set(VARIANTS)
    assert max(len(json.dumps(event)) for event in snapshots) <= 20_000
    first = [event for event in snapshots if event["variant"] == "softmax_2class"][0]["snapshot"]
    assert set(first) >= {"input", "label", "predicted", "estimate", "start_ms", "step_ms"}


def test_the_largest_window_still_gives_snapshots_under_20_kb():
    from seqcore.scenarios.binary_labels import model as model_module

    config = Config(window_length=200, input_noise=0.5, series_length=5000)
    _, held_out_stretch = data.make_stretches(config)
    held_out = held_out_stretch.draw(np.random.default_rng(1))
    shown = model_module.pick_samples(held_out.labels, held_out.clean, model_module.samples_shown(200))
    truth = model_module.shown_truth(config, held_out, shown)
    outputs = np.random.default_rng(0).random((len(shown), 200, 2)) * 3 - 1  # any values, worst-case digits
    for variant in VARIANTS:
        head_outputs = outputs[..., : encodings.HEADS[variant].units]
        assert len(json.dumps(model_module.snapshot(variant, head_outputs, truth))) <= 20_000


def test_predictions_table_has_a_row_per_shown_step(tiny_run):
    config, result, _ = tiny_run
    header, rows = SCENARIO.predictions_table(result)
    assert len(rows) == len(result.artifacts.samples) * config.window_length
    assert all(len(row) == len(header) for row in rows)
    assert header[:3] == ["shown_window", "held_out_window", "step"]
    assert rows[0][:3] == [1, result.artifacts.samples[0].window, 1]


def test_tiny_run_reports_progress_for_every_variant(tiny_run):
    config, _, events = tiny_run
    assert {e["variant"] for e in events} == set(VARIANTS)
    assert events[-1]["fraction"] == pytest.approx(1.0)
    trained = [e for e in events if e["variant"] == "sigmoid_bce"]
    assert [e["epoch"] for e in trained] == list(range(0, config.epochs + 1))  # 0: the untrained model
    assert trained[0]["logs"] == {} and {"loss", "held_out_loss"} <= set(trained[1]["logs"])


def test_same_config_same_metrics(tiny_run):
    config, result, _ = tiny_run
    again = SCENARIO.run(config)
    assert again.metrics == result.metrics


def test_models_round_trip_through_keras_files_in_safe_mode(tiny_run, tmp_path):
    import keras

    _, result, _ = tiny_run
    probe = np.sin(np.linspace(0, 3, 20, dtype=np.float32)).reshape(1, 20, 1)
    for variant, model in result.models.items():
        path = tmp_path / f"{variant}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(loaded(probe), model(probe), atol=1e-6)


def test_a_cancelled_run_stops():
    from seqcore.training import Cancelled, CancelToken

    token = CancelToken()
    token.cancel()
    config, _ = Config.from_params(TINY_BINARY_LABELS)
    with pytest.raises(Cancelled):
        SCENARIO.run(config, cancel=token)
