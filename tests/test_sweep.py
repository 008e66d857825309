"""Sweeps of one parameter: the plan's rules (hostile input included), defaults, the figure, the CLI, and the
story sweeps that ship in seqcore/pretrained/sweeps/ (present, fresh, consistent with the bundled defaults)."""

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqcore
from seqcore.store import BUNDLED_DIR, entry_key
from seqcore.sweep import (
    MAX_POINTS,
    MIN_POINTS,
    SWEEP_WORK_FACTOR,
    default_values,
    format_value,
    numeric_specs,
    plan_sweep,
)
from seqcore.sweep_figure import sweep_figure
from seqcore.sweep_results import REGENERATE, SHIPPED_DIR, load_shipped, story_plans
from seqcore.sweep_stories import STORY_SWEEPS, metric_name
from tests.conftest import ROOT, TINY_COUNTING

COUNTING = seqcore.get_scenario("counting")
TEACHER = seqcore.get_scenario("teacher_forcing")


def plan(values, param="train_length", scenario=COUNTING, base=None):
    return plan_sweep(scenario, base if base is not None else scenario.Config(), param, values)


def test_a_plain_sweep_is_one_ordinary_config_per_value_in_increasing_order():
    sweep, warnings = plan("40,20,10,5")  # reversed: sorted, no fuss
    assert warnings == [] and sweep.values == (5, 10, 20, 40)
    default = COUNTING.Config()
    for value, config in zip(sweep.values, sweep.configs):
        assert config == default.replace(train_length=value)  # only the swept parameter differs
    assert sweep.keys(COUNTING.version)[2] == entry_key("counting", default, COUNTING.version)  # an ordinary run
    assert sweep.query() == {"sweep": "train_length", "values": "5,10,20,40"}


def test_nan_infinite_and_non_numbers_are_dropped_with_a_warning_naming_the_parameter():
    sweep, warnings = plan("nan, 5, abc, inf, 10, -inf, 20, 1e400")
    assert sweep.values == (5, 10, 20)
    assert len(warnings) == 1 and warnings[0].startswith("Training length (train_length): dropped")
    assert "'abc' (not a number)" in warnings[0] and "'nan' (not a finite number)" in warnings[0]


def test_out_of_bounds_values_are_clamped_by_the_config_and_duplicates_run_once():
    sweep, warnings = plan("-5,0,1,2,30,100,3e9")
    assert sweep.values == (2, 30, 40)
    assert "Training length (train_length): 100 is above the maximum 40; using 40." in warnings
    assert any("came up more than once" in w and w.startswith("Training length (train_length)") for w in warnings)


def test_more_than_seven_values_are_thinned_evenly_and_fewer_than_three_refused():
    sweep, warnings = plan(list(range(2, 14)))
    assert len(sweep.values) == MAX_POINTS and sweep.values[0] == 2 and sweep.values[-1] == 13
    assert "using 7 spread over them" in warnings[-1]
    refused, warnings = plan("5,5.2,10")  # 5.2 rounds to 5
    assert refused is None and "needs 3 to 7 different values" in warnings[-1]
    assert warnings[-1].startswith("Training length (train_length)")


@pytest.mark.parametrize(
    "values",
    [",".join(str(i) for i in range(1000)), list(range(1000)), range(10**12), "9" * 100_000, ["1" * 10_000] * 3],
)
def test_a_thousand_values_or_huge_strings_are_refused_before_parsing(values):
    sweep, warnings = plan(values)
    assert sweep is None and warnings and warnings[-1].startswith("Training length (train_length)")


@pytest.mark.parametrize("param", ["nope", "<img src=x onerror=alert(1)>" * 20, None, 5, "", "x" * 10_000])
def test_an_unknown_parameter_is_refused_and_named_briefly(param):
    sweep, warnings = plan("1,2,3", param=param)
    assert sweep is None and len(warnings) == 1
    assert "not a numeric parameter of Counting" in warnings[0] and len(warnings[0]) < 300


def test_a_non_numeric_parameter_is_refused_with_its_name():
    sweep, warnings = plan("0,1,2", param="scale_targets")
    assert sweep is None and warnings[0].startswith("Scale targets (scale_targets): is true or false")
    sweep, warnings = plan("1,2,3", param="schedule", scenario=TEACHER)
    assert sweep is None and warnings[0].startswith("Sampling schedule (schedule)")


def test_the_whole_sweep_counts_against_the_work_cap():
    default = COUNTING.Config().work()
    sweep, warnings = plan("30,45,60", param="epochs")  # 135 epochs: 9 default runs
    assert sweep is None and f"at most {SWEEP_WORK_FACTOR:g}×" in warnings[-1]
    assert warnings[-1].startswith("Epochs (epochs)")
    heavy = COUNTING.Config(epochs=100)  # a heavy page config makes even a small sweep too much
    assert plan("5,10,20", base=heavy)[0] is None
    sweep, _ = plan("5,10,20,40", param="epochs")
    assert sweep is not None and sweep.work() <= SWEEP_WORK_FACTOR * default


