"""Counting: generators, the streaming helper, the metrics contract, live snapshots, and the pretrained default."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.scenarios.counting import data
from seqcore.scenarios.counting.model import build_model, count_stream, sequence_twin
from tests.conftest import TINY_COUNTING


def test_targets_exact_values():
    bits = np.array([[[1], [0], [1], [1]]], np.float32)
    assert data.running_counts(bits)[0, :, 0].tolist() == [1, 1, 2, 3]
    assert data.total_counts(bits).tolist() == [[3.0]]


def test_bits_are_seeded_zero_one():
    first = data.bit_sequences(count=5, length=7, rng=np.random.default_rng(3))
    again = data.bit_sequences(count=5, length=7, rng=np.random.default_rng(3))
    assert first.shape == (5, 7, 1) and set(np.unique(first)) <= {0.0, 1.0} and (first == again).all()


@pytest.mark.parametrize("text,expected", [("111 101", [[1, 1, 1], [1, 0, 1]]), ("1,0", [[1], [0]])])
def test_parse_chunks_accepts(text, expected):
    assert data.parse_chunks(text) == (expected, "")


@pytest.mark.parametrize("text", ["", "12", "1 " * 11, "1" * 41, "<b>1</b>", "1" + " " * 200 + "1"])
def test_parse_chunks_refuses_with_a_reason(text):
    chunks, problem = data.parse_chunks(text)
    assert chunks == [] and problem


def test_text_that_is_too_long_is_refused_by_length_not_cut_short():
    from seqcore.scenarios.counting import STREAM_INPUT_CHARS

    assert STREAM_INPUT_CHARS > data.MAX_STREAM_TEXT  # the box lets it through, so parse_chunks can say why
    chunks, problem = data.parse_chunks("1 0 " * 40)
    assert chunks == [] and problem.startswith("Too long") and "160" in problem


_MODEL = None


def untrained_model():
    global _MODEL  # the law holds for any weights: one small model serves every example
    if _MODEL is None:
        config = seqcore.get_scenario("counting").Config(units=8)
        _MODEL = build_model(config, many_to_many=True)
    return _MODEL


@settings(max_examples=25, deadline=None)
@given(bits=st.lists(st.integers(0, 1), min_size=1, max_size=25), data_=st.data())
def test_streaming_in_chunks_equals_the_whole_sequence(bits, data_):
    cuts = sorted(data_.draw(st.sets(st.integers(1, max(len(bits) - 1, 1)), max_size=4)))
    cuts = [c for c in cuts if c < len(bits)]
    chunks = [list(chunk) for chunk in np.split(np.array(bits), cuts)]
    model = untrained_model()
    whole = np.asarray(sequence_twin(model)(np.array(bits, np.float32).reshape(1, -1, 1))[0])[0, :, 0]
    streamed = count_stream(model, chunks)
    ends = np.array(cuts + [len(bits)]) - 1
    np.testing.assert_allclose(streamed, whole[ends], atol=1e-5)


def test_restarting_the_state_forgets_earlier_chunks():
    model = untrained_model()
    restarted = count_stream(model, [[1, 1, 1], [1, 0, 1]], carry_state=False)
    alone = count_stream(model, [[1, 0, 1]])
    assert restarted[1] == pytest.approx(alone[0], abs=1e-6)


@pytest.fixture(scope="module")
def tiny_run():
    scenario = seqcore.get_scenario("counting")
    config, warnings = scenario.Config.from_params(TINY_COUNTING)
    assert warnings == []
    events = []
    return scenario, scenario.run(config, progress=events.append), events


def test_tiny_run_has_exactly_the_promised_metric_keys(tiny_run):
    _, result, _ = tiny_run
    expected = {f"{v}/mse_len_{n}" for v in ("many_to_one", "many_to_many") for n in (1, 5, 10, 20, 30, 40)}
    assert expected <= set(result.metrics)
    assert result.metrics["stream/max_abs_diff"] < 1e-4
    assert set(result.models) == {"many_to_one", "many_to_many"}
    assert len(result.artifacts.lengths) >= 40


def test_artifacts_survive_a_json_round_trip(tiny_run):
    scenario, result, _ = tiny_run
    again = scenario.Artifacts.from_json(json.loads(json.dumps(result.artifacts.to_json())))
    assert again == result.artifacts and again.samples.bits == result.artifacts.samples.bits


def test_live_snapshots_are_small_and_the_last_one_is_the_final_prediction(tiny_run):
    scenario, result, events = tiny_run
    snapshots = [e["snapshot"] for e in events if e["snapshot"] is not None]
    assert {e["variant"] for e in events if e["snapshot"]} == {"many_to_one", "many_to_many"}
    assert max(len(json.dumps(s)) for s in snapshots) <= 20_000
    for variant in ("many_to_one", "many_to_many"):
        replay = result.artifacts.replay[variant]
        assert [s["epoch"] for s in replay] == [1, 2]  # first and last epoch always
        np.testing.assert_allclose(replay[-1]["predicted"], result.artifacts.samples.predicted[variant], atol=1e-3)
        assert replay[-1]["counts"] == result.artifacts.samples.counts


def test_a_biggest_config_still_streams_small_snapshots():
    from seqcore.scenarios.counting.model import StepByStep, build_model

    config = seqcore.get_scenario("counting").Config(train_length=40, units=8)
    shown = data.bit_sequences(count=8, length=40, rng=np.random.default_rng(0))
    assert len(json.dumps(StepByStep(build_model(config, many_to_many=False), shown)())) <= 20_000


def test_live_chart_draws_the_truth_and_every_variant_that_has_reported(tiny_run):
    scenario, result, _ = tiny_run
    last = {variant: snaps[-1] for variant, snaps in result.artifacts.replay.items()}
    names = [trace.name for trace in scenario.live_chart(last, sample=2, title="after epoch 2 of 2").data]
    assert names == ["input bit", "true count", "many-to-one", "many-to-many"]
    partial = scenario.live_chart({"many_to_many": last["many_to_many"]}, sample=0, title="")
    assert [trace.name for trace in partial.data] == ["input bit", "true count", "many-to-many"]
    assert scenario.live_chart({}, sample=0, title="").data == ()  # nothing reported yet: empty axes


def test_every_trace_name_is_a_variant_name_or_a_fixed_label(tiny_run):
    from seqcore.plots import training_curves
    from seqcore.scenarios.counting import plots

    scenario, result, _ = tiny_run
    a = result.artifacts
    figures = [
        scenario.live_chart({v: s[-1] for v, s in a.replay.items()}, sample=0, title=""),
        plots.error_vs_length(a, scenario.variants),
        plots.stream_counts(
            a.seed_stream.chunks, a.seed_stream.carried, a.seed_stream.restarted, model=scenario.variants[1]
        ),
        training_curves(result.history, scenario.variants, keys=("loss",)),
    ]
    fixed = {"input bit", "true count", "true count so far", "many-to-many: state carried", "state restarted from zero"}
    allowed = fixed | {v.name for v in scenario.variants}
    names = {trace.name for figure in figures for trace in figure.data}
    assert names <= allowed and {v.name for v in scenario.variants} <= names


def test_predictions_table_has_a_row_per_shown_step(tiny_run):
    scenario, result, _ = tiny_run
    header, rows = scenario.predictions_table(result)
    assert header == ["sequence", "step", "bit", "true_count", "count_many_to_one", "count_many_to_many"]
    assert len(rows) == len(result.artifacts.samples.bits) * 20 and rows[0][:2] == [1, 1]
    assert all(isinstance(row[4], float) for row in rows)


def test_pretrained_default_loads_safely_and_shows_the_pitfall_and_the_fix():
    """The shipped default model reproduces the page's numbers; if this fails: python -m seqcore pretrain --bundle."""
    from seqcore.store import BUNDLED_DIR, Store, entry_key

    scenario = seqcore.get_scenario("counting")
    key = entry_key(scenario.name, scenario.Config(), scenario.version)
    result, warnings = Store(BUNDLED_DIR / "none", bundled=BUNDLED_DIR).load(key)
    assert result is not None, f"stale or missing pretrained default {key}: run python -m seqcore pretrain --bundle"
    assert warnings == []
    metrics = result.metrics
    assert all(metrics[f"many_to_many/mse_len_{n}"] < 0.01 for n in (1, 5, 10, 20))
    assert metrics["many_to_one/mse_len_5"] > 1 and metrics["many_to_one/mse_len_40"] > 1
    counts = count_stream(result.models["many_to_many"], [[1, 1, 1], [1, 0, 1]])
    assert metrics["stream/max_abs_diff"] < 1e-4
    assert counts[-1] == pytest.approx(5, abs=0.15)
    assert counts[-1] == pytest.approx(metrics["stream/seed_example_count"], abs=1e-4)
