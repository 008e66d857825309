"""Binary labels page: explain → controls → one seqcore call → draw."""

import pandas as pd
import streamlit as st

from seqcore import get_scenario, ui
from seqcore.plots import training_curves
from seqcore.scenarios.binary_labels import encoding_table, plots

scenario = get_scenario("binary_labels")
config, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "A recurrent network reads a sine wave and, at every step, says whether the **next** sample will be "
        "negative or positive. The labels are the numbers 1 and 2. A single linear output trained with "
        "mean-squared error on those numbers gets by: its output hovers around 1 or 2 and a threshold of 1.5 "
        "picks the class — but it is no probability and it often lands outside [1, 2]. Swap in sparse "
        "softmax cross-entropy on that same single output and nothing can be learned: TensorFlow rejects the "
        "labels outright (on a GPU it returns NaN instead). What works is "
        "labels 0/1 with a loss built for classes: two softmax outputs with one-hot targets, or one sigmoid "
        "output with binary cross-entropy. All four are trained below on the same windows with the same seed."
    ),
    symptom=(
        "In the original report the MSE version trained, while the same network with TensorFlow's sparse "
        "softmax cross-entropy did not. The accepted answer moved the labels to 0/1, gave the network two "
        "outputs and used one-hot targets; its loss then fell from 0.60 to 0.007 within 300 steps."
    ),
)
artifacts = result.artifacts
metrics = result.metrics
name = scenario.variant_name
steps = artifacts.setup.window_length
fit = artifacts.broken.fit

# The headline, on the first screen: how far the MSE reading is from a probability, and the broken attempt.
best = min(("sigmoid_bce", "softmax_2class"), key=lambda v: metrics[f"{v}/brier"])
ratio = metrics["mse_raw/brier"] / max(metrics[f"{best}/brier"], 1e-12)
columns = st.columns(3)
columns[0].metric(
    f"Brier score, {name('mse_raw')}",
    f"{metrics['mse_raw/brier']:.4f}",
    help="Mean squared gap between P(next sample positive) and the 0/1 label: lower is better.",
)
columns[1].metric(
    f"Brier score, {name(best)}",
    f"{metrics[f'{best}/brier']:.4f}",
    delta=f"{ratio:.1f}× lower" if ratio >= 1 else f"{1 / ratio:.1f}× higher",
    delta_color="normal" if ratio >= 1 else "inverse",
)
refused = fit.outcome == "error"  # on a CPU; a GPU returns NaN losses instead
what_happened = f"TensorFlow raised {fit.error_type} at the first training step." if refused else fit.message
columns[2].metric(name("sparse_softmax_1unit"), "refused" if refused else "no valid class", help=what_happened)

st.subheader("Labels against predictions")
samples = artifacts.samples
index = ui.sample_picker(scenario, len(samples), label="Held-out window", default=artifacts.default_sample)
ui.replay_chart(scenario, result, sample=index)
shown = samples[index]
st.caption(
    f"Window {index + 1} of the {len(samples)} shown: it starts {shown.time_ms[0]:,.1f} ms into the wave, at "
    f"{round(shown.start_phase, 2) % 1:.2f} of a period (held-out window {shown.window + 1:,} of "
    f"{artifacts.setup.held_out_windows:,}). The MSE line is its output minus 1, unclipped: a regression onto the "
    "labels, not a probability, it often lags behind a sign change and may stray outside [0, 1]. The sparse-softmax "
    "model has no number to draw (its one output is always 1, for a class index that is neither label). In the "
    "bottom strip, + is positive, − negative and ∅ no valid class."
)

ui.metrics_table(  # two columns, so that a phone shows the whole table
    {
        variant.name: {"accuracy": metrics[f"{variant.key}/accuracy"], "Brier score": metrics[f"{variant.key}/brier"]}
        for variant in scenario.variants
    },
    number_format="{:.4f}",
    caption=(
        f"Rows: what each model was trained with; columns: what was measured on "
        f"{artifacts.setup.held_out_windows:,} held-out windows. The MSE model's Brier score reads its output "
        "minus 1, clipped to [0, 1], as a probability — the kindest reading of it. The sparse-softmax model "
        "never predicts a valid class. Log loss, only where the output is a probability by construction: "
        + "; ".join(
            f"{variant.name} {metrics[f'{variant.key}/log_loss']:.4f}"
            for variant in scenario.variants
            if f"{variant.key}/log_loss" in metrics
        )
        + "."
    ),
)