def test_a_work_cap_inside_one_point_clamps_it_with_the_configs_own_warning():
    heavy = COUNTING.Config(train_sequences=5000, epochs=12)
    sweep, warnings = plan("5,20,40", base=heavy)
    assert sweep is not None
    assert any(w.startswith("Epochs (epochs)") and "more work than one run may do" in w for w in warnings)
    assert sweep.configs[-1].epochs < 12 == sweep.configs[0].epochs  # the config's own cap applied to the longest point


HOSTILE = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**30), 10**30), st.text(max_size=80)),
        max_size=80,
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    values=HOSTILE,
    param=st.sampled_from(["train_length", "epochs", "learning_rate", "seed", "units", "scale_targets", "zzz"]),
)
def test_any_input_gives_a_valid_plan_within_the_cap_or_a_refusal_never_an_exception(values, param):
    sweep, warnings = plan(values, param=param)
    assert all(isinstance(w, str) and len(w) < 2000 for w in warnings)
    if sweep is None:
        assert warnings
        return
    assert MIN_POINTS <= len(sweep.values) <= MAX_POINTS
    assert list(sweep.values) == sorted(set(sweep.values))
    assert sweep.work() <= SWEEP_WORK_FACTOR * COUNTING.Config().work()
    for value, config in zip(sweep.values, sweep.configs):
        assert getattr(config, param) == value and config == COUNTING.Config.from_params(config.to_params())[0]
    assert plan(sweep.values_text(), param=param)[0] == sweep  # the URL's values give the same sweep back


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_default_values_are_3_to_5_values_within_bounds_that_plan_unchanged(name):
    scenario = seqcore.get_scenario(name)
    for spec in numeric_specs(scenario):
        values = default_values(scenario, spec.name)
        assert 3 <= len(values) <= 5, (spec.name, values)
        assert all(spec.low <= value <= spec.high for value in values), (spec.name, values)
        sweep, warnings = plan_sweep(scenario, scenario.Config(), spec.name, values)
        assert sweep is not None and list(sweep.values) == values and warnings == [], (spec.name, warnings)
    with pytest.raises(ValueError, match="param: must be one of"):
        default_values(scenario, "no_such_parameter")


def test_values_are_written_so_that_they_parse_back_exactly():
    for value in (5, 0.0, 0.5, 1.0, 0.03, 1e-05, 0.1 + 0.2, 123456.789):
        assert float(format_value(value)) == value
    assert format_value(0.5) == "0.5" and format_value(40) == "40" and format_value(1.0) == "1"


def bundled_metrics(name, preset="default"):
    scenario = seqcore.get_scenario(name)
    folder = BUNDLED_DIR / entry_key(name, scenario.preset(preset), scenario.version)
    return json.loads((folder / "manifest.json").read_text())["metrics"]


@pytest.mark.parametrize("name", list(STORY_SWEEPS))
def test_story_sweeps_plan_unchanged_and_draw_metrics_every_run_reports(name):
    scenario = seqcore.get_scenario(name)
    for story, sweep in zip(STORY_SWEEPS[name], story_plans(scenario)):
        assert sweep.values == tuple(story.values) and sweep.base == scenario.preset(story.preset)
        metrics = bundled_metrics(name, story.preset)
        for metric in story.metrics:
            assert any(key.endswith(f"/{metric}") for key in metrics), f"{name}: no variant reports {metric}"


def fake_points(scenario, sweep, missing=()):
    return [
        None
        if index in missing
        else {
            f"{v.key}/{m}": (index + 1) * (n + 1.0)
            for n, v in enumerate(scenario.variants)
            for m in ("free_running_mse", "gap")
        }
        for index in range(len(sweep.values))
    ]


def test_the_figure_has_a_panel_per_metric_and_a_line_per_variant_in_its_style():
    sweep, _ = plan("5,10,20,40", param="horizon", scenario=TEACHER)
    figure = sweep_figure(TEACHER, sweep, fake_points(TEACHER, sweep, missing={2})).to_plotly_json()
    names = [trace["name"] for trace in figure["data"]]
    assert names == [f"{v.name} · {metric_name(m)}" for m in ("free_running_mse", "gap") for v in TEACHER.variants]
    first = figure["data"][0]
    variant = TEACHER.variants[0]
    assert first["line"]["color"] == variant.colour and first["line"]["dash"] == variant.dash
    assert first["marker"]["symbol"] == variant.marker
    assert list(first["x"]) == [5, 10, 20, 40] and first["y"][2] is None  # a point not trained yet: a gap
    assert all("_" not in name for name in names)  # human names only
    assert figure["layout"]["xaxis2"]["title"]["text"] == "Horizon (Ty)"


