"""The one trainer: seeding (same seed → same weights, alone and in two threads at once), callbacks in order with
the one event shape, cancel between steps — on tiny counting models, with both kinds of step."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import seqcore
from seqcore import training
from seqcore.progress_events import ProgressTracker, thin
from seqcore.training import Cancelled, CancelToken, KerasStep, TimeLimitExceeded
from tests.conftest import TINY_COUNTING

EVENT_KEYS = {"variant", "epoch", "epochs", "logs", "fraction", "elapsed", "snapshot"}
EPOCHS, BATCH = 3, 50


def tiny_config(**changes):
    config, warnings = seqcore.get_scenario("counting").Config.from_params(TINY_COUNTING)
    assert warnings == []
    return config.replace(**changes)


def counting_data(seed: int = 0, count: int = 200):
    from seqcore.scenarios.counting import data

    bits = data.bit_sequences(count=count, length=6, rng=np.random.default_rng(seed))
    return bits, data.running_counts(bits)


def compiled_model(seed: int = 0):
    import keras

    from seqcore.scenarios.counting.model import build_model

    model = build_model(tiny_config(seed=seed, train_length=6), many_to_many=True)
    model.compile(optimizer=keras.optimizers.Adam(training.cosine_schedule(0.01, EPOCHS * 4)), loss="mse")
    return model


def custom_step(model):
    """A custom step (what teacher forcing and binary labels pass): one Adam update of ``model`` on MSE."""
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(0.01)

    @tf.function
    def step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(inputs, training=True) - targets))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return {"loss": loss}

    return step


def trained_weights(kind: str, seed: int) -> list[np.ndarray]:
    model = compiled_model(seed)
    bits, counts = counting_data()
    step = KerasStep(model) if kind == "keras" else custom_step(model)
    training.train(step, bits, counts, variants="m", epochs=EPOCHS, batch_size=BATCH, seed=seed)
    return model.get_weights()


def same(first: list[np.ndarray], second: list[np.ndarray]) -> bool:
    return len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))


# -- seeding ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["keras", "custom"])
def test_same_seed_gives_the_same_weights_alone_and_in_two_threads_at_once(kind):
    alone = trained_weights(kind, seed=0)
    assert same(alone, trained_weights(kind, seed=0))
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda seed: trained_weights(kind, seed), [0, 0]))
    assert same(together[0], alone) and same(together[1], alone)
    assert not same(trained_weights(kind, seed=1), alone)  # a different seed really is different


def test_batch_orders_follow_the_one_seed_convention():
    orders = training.epoch_order(3, epochs=2, count=5, stream=(7,))
    rng = np.random.default_rng([3, training.BATCH_ORDER_STREAM, 7])
    assert orders.tolist() == [rng.permutation(5).tolist(), rng.permutation(5).tolist()]
    assert not np.array_equal(orders, training.epoch_order(3, epochs=2, count=5, stream=(8,)))
    assert training.steps_per_epoch(101, 50) == 3  # the partial batch is trained on


def test_same_config_gives_the_same_metrics_twice_and_beside_another_run():
    scenario = seqcore.get_scenario("counting")
    alone = scenario.run(tiny_config()).metrics
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(scenario.run, [tiny_config(), tiny_config(seed=7)]))
    assert together[0].metrics == alone
    assert together[1].metrics != alone


# -- callbacks and the one event shape ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["keras", "custom"])
def test_after_each_epoch_evaluate_then_snapshot_then_one_event(kind):
    model = compiled_model()
    bits, counts = counting_data()
    calls, events = [], []

    def progress(event):
        calls.append(("event", event["epoch"]))
        events.append(event)

    def evaluate():
        calls.append(("evaluate", len([c for c in calls if c[0] == "evaluate"]) + 1))
        return {"held_out": 0.5}

    def snapshot():
        calls.append(("snapshot", calls[-1][1] if calls else None))
        return {"predicted": [1.0, 2.0]}

    tracker = ProgressTracker(progress, ["m"])
    step = KerasStep(model) if kind == "keras" else custom_step(model)
    history = training.train(
        step,
        bits,
        counts,
        variants="m",
        epochs=EPOCHS,
        batch_size=BATCH,
        seed=0,
        tracker=tracker,
        evaluate=evaluate,
        snapshot=snapshot,
    )
    assert calls[:2] == [("snapshot", None), ("event", 0)]  # the untrained model, before any step
    for epoch in range(1, EPOCHS + 1):  # evaluate, (snapshot), event — epoch after epoch
        mine = [name for name, at in calls if at == epoch]
        assert mine in (["evaluate", "snapshot", "event"], ["evaluate", "event"])
    assert [e["epoch"] for e in events] == [0, 1, 2, 3]
    assert all(set(e) == EVENT_KEYS and e["variant"] == "m" and e["epochs"] == EPOCHS for e in events)
    assert events[0]["snapshot"] == {"predicted": [1.0, 2.0]} and events[0]["logs"] == {}
    assert events[1]["snapshot"] is not None and events[-1]["snapshot"] is not None  # first and last epoch
    fractions = [e["fraction"] for e in events]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(set(e["logs"]) == {"loss", "held_out"} for e in events[1:])
    assert [entry["held_out"] for entry in history["m"]] == [0.5] * EPOCHS
    replayed = [s["epoch"] for s in tracker.replay()["m"]]
    assert replayed[0] == 1 and replayed[-1] == EPOCHS


def test_one_step_that_trains_two_variants_reports_each_by_name():
    import tensorflow as tf

    bits, counts = counting_data(count=20)

    def step(inputs, targets):
        return {"a/loss": tf.constant(1.0), "b/loss": tf.constant(2.0)}

    events = []
    history = training.train(
        step,
        bits,
        counts,
        variants=("a", "b"),
        epochs=2,
        batch_size=10,
        seed=0,
        tracker=ProgressTracker(events.append, ["a", "b"]),
        snapshot=lambda: {"a": {"x": 1}, "b": {"x": 2}},
    )
    assert history == {"a": [{"loss": 1.0}] * 2, "b": [{"loss": 2.0}] * 2}
    assert [(e["variant"], e["epoch"], e["snapshot"]) for e in events] == [
        ("a", 0, {"x": 1}),
        ("b", 0, {"x": 2}),
        ("a", 1, {"x": 1}),
        ("b", 1, {"x": 2}),
        ("a", 2, {"x": 1}),
        ("b", 2, {"x": 2}),
    ]
    with pytest.raises(ValueError, match="logs"):
        training.train(
            lambda x, y: {"loss": tf.constant(1.0)}, bits, counts, variants=("a", "b"), epochs=1, batch_size=10, seed=0
        )


def test_a_scenario_reports_every_epoch_of_every_variant_in_the_one_shape():
    events = []
    seqcore.get_scenario("counting").run(tiny_config(), progress=events.append)
    assert sorted((e["variant"], e["epoch"]) for e in events) == [
        ("many_to_many", 0),
        ("many_to_many", 1),
        ("many_to_many", 2),
        ("many_to_one", 0),
        ("many_to_one", 1),
        ("many_to_one", 2),
    ]
    assert all(set(e) == EVENT_KEYS for e in events)
    fractions = [e["fraction"] for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all("loss" in e["logs"] for e in events if e["epoch"] >= 1)
    untrained = [e for e in events if e["epoch"] == 0]  # the live chart's first frame, before any step
    assert all(e["snapshot"] is not None and e["logs"] == {} for e in untrained)


# -- cancel and time limit ---------------------------------------------------------------------------------------
class CancelAfter(CancelToken):
    """Sets itself after ``checks`` checks: a visitor pressing Cancel part-way through an epoch."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.checks = checks

    def raise_if_cancelled(self) -> None:
        self.checks -= 1
        if self.checks < 0:
            self.cancel()
        super().raise_if_cancelled()


