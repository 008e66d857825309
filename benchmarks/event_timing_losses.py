"""Speed of the event-timing losses and page run on this machine.

    python -m benchmarks.event_timing_losses [--skip-runs] [--paper]

1. soft-DTW and DILATE loss + gradient on a batch of 100 pairs of length 20 (compiled, after warm-up);
2. one epoch of the page's network on the synthetic set (500 windows, batch 50), MSE against DILATE;
3. the default page run (three variants) and the synthetic set's default, with their headline metrics;
4. with --paper: the ``paper`` preset (the DILATE paper's protocol; minutes), its Table 1 beside the paper's and
   the official code's.
Prints numbers; asserts nothing. TensorFlow's import is not counted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def median_ms(function, repeats: int = 30) -> float:
    function()  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def loss_and_gradient() -> None:
    import tensorflow as tf

    from seqcore import losses

    rng = np.random.default_rng(0)
    truth = tf.constant(rng.normal(size=(100, 20, 1)).astype(np.float32))
    predicted = tf.Variable(rng.normal(size=(100, 20, 1)).astype(np.float32))
    for name, loss in [
        ("soft-DTW", lambda: losses.soft_dtw(truth, predicted, 0.1)),
        ("DILATE", lambda: losses.dilate(truth, predicted, 0.6, 0.1)[0]),
        ("MSE", lambda: tf.reduce_mean(tf.square(truth - predicted), axis=[1, 2])),
    ]:

        @tf.function
        def step(loss=loss):
            with tf.GradientTape() as tape:
                value = tf.reduce_mean(loss())
            return value, tape.gradient(value, predicted)

        print(
            f"{name:9s} loss + gradient, batch 100 × 20 steps: {median_ms(lambda: [t.numpy() for t in step()]):6.2f} ms"
        )


def epochs() -> None:
    import keras

    from seqcore import training
    from seqcore.scenarios.event_timing import data, model
    from seqcore.scenarios.event_timing.config import Config

    config = Config(dataset="dilate_synthetic")
    dataset = data.load(
        config.dataset,
        steps=config.steps,
        train_windows=config.train_windows,
        test_windows=config.test_windows,
        noise=config.noise,
        seed=config.seed,
    )
    x, y = dataset.train_features.astype(np.float32), dataset.train_labels.astype(np.float32)
    order = training.epoch_order(0, 1, len(x))[0]
    batches = [order[begin : begin + config.batch_size] for begin in range(0, len(x), config.batch_size)]
    seconds = {}
    for variant in model.VARIANTS:
        network = model.build_model(config, x.shape[1])
        network.compile(optimizer=keras.optimizers.Adam(0.01), loss=model.make_loss(variant, config))

        def epoch(network=network):
            for rows in batches:
                network.train_on_batch(x[rows], y[rows])

        seconds[variant] = median_ms(epoch, repeats=8)
        print(f"{variant:9s} epoch (500 windows × 20 steps, batch 50): {seconds[variant]:7.1f} ms")
    print(f"DILATE epoch / MSE epoch: {seconds['dilate'] / seconds['mse']:.2f}")


def runs() -> None:
    import seqcore

    scenario = seqcore.get_scenario("event_timing")
    for params in ({}, {"dataset": "dilate_synthetic"}):
        config, _ = scenario.Config.from_params(params)
        started = time.perf_counter()
        result = scenario.run(config)
        shown = {
            k: round(v, 3)
            for k, v in result.metrics.items()
            if k.split("/")[1] in ("dtw", "tdi", "peak_height_error", "peak_hit_rate")
        }
        print(f"run {params or 'default'}: {time.perf_counter() - started:.1f} s  {shown}")


def paper() -> None:
    """The paper preset: our Table 1 row per loss, the paper's and the official code's, and our time."""
    import seqcore
    from seqcore.scenarios.event_timing import data

    scenario = seqcore.get_scenario("event_timing")
    started = time.perf_counter()
    result = scenario.run(scenario.preset("paper"))
    seconds = time.perf_counter() - started
    print(f"paper preset: three losses trained side by side in {seconds:.0f} s (MSE×100 / DTW×100 / TDI×10)")
    for variant in scenario.variants:
        ours = "/".join(
            f"{result.metrics[f'{variant.key}/{name}']:.2f}" for name in ("mse_x100", "dtw_x100", "tdi_x10")
        )
        published = data.PAPER_SYNTHETIC_SEQ2SEQ["rows"][variant.key]
        official = data.OFFICIAL_CODE_SYNTHETIC["rows"][variant.key]
        print(
            f"  {variant.name:9s} ours {ours}   paper {published['mse']}/{published['dtw']}/{published['tdi']}   "
            f"official code {official['mse']}/{official['dtw']}/{official['tdi']} in {official['seconds']:.0f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-runs", action="store_true", help="only the loss and epoch timings")
    parser.add_argument("--paper", action="store_true", help="also the paper preset (several minutes)")
    args = parser.parse_args()
    import tensorflow  # noqa: F401  (imported before timing starts)

    loss_and_gradient()
    epochs()
    if not args.skip_runs:
        runs()
    if args.paper:
        paper()


if __name__ == "__main__":
    main()
