"""Config parsing: hostile values never raise, every fix is explained, round trips are exact."""

import dataclasses
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqcore.config import ConfigBase, param


@dataclasses.dataclass(frozen=True)
class Example(ConfigBase):
    epochs: int = param(10, label="Epochs", help="passes", low=1, high=100)
    rate: float = param(0.01, label="Rate", help="step", low=0.0001, high=1.0)
    scaled: bool = param(True, label="Scaled", help="scale")
    mode: str = param("linear", label="Mode", help="schedule", choices=("linear", "exponential"))


def parse(**params):
    return Example.from_params(params)


def test_defaults_without_params():
    assert parse() == (Example(), [])


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "1e309", "abc", "", "   ", "0x10", "None", "[]",
                                 "1" * 100, "<script>alert(1)</script>", "10; DROP TABLE", "\x00\x01"])
def test_garbage_number_uses_default_with_a_warning_naming_the_parameter(raw):
    config, warnings = parse(epochs=raw)
    assert config.epochs in (10, 100, 1)  # default, or clamped for huge finite values
    assert len(warnings) == 1 and "epochs" in warnings[0]


def test_out_of_range_is_clamped_and_explained():
    config, warnings = parse(epochs="100000", rate="-5")
    assert (config.epochs, config.rate) == (100, 0.0001)
    assert any("maximum 100" in w for w in warnings) and any("minimum" in w for w in warnings)


def test_fraction_for_a_whole_number_is_rounded_with_a_warning():
    config, warnings = parse(epochs="12.6")
    assert config.epochs == 13 and "whole number" in warnings[0]


def test_numbers_written_other_ways_are_accepted():
    assert parse(epochs="1e1", rate=" 0.5 ") == (Example(epochs=10, rate=0.5), [])


@pytest.mark.parametrize("raw,expected", [("true", True), ("0", False), ("No", False), ("ON", True)])
def test_booleans(raw, expected):
    assert parse(scaled=raw) == (Example(scaled=expected), [])


def test_bad_boolean_and_bad_choice():
    config, warnings = parse(scaled="maybe", mode="cubic")
    assert config == Example()
    assert "scaled" in warnings[0] and "linear, exponential" in warnings[1]


def test_unknown_keys_are_ignored_in_one_short_warning():
    params = {f"p{i}": "1" for i in range(1000)}
    config, warnings = Example.from_params(params)
    assert config == Example()
    assert len(warnings) == 1 and "1000 unknown" in warnings[0] and len(warnings[0]) < 200


def test_very_long_value_is_refused_without_being_echoed():
    config, warnings = parse(mode="x" * 10_000)
    assert config.mode == "linear" and len(warnings[0]) < 200


def test_repeated_parameter_last_wins():
    assert Example.from_params({"epochs": ["3", "4"]})[0].epochs == 4


def test_direct_construction_rejects_bad_values_naming_the_field():
    with pytest.raises(ValueError, match="epochs.*1 to 100.*0"):
        Example(epochs=0)
    with pytest.raises(ValueError, match="rate"):
        Example(rate=math.nan)


@settings(max_examples=60, deadline=None)
@given(epochs=st.integers(1, 100), rate=st.floats(0.0001, 1.0), scaled=st.booleans(),
       mode=st.sampled_from(["linear", "exponential"]))
def test_to_params_round_trips(epochs, rate, scaled, mode):
    config = Example(epochs=epochs, rate=rate, scaled=scaled, mode=mode)
    assert Example.from_params(config.to_params()) == (config, [])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.text(max_size=80), max_size=8))
def test_from_params_never_raises(params):
    config, warnings = Example.from_params(params)
    assert isinstance(config, Example) and all(isinstance(w, str) for w in warnings)


def test_hash_is_stable_across_processes_and_distinguishes_configs():
    code = ("from seqcore.scenarios.counting.config import Config; print(Config().config_hash())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    from seqcore.scenarios.counting.config import Config
    assert other == Config().config_hash()
    assert Config(epochs=16).config_hash() != Config().config_hash()


def test_counting_work_cap_lowers_epochs_with_a_warning():
    from seqcore.scenarios.counting.config import Config
    config, warnings = Config.from_params({"train_sequences": "5000", "train_length": "40", "epochs": "200"})
    assert config.epochs == 10 and "Epochs" in warnings[0]