def test_cancel_between_steps_of_a_custom_step_stops_before_the_next_step():
    bits, counts = counting_data()
    steps = []

    def step(inputs, targets):
        steps.append(len(inputs))
        return {"loss": 0.0}

    with pytest.raises(Cancelled):  # one check before training, then one before each step
        training.train(
            step, bits, counts, variants="m", epochs=EPOCHS, batch_size=BATCH, seed=0, cancel=CancelAfter(1 + 2)
        )
    assert steps == [BATCH, BATCH]  # two steps of the first epoch ran, the third never started


def test_cancel_between_steps_of_a_keras_step_stops_mid_epoch():
    model = compiled_model()
    bits, counts = counting_data()
    with pytest.raises(Cancelled):  # one check before training, then one before each step
        training.train(
            KerasStep(model),
            bits,
            counts,
            variants="m",
            epochs=EPOCHS,
            batch_size=BATCH,
            seed=0,
            cancel=CancelAfter(1 + 2),
        )
    assert int(model.optimizer.iterations) == 2  # cancelled at the check before the third step: two were taken


def test_a_cancelled_run_stops_with_cancelled_and_a_slow_one_with_the_time_limit():
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        seqcore.get_scenario("counting").run(tiny_config(), cancel=token)
    bits, counts = counting_data()
    with pytest.raises(TimeLimitExceeded):
        training.train(
            lambda x, y: {"loss": 0.0},
            bits,
            counts,
            variants="m",
            epochs=1,
            batch_size=BATCH,
            seed=0,
            cancel=CancelToken(time_limit_s=1e-9),
        )


# -- arguments and helpers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes,name", [({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size")])
def test_bad_arguments_raise_value_errors_naming_them(changes, name):
    bits, counts = counting_data(count=10)
    arguments = {"variants": "m", "epochs": 1, "batch_size": 5, "seed": 0, **changes}
    with pytest.raises(ValueError, match=name):
        training.train(lambda x, y: {"loss": 0.0}, bits, counts, **arguments)


def test_an_uncompiled_model_is_refused():
    from seqcore.scenarios.counting.model import build_model

    with pytest.raises(ValueError, match="model"):
        KerasStep(build_model(tiny_config(), many_to_many=True))


def test_thinning_keeps_the_first_and_the_last_and_at_most_the_limit():
    assert thin(list(range(100)), 30)[0::29] == [0, 99] and len(thin(list(range(100)), 30)) == 30
    assert thin([1, 2, 3], 30) == [1, 2, 3] and thin([1, 2, 3], 1) == [3]
    with pytest.raises(ValueError, match="limit"):
        thin([1], 0)


def test_run_rejects_another_scenarios_config():
    with pytest.raises(ValueError, match="cfg"):
        seqcore.get_scenario("counting").run(object())
