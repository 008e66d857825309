"""Counting ones with an LSTM: why a many-to-one model only counts at the length it was trained on.

Pitfall: trained on the total of length-20 sequences, a many-to-one LSTM (Dense → LSTM → Dense) is accurate at
length 20 and wrong at every other length: nothing in its loss ever asked for the count part-way through, so
its state holds "the answer at step 20", not "the count so far".
Fix: many-to-many — return the output at every step and train it on the running count. It is then right at
every length it has seen (1..20), and because its state now *is* the count so far, the state can be carried
from one chunk of input to the next: [1, 1, 1] then [1, 0, 1] gives 5.
Reference: seed 003 (``shared/seeds``), a study of LSTM hidden-state behaviour in Keras.

Reads data → model → train → evaluate. Models take inputs of any length; the sequence and streaming twins below
reuse the trained layers by name (the LSTM's weights are copied into a twin that also returns its states). Both
variants train through the one trainer (``seqcore.training.train`` with a ``KerasStep``: keras' compiled step on
each seeded batch), side by side in two threads, and stream the counts they give on the shown sequences after
each epoch.
"""

from __future__ import annotations

import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np

from seqcore.progress_events import ProgressTracker
from seqcore.result import Result
from seqcore.scenarios.counting import REPORTED_LENGTHS, SAMPLES_SHOWN, VARIANTS, data
from seqcore.scenarios.counting.artifacts import Artifacts, Samples, SeedStream
from seqcore.scenarios.counting.config import Config
from seqcore.training import (
    CancelToken,
    KerasStep,
    LayerSeeds,
    cosine_schedule,
    steps_per_epoch,
    train,
)

SWEEP_MAX_LENGTH = 40  # the page's error-against-length chart spans 1..40 at least
EVAL_SEQUENCES = 400
STREAM_CHECKS = 4  # random chunkings checked per run ...
STREAM_BATCH = 32  # ... each on this many sequences
SEED_STREAM = ([1, 1, 1], [1, 0, 1])  # the seed's example: 3 ones, then 2 more → 5
DIGITS = 4  # counts in artifacts and live snapshots: what a count means, and small


def rounded(values, digits: int = DIGITS) -> list:
    """Plain, rounded numbers (float64 first: a rounded float32 prints as 0.01080000028014183)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


# -- data ---------------------------------------------------------------------------------------------------
def datasets(cfg: Config) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    """Training bits at the training length, held-out bits up to the sweep's length, the stream check's rng."""
    train_rng, test_rng, stream_rng = (np.random.default_rng([cfg.seed, i]) for i in range(3))
    bits = data.bit_sequences(count=cfg.train_sequences, length=cfg.train_length, rng=train_rng)
    sweep_length = max(SWEEP_MAX_LENGTH, 2 * cfg.train_length)
    held_out = data.bit_sequences(count=EVAL_SEQUENCES, length=sweep_length, rng=test_rng)
    return bits, held_out, stream_rng


# -- model --------------------------------------------------------------------------------------------------
def build_model(cfg: Config, *, many_to_many: bool) -> keras.Model:
    """The seed's network: a per-step Dense, an LSTM, a Dense head; optionally a fixed rescale to counts."""
    seeds = LayerSeeds(cfg.seed)
    bits = keras.Input(shape=(None, 1), name="bits")
    embedded = keras.layers.Dense(cfg.units, name="embed", **seeds.dense())(bits)
    hidden = keras.layers.LSTM(cfg.units, return_sequences=many_to_many, name="lstm", **seeds.recurrent())(embedded)
    count = keras.layers.Dense(1, name="head", **seeds.dense())(hidden)
    # The head works at unit scale; this fixed layer turns its output into a count (saved with the model).
    scale = float(cfg.train_length) if cfg.scale_targets else 1.0
    count = keras.layers.Rescaling(scale, name="to_count")(count)
    name = "many_to_many" if many_to_many else "many_to_one"
    return keras.Model(bits, count, name=name)


def _twin_lstm(model: keras.Model, *, return_state: bool) -> keras.layers.LSTM:
    """A copy of ``model``'s LSTM that returns every step (and optionally its state), same weights."""
    trained = model.get_layer("lstm")
    twin = keras.layers.LSTM(trained.units, return_sequences=True, return_state=return_state, name="lstm_twin")
    kernel = trained.get_weights()[0]  # (input features, 4 × units)
    twin.build((None, None, kernel.shape[0]))
    twin.set_weights(trained.get_weights())
    return twin