st.subheader("What TensorFlow says to the seed's failing loss")
broken = artifacts.broken
st.markdown(broken.reason)
for attempt in [fit] + broken.attempts:
    outcome = attempt.error_type if attempt.outcome == "error" else "runs"
    st.markdown(f"**{attempt.attempt}** — {outcome}")
    st.code(f"{attempt.code}\n→ {attempt.message}", language="text", wrap_lines=True)
one_unit = broken.softmax_one_unit
st.caption(
    f"Recorded on this run's {broken.device}. Softmax over the one output for logits "
    f"{one_unit.logits}: {one_unit.softmax} — whatever the input, so the loss for label 0 is "
    f"{one_unit.loss_with_label_0:g} and its largest gradient {one_unit.largest_gradient:g}."
)

st.subheader("The label encoding each loss needs")
st.table(pd.DataFrame.from_dict(encoding_table(), orient="index"))

st.subheader("Accuracy along the window")
ui.chart(plots.per_step_accuracy(artifacts))
change = artifacts.sign_change
st.caption(
    f"The hard steps are the {change['softmax_2class'].steps:,} held-out steps whose next sample has the "
    "other sign than the one being read. Right there: "
    + "; ".join(
        f"{variant.name}: {change[variant.key].accuracy:.0%}"
        for variant in scenario.variants
        if variant.key != "sparse_softmax_1unit"
    )
    + f". Step 1 has read one sample, step {steps} all of them. The sparse-softmax model is right at no "
    "step and is left out of the chart."
)

st.subheader("Calibration")
ui.chart(plots.reliability_diagram(artifacts))
st.caption(
    "Each point is one bin of predicted probability (bigger: more steps); on the dotted diagonal a model "
    "means what it says. Expected calibration error, the count-weighted mean distance from the diagonal: "
    + "; ".join(f"{name(key)}: {table.expected_calibration_error:.3f}" for key, table in artifacts.reliability.items())
    + "."
)
ui.chart(plots.mse_outputs(artifacts))
st.caption(
    f"{metrics['mse_raw/outside_range_share']:.0%} of the MSE model's outputs lie outside [1, 2]: "
    "a regression onto class numbers, not a probability."
)

st.subheader("Training curves")
ui.chart(
    training_curves(result.history, scenario.variants, title="Training and held-out loss (each variant's own loss)")
)
st.caption(
    "Each variant is scored by its own loss, so compare curves within a variant, not across."
    + (" The sparse-softmax variant has no curve: its first step raised an error." if fit.outcome == "error" else "")
)

ui.why_and_fix(
    "Sparse cross-entropy treats a label as the index of the output that should be largest, so labels 1 and "
    "2 need at least three outputs — and a softmax over a single output is always 1, so one output can never "
    "express a choice. MSE on the numbers 1 and 2 has neither problem but treats the classes as points on a "
    "line: the network regresses towards them, overshoots, and its output carries no calibrated confidence. "
    "Give the classes the encoding a classification loss expects: labels 0/1, then either two softmax "
    "outputs with one-hot targets or one sigmoid output with binary cross-entropy.",
    """labels = (next_sample > 0).astype("int32")            # 0/1, not 1/2
model = keras.Sequential([
    keras.Input(shape=(None, 1)),
    keras.layers.SimpleRNN(16, return_sequences=True),   # an output at every step
    keras.layers.Dense(2, activation="softmax"),         # two units: one per class
])
model.compile("adam", loss="categorical_crossentropy")
model.fit(windows, keras.ops.one_hot(labels, 2), ...)
# or: Dense(1, activation="sigmoid") with loss="binary_crossentropy" and the 0/1 labels as they are""",
)

ui.sweep_panel(scenario, config)
ui.downloads(scenario, result)