def test_the_sine_frequency_sweep_keeps_the_seeds_numbers_beside_it():
    scenario = seqcore.get_scenario("sine_frequency")
    [sweep] = story_plans(scenario)
    points = [{f"{v.key}/mae": 0.1 * (i + 1) for v in scenario.variants} for i in range(3)]
    names = [trace.name for trace in sweep_figure(scenario, sweep, points).data]
    assert "the seed's answer (training MAE)" in names


def test_metric_names_read_as_words():
    assert metric_name("mse_len_40") == "MSE at length 40" and metric_name("brier") == "Brier score"
    assert metric_name("tdi") == "TDI (timing error)" and metric_name("some_new_metric") == "some new metric"


# -- the shipped story sweeps -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(STORY_SWEEPS))
def test_every_story_sweep_ships_fresh(name):
    scenario = seqcore.get_scenario(name)
    expected = set()
    for sweep in story_plans(scenario):
        shipped = load_shipped(sweep, scenario.version)
        assert shipped is not None, f"{name}: the {sweep.param} sweep is missing or stale; {REGENERATE}"
        expected.add(f"{sweep.key(scenario.version)}.json")
        for run, config in zip(shipped["runs"], sweep.configs):
            assert run["config"] == config.to_dict() and run["seconds"] >= 0
            assert all(
                f"{v.key}/" in " ".join(run["metrics"])
                for v in scenario.variants
                if any(k.startswith(f"{v.key}/") for k in bundled_metrics(name))
            )
    present = {path.name for path in SHIPPED_DIR.glob(f"{name}-*.json")}
    assert present == expected, f"{name}: stale shipped sweeps {sorted(present - expected)}; {REGENERATE}"


@pytest.mark.parametrize("name", list(STORY_SWEEPS))
def test_a_shipped_point_at_its_base_config_agrees_with_the_bundled_run(name):
    # The point a story sweep shares with its preset's bundled run (the default, or event timing's paper set-up
    # at seed 0) must hold that run's numbers: the sweep and the page's own run are the same training.
    scenario = seqcore.get_scenario(name)
    for story, sweep in zip(STORY_SWEEPS[name], story_plans(scenario)):
        metrics = bundled_metrics(name, story.preset)
        shipped = load_shipped(sweep, scenario.version)
        assert shipped is not None, f"{name}: {REGENERATE}"
        [run] = [run for run, config in zip(shipped["runs"], sweep.configs) if config == sweep.base]
        for key, value in metrics.items():
            stored = run["metrics"].get(key)
            assert (value is None or math.isnan(value)) == (stored is None), key
            assert stored is None or stored == pytest.approx(value, rel=1e-3, abs=1e-6), f"{key}; {REGENERATE}"


def test_a_sweep_of_another_set_up_ships_with_no_cap_but_a_visitor_cannot_run_it():
    scenario = seqcore.get_scenario("event_timing")
    story = next(story for story in STORY_SWEEPS["event_timing"] if story.preset == "paper")
    plan, warnings = plan_sweep(scenario, scenario.preset("paper"), story.param, list(story.values))
    assert plan is None and "the work of the default run" in warnings[-1]  # the panel's cap refuses it
    assert any(sweep.param == "seed" and sweep.base == scenario.preset("paper") for sweep in story_plans(scenario))


# -- the command line -------------------------------------------------------------------------------------------
def seqcore_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "seqcore", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_cli_sweep_on_a_tiny_counting_config_prints_one_json_object():
    sets = [arg for key, value in TINY_COUNTING.items() for arg in ("--set", f"{key}={value}")]
    out = seqcore_cli("sweep", "counting", "--param", "train_length", "--values", "10,5,nan,20", "--json", *sets)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert set(payload) == {"scenario", "param", "values", "runs", "backend"} and payload["backend"] == "local"
    assert payload["scenario"] == "counting" and payload["param"] == "train_length"
    assert payload["values"] == [5, 10, 20] and [run["value"] for run in payload["runs"]] == [5, 10, 20]
    for run in payload["runs"]:
        assert set(run) == {"value", "config", "metrics", "seconds"}
        assert run["config"]["train_length"] == run["value"] and run["config"]["epochs"] == 2
        assert "many_to_one/mse_len_40" in run["metrics"] and run["seconds"] > 0
    assert "warning: Training length (train_length): dropped 'nan'" in out.stderr


@pytest.mark.parametrize(
    "args,named",
    [
        (["--param", "train_length", "--values", ",".join(map(str, range(1000)))], "Training length (train_length)"),
        (["--param", "scale_targets", "--values", "0,1,2"], "Scale targets (scale_targets)"),
        (["--param", "nope", "--values", "1,2,3"], "Sweep (nope)"),
        (["--param", "epochs", "--values", "100,150,200"], "Epochs (epochs)"),
    ],
)
def test_cli_refuses_a_bad_sweep_with_a_plain_message_and_no_traceback(args, named):
    out = seqcore_cli("sweep", "counting", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert "sweep refused: " + named in out.stderr and "Traceback" not in out.stderr