def sequence_twin(model: keras.Model) -> keras.Model:
    """Maps bits → (count after every step, LSTM hidden state at every step), for either variant.

    For the many-to-one model, the output at step t is what it would answer if the sequence ended at t —
    exactly its prediction for a length-t input, so one pass gives the whole error-against-length curve.
    """
    bits = keras.Input(shape=(None, 1), name="bits")
    hidden = _twin_lstm(model, return_state=False)(model.get_layer("embed")(bits))
    counts = model.get_layer("to_count")(model.get_layer("head")(hidden))
    return keras.Model(bits, [counts, hidden], name=f"{model.name}_sequence")


_stream_twins: weakref.WeakKeyDictionary[keras.Model, keras.Model] = weakref.WeakKeyDictionary()


def stream_twin(model: keras.Model) -> keras.Model:
    """Maps (bits, h, c) → (counts, h, c): one chunk at a time with the LSTM state carried in and out."""
    if model not in _stream_twins:
        units = model.get_layer("lstm").units
        bits = keras.Input(shape=(None, 1), name="bits")
        state_h = keras.Input(shape=(units,), name="state_h")
        state_c = keras.Input(shape=(units,), name="state_c")
        hidden, h, c = _twin_lstm(model, return_state=True)(
            model.get_layer("embed")(bits), initial_state=[state_h, state_c]
        )
        counts = model.get_layer("to_count")(model.get_layer("head")(hidden))
        _stream_twins[model] = keras.Model([bits, state_h, state_c], [counts, h, c], name="stream")
    return _stream_twins[model]


