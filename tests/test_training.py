"""Seeding, progress and cancellation: same config → same metrics, also with two runs at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import seqcore
from tests.conftest import TINY_COUNTING


def tiny_config():
    config, warnings = seqcore.get_scenario("counting").Config.from_params(TINY_COUNTING)
    assert warnings == []
    return config


def test_same_config_gives_the_same_metrics_twice():
    scenario = seqcore.get_scenario("counting")
    assert scenario.run(tiny_config()).metrics == scenario.run(tiny_config()).metrics


def test_two_runs_at_once_in_threads_match_a_run_alone():
    scenario = seqcore.get_scenario("counting")
    alone = scenario.run(tiny_config()).metrics
    other = tiny_config().replace(seed=7)
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(scenario.run, [tiny_config(), other]))
    assert together[0].metrics == alone
    assert together[1].metrics != alone  # a different seed really is different


def test_progress_reports_every_epoch_of_every_variant_and_ends_at_one():
    events = []
    seqcore.get_scenario("counting").run(tiny_config(), progress=events.append)
    assert sorted((e["variant"], e["epoch"]) for e in events) == [
        ("many_to_many", 1), ("many_to_many", 2), ("many_to_one", 1), ("many_to_one", 2)]
    fractions = [e["fraction"] for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all("loss" in e["logs"] for e in events)


def test_a_cancelled_run_stops_with_cancelled():
    token = seqcore.CancelToken()
    token.cancel()
    with pytest.raises(seqcore.Cancelled):
        seqcore.get_scenario("counting").run(tiny_config(), cancel=token)


def test_run_rejects_another_scenarios_config():
    with pytest.raises(ValueError, match="cfg"):
        seqcore.get_scenario("counting").run(object())
