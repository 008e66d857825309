"""Counting: generators, the streaming helper, the metrics contract, and the pretrained default."""

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


@pytest.mark.parametrize("text", ["", "12", "1 " * 11, "1" * 41, "<b>1</b>"])
def test_parse_chunks_refuses_with_a_reason(text):
    chunks, problem = data.parse_chunks(text)
    assert chunks == [] and problem


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


def test_tiny_run_has_exactly_the_promised_metric_keys():
    scenario = seqcore.get_scenario("counting")
    config, _ = scenario.Config.from_params(TINY_COUNTING)
    result = scenario.run(config)
    expected = {f"{v}/mse_len_{n}" for v in ("many_to_one", "many_to_many") for n in (1, 5, 10, 20, 30, 40)}
    assert expected <= set(result.metrics)
    assert result.metrics["stream/max_abs_diff"] < 1e-4
    assert set(result.models) == {"many_to_one", "many_to_many"}
    assert len(result.artifacts["lengths"]) >= 40


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
    assert counts[-1] == pytest.approx(5, abs=0.15)
    assert counts[-1] == pytest.approx(metrics["stream/seed_example_count"], abs=1e-4)