def _stream_step(twin: keras.Model, bits: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One chunk through the streaming twin; NumPy in, NumPy out (keras refuses mixed inputs)."""
    return tuple(np.asarray(t) for t in twin([bits, h, c], training=False))


def count_stream(model: keras.Model, chunks: list[list[int]], *, carry_state: bool = True) -> list[float]:
    """Feed ``chunks`` one after another; return the count after each chunk.

    With ``carry_state`` the LSTM's (h, c) flow from one chunk into the next, so the counts continue; without
    it every chunk starts from a zero state, as if it were a whole new sequence.
    """
    twin = stream_twin(model)
    units = model.get_layer("lstm").units
    zeros = np.zeros((1, units), np.float32)
    h, c = zeros, zeros
    counts = []
    for chunk in chunks:
        if len(chunk) == 0:
            raise ValueError(f"chunks: every chunk needs at least one bit; received {chunks!r}")
        bits = np.asarray(chunk, np.float32).reshape(1, -1, 1)
        if not carry_state:
            h, c = zeros, zeros
        outputs, h, c = _stream_step(twin, bits, h, c)
        counts.append(float(outputs[0, -1, 0]))
    return counts


# -- train --------------------------------------------------------------------------------------------------
class StepByStep:
    """The live snapshot: the count a model gives after every step of the shown sequences (and their truth).

    A sequence twin is built once; each snapshot copies the training LSTM's current weights into it, so the
    many-to-one model's counts part-way through can be seen while it trains. About 2 KB an event.
    """

    def __init__(self, model: keras.Model, shown: np.ndarray) -> None:
        self.model, self.shown = model, shown
        self.twin = sequence_twin(model)
        self.truth = {
            "bits": shown[..., 0].astype(int).tolist(),
            "counts": data.running_counts(shown)[..., 0].astype(int).tolist(),
        }

    def __call__(self) -> dict:
        self.twin.get_layer("lstm_twin").set_weights(self.model.get_layer("lstm").get_weights())
        counts = np.asarray(self.twin.predict_on_batch(self.shown)[0])[..., 0]  # a compiled call: ~ms, not ~50 ms
        return {**self.truth, "predicted": rounded(counts)}


def train_variant(
    cfg: Config, variant: str, bits: np.ndarray, shown: np.ndarray, tracker: ProgressTracker, cancel: CancelToken | None
) -> tuple[keras.Model, list[dict]]:
    """One variant: build, compile (Adam, cosine-decayed rate, MSE of the count), train, return its logs."""
    many_to_many = variant == "many_to_many"
    model = build_model(cfg, many_to_many=many_to_many)
    steps = steps_per_epoch(len(bits), cfg.batch_size)
    model.compile(
        optimizer=keras.optimizers.Adam(cosine_schedule(cfg.learning_rate, cfg.epochs * steps)),
        loss="mse",
    )
    target = data.running_counts(bits) if many_to_many else data.total_counts(bits)
    history = train(
        KerasStep(model),
        bits,
        target,
        variants=variant,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        tracker=tracker,
        cancel=cancel,
        snapshot=StepByStep(model, shown),
    )
    return model, history[variant]


# -- evaluate -----------------------------------------------------------------------------------------------
def error_by_length(twin: keras.Model, variant: str, bits: np.ndarray) -> np.ndarray:
    """MSE at every length 1..bits.shape[1], as if each prefix were a whole input (one pass of the twin)."""
    predicted = np.asarray(twin(bits, training=False)[0])[..., 0]
    squared = np.square(predicted - data.running_counts(bits)[..., 0])
    if variant == "many_to_many":  # every step is a target: average over the prefix
        return np.cumsum(squared.mean(axis=0)) / np.arange(1, bits.shape[1] + 1)
    return squared.mean(axis=0)  # only the last step of a length-L input is an answer


def stream_max_abs_diff(model: keras.Model, length: int, rng: np.random.Generator) -> float:
    """Largest gap between chunked-with-state counts and whole-sequence counts, over random chunkings.

    Each chunking is applied to a batch of sequences at once through the streaming twin.
    """
    twin = stream_twin(model)
    units = model.get_layer("lstm").units
    worst = 0.0
    for _ in range(STREAM_CHECKS):
        bits = data.bit_sequences(count=STREAM_BATCH, length=length, rng=rng)
        zeros = np.zeros((STREAM_BATCH, units), np.float32)
        whole = _stream_step(twin, bits, zeros, zeros)[0]
        h, c, pieces = zeros, zeros, []
        for chunk in np.split(bits, data.random_chunking(length, rng), axis=1):
            counts, h, c = _stream_step(twin, chunk, h, c)
            pieces.append(counts)
        worst = max(worst, float(np.max(np.abs(np.concatenate(pieces, axis=1) - whole))))
    return worst


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train both variants on the same data and seed; sweep length; check streaming."""
    started = time.perf_counter()
    keys = [v.key for v in VARIANTS]
    tracker = ProgressTracker(progress, keys)
    bits, held_out, stream_rng = datasets(cfg)
    shown = held_out[:SAMPLES_SHOWN, : cfg.train_length]

    def train_and_evaluate(variant: str) -> dict:
        model, history = train_variant(cfg, variant, bits, shown, tracker, cancel)
        twin = sequence_twin(model)
        counts, hidden = twin(shown, training=False)
        return {
            "model": model,
            "history": history,
            "curve": error_by_length(twin, variant, held_out),
            "counts": rounded(np.asarray(counts)[..., 0]),
            "hidden": rounded(hidden),
        }

    # The two variants are independent: train them side by side (TensorFlow releases the GIL).
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        done = dict(zip(keys, pool.map(train_and_evaluate, keys)))
    models = {v: done[v]["model"] for v in keys}
    history = {v: done[v]["history"] for v in keys}
    metric_values = {}
    for variant in keys:
        for length in REPORTED_LENGTHS:
            metric_values[f"{variant}/mse_len_{length}"] = float(done[variant]["curve"][length - 1])
        metric_values[f"{variant}/train_loss"] = history[variant][-1]["loss"]

    stream_model = models["many_to_many"]
    metric_values["stream/max_abs_diff"] = stream_max_abs_diff(stream_model, cfg.train_length, stream_rng)
    chunks = [list(c) for c in SEED_STREAM]
    carried = count_stream(stream_model, chunks)
    metric_values["stream/seed_example_count"] = carried[-1]

    samples = shown[..., 0]
    artifacts = Artifacts(
        lengths=list(range(1, held_out.shape[1] + 1)),
        train_length=cfg.train_length,
        mse_by_length={v: rounded(done[v]["curve"], 6) for v in keys},
        samples=Samples(
            bits=samples.astype(int).tolist(),
            counts=np.cumsum(samples, axis=1).astype(int).tolist(),
            predicted={v: done[v]["counts"] for v in keys},
            hidden={v: done[v]["hidden"] for v in keys},
        ),
        seed_stream=SeedStream(
            chunks=chunks, carried=carried, restarted=count_stream(stream_model, chunks, carry_state=False)
        ),
        replay=tracker.replay(),
    )
    return Result(
        scenario="counting",
        config=cfg.to_dict(),
        metrics=metric_values,
        history=history,
        artifacts=artifacts,
        models=models,
        seconds=time.perf_counter() - started,
    )
