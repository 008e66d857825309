"""Binary labels page: explain → controls → one seqcore call → draw."""

import csv
import io

import pandas as pd
import streamlit as st

from seqcore import get_scenario, ui
from seqcore.plots import training_curves
from seqcore.scenarios.binary_labels import plots

scenario = get_scenario("binary_labels")
_, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "A recurrent network reads a sine wave and, at every step, says whether the **next** sample will be "
        "negative or positive. The labels are the numbers 1 and 2. A single linear output trained with "
        "mean-squared error on those numbers gets by: its output hovers around 1 or 2 and a threshold of 1.5 "
        "picks the class — but it is no probability and it often lands outside [1, 2]. Swap in sparse "
        "softmax cross-entropy on that same single output and nothing can be learned: TensorFlow rejects the "
        "labels outright (on a GPU it returns NaN instead). What works is "
        "labels 0/1 with a loss built for classes: two softmax outputs with one-hot targets, or one sigmoid "
        "output with binary cross-entropy. All four are trained below on the same windows with the same seed."),
    symptom=(
        "In the original report the MSE version trained, while the same network with TensorFlow's sparse "
        "softmax cross-entropy did not. The accepted answer moved the labels to 0/1, gave the network two "
        "outputs and used one-hot targets; its loss then fell from 0.60 to 0.007 within 300 steps."),
)
artifacts = result.artifacts
metrics = result.metrics
steps = artifacts["setup"]["window_length"]

st.subheader("Labels against predictions")
samples = artifacts["samples"]
index = st.slider("Held-out window", 1, len(samples), 1, key="binary-labels-window") - 1
st.plotly_chart(plots.window_steps(artifacts, index), width="stretch")
st.caption(f"Window {samples[index]['window']} of the held-out stretch, starting at "
           f"{samples[index]['start_phase']:.3f} of a period. The MSE line is its output minus 1, clipped to "
           "[0, 1]; the sparse-softmax model has no probability to draw (its one output is always 1, for a "
           "class index that is neither label). In the bottom strip blue is negative, red positive and grey no "
           "valid class.")

rows = {}
for variant in plots.LABELS:
    row = {"accuracy": metrics[f"{variant}/accuracy"],
           "log loss": metrics.get(f"{variant}/log_loss", float("nan")),
           "Brier": metrics[f"{variant}/brier"],
           "acc. step 1": metrics[f"{variant}/accuracy_at_step_1"],
           f"acc. step {steps}": metrics[f"{variant}/accuracy_at_step_{steps}"],
           "outside [1, 2]": metrics.get(f"{variant}/outside_range_share", float("nan"))}
    rows[plots.SHORT[variant]] = row
best_brier = min(metrics["softmax_2class/brier"], metrics["sigmoid_bce/brier"])
ratio = metrics["mse_raw/brier"] / max(best_brier, 1e-12)
comparison = (f"{ratio:.1f}× the Brier score of the better cross-entropy variant" if ratio >= 1.05 else
              "about the Brier score of the cross-entropy variants" if ratio > 0.95 else
              f"a lower Brier score than the cross-entropy variants ({ratio:.2f}×)")
ui.metrics_table(rows, caption=(
    f"{artifacts['setup']['held_out_windows']} held-out windows. The MSE model has {comparison}. Log loss is "
    "shown only where the output is a probability by construction; the MSE model's Brier score reads its "
    "output minus 1, clipped to [0, 1], as a probability — the kindest reading of it. The sparse-softmax "
    "model never predicts a valid class."))

st.subheader("What TensorFlow says to the seed's failing loss")
broken = artifacts["broken"]
st.markdown(broken["reason"])
fit = broken["fit"]
for attempt in [fit] + broken["attempts"]:
    outcome = f"{attempt['error_type']}" if attempt["outcome"] == "error" else "runs"
    st.markdown(f"**{attempt['attempt']}** — {outcome}")
    st.code(f"{attempt['code']}\n→ {attempt['message']}", language="text", wrap_lines=True)
one_unit = broken["softmax_one_unit"]
st.caption(f"Recorded on this run's {broken['device']}. Softmax over the one output for logits "
           f"{one_unit['logits']}: {one_unit['softmax']} — whatever the input, so the loss for label 0 is "
           f"{one_unit['loss_with_label_0']:g} and its largest gradient {one_unit['largest_gradient']:g}.")

st.subheader("The label encoding each loss needs")
table = pd.DataFrame(artifacts["encodings"]).rename(columns={
    "variant": "variant", "units": "output units", "activation": "output activation", "loss": "keras loss",
    "negative_target": "target for negative", "positive_target": "target for positive",
    "decision": "class read as", "works": "trains"})
st.table(table.set_index("variant"))

st.subheader("Accuracy along the window")
st.plotly_chart(plots.per_step_accuracy(artifacts), width="stretch")
change = artifacts["sign_change"]
st.caption(f"The hard steps are the {change['softmax_2class']['steps']} held-out steps whose next sample has "
           "the other sign than the one being read. Right there: "
           + ", ".join(f"{plots.SHORT[v]} {change[v]['accuracy']:.0%}" for v in plots.WORKING)
           + ". The sparse-softmax model is right at no step and is left out of the chart.")

st.subheader("Calibration")
st.plotly_chart(plots.reliability_diagram(artifacts), width="stretch")
st.caption("Each point is one bin of predicted probability; on the dotted diagonal the model means what it "
           "says. ECE: the count-weighted mean distance from the diagonal.")
st.plotly_chart(plots.mse_outputs(artifacts), width="stretch")
st.caption(f"{metrics['mse_raw/outside_range_share']:.0%} of the MSE model's outputs lie outside [1, 2]: "
           "a regression onto class numbers, not a probability.")

st.subheader("Training curves")
st.plotly_chart(training_curves(result.history, title="Training and held-out loss (each variant's own loss)"),
                width="stretch")
st.caption("Each variant is scored by its own loss, so compare curves within a variant, not across."
           + (" The sparse-softmax variant has no curve: its first step raised an error."
              if fit["outcome"] == "error" else ""))

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
# or: Dense(1, activation="sigmoid") with loss="binary_crossentropy" and the 0/1 labels as they are""")

buffer = io.StringIO()
writer = csv.writer(buffer)
writer.writerow(["window", "step", "time_ms", "input", "label_positive"]
                + [f"{v}_class" for v in plots.LABELS] + [f"{v}_p_positive" for v in plots.LABELS])
for sample in samples:
    for t in range(len(sample["input"])):
        writer.writerow([sample["window"], t + 1, sample["time_ms"][t], sample["input"][t], sample["label"][t]]
                        + [sample["predicted"][v][t] for v in plots.LABELS]
                        + [sample["probability"][v][t] for v in plots.LABELS])
ui.downloads(scenario, result, buffer.getvalue())
