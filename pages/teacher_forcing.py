"""Teacher forcing page: explain → controls → one seqcore call → draw."""

import csv
import io

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.scenarios.teacher_forcing import plots
from seqcore.scenarios.teacher_forcing.config import VARIANTS

scenario = get_scenario("teacher_forcing")
_, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "An LSTM encoder reads a stretch of history and hands its state to an LSTM decoder that forecasts the "
        "next steps one at a time. Trained with **teacher forcing**, the decoder is always given the *true* "
        "previous value, so its validation loss measures how well it predicts one step ahead of the truth. "
        "At inference there is no truth to give: each prediction is fed back as the next input, small errors "
        "pile up along the horizon, and the same model on the same validation windows does several times "
        "worse. The inference model is not built wrong — fed the true values it gives exactly the training "
        "model's outputs. The model was simply never trained the way it is used. **Scheduled sampling** and "
        "**free-running** training feed the model its own predictions while it learns, and close the gap."),
    symptom=(
        "In the original report: the teacher-forced validation loss reached about 0.045, while the inference "
        "model built from the same layers, scored on the same validation set, gave 0.16 and never went "
        "below 0.14 however long it trained. The user suspected the inference model."),
)
artifacts = result.artifacts
metrics = result.metrics
label = plots.VARIANT_LABELS.get

st.subheader("One validation window")
columns = st.columns([1, 2])
variant = columns[0].radio("Trained with", list(VARIANTS), format_func=label, key="teacher-forcing-variant")
count = len(artifacts["samples"]["history"])
index = columns[1].slider("Validation window", 1, count, 1, key="teacher-forcing-window") - 1
st.plotly_chart(plots.window_figure(artifacts, index, variant), width="stretch")
st.caption("Solid: the decoder fed the true previous value at every step (what the teacher-forced loss "
           "scores). Dashed: fed its own previous prediction (what happens at inference).")

st.subheader("Both numbers, on the same validation windows")
best_fix = min(metrics["scheduled_sampling/free_running_mse"], metrics["free_running/free_running_mse"])
ui.metrics_table(
    {row.pop("variant"): row for row in plots.summary_rows(metrics, VARIANTS)},
    caption=(f"Teacher forcing: {metrics['teacher_forcing/gap']:.1f}× worse at inference than its validation "
             f"loss says. Best fix: free-running error "
             f"{best_fix / max(metrics['teacher_forcing/free_running_mse'], 1e-12):.0%} of teacher forcing's, "
             "at the same number of epochs."))
check = metrics["check/inference_matches_training"]
agreement = "exactly" if check == 0 else f"to within **{check:.2g}**"
st.success(f"**The inference model is built right.** Fed the true previous values one step at a time, the "
           f"encoder and the step-by-step decoder reproduce the training model's outputs {agreement} "
           f"(largest difference over every validation window and step). The gap is the training, not the "
           f"model.", icon="✅")

left, right = st.columns(2)
left.plotly_chart(plots.error_by_step_figure(artifacts), width="stretch")
right.plotly_chart(plots.schedule_figure(artifacts), width="stretch")

st.subheader("Training curves")
st.plotly_chart(plots.training_curves_figure(result.history), width="stretch")
st.caption("The trap: teacher forcing's teacher-forced validation error (solid red) keeps falling while its "
           "free-running error (dashed red) stays high — watching only the first, training looks fine.")

ui.why_and_fix(
    "Teacher forcing trains the decoder on inputs it will never see at inference: perfect previous values. It "
    "learns to lean on them, so at inference its own small errors come back as inputs it has never learned "
    "to correct, and they grow step by step. Scheduled sampling (Bengio et al., 2015) flips a coin at each "
    "decoder step: the true previous value with probability ε, the model's own prediction otherwise, with ε "
    "decaying from 1 as training goes on. Free running uses its own predictions always. Both need a custom "
    "training step, since the decoder input now depends on the decoder's output.",
    """@tf.function
def train_step(history, decoder_inputs, targets, truth_probability, seed):
    shape = tf.shape(decoder_inputs)[:2]
    coins = tf.random.stateless_uniform(shape, seed) < truth_probability
    with tf.GradientTape() as tape:
        _, h, c = encoder_lstm(history)
        previous, outputs = decoder_inputs[:, 0], []
        for t in range(horizon):
            if t > 0:  # the truth, or the model's own last prediction
                truth = decoder_inputs[:, t]
                previous = tf.where(coins[:, t:t + 1], truth, outputs[-1])
            out, (h, c) = decoder_lstm.cell(previous, [h, c])
            outputs.append(head(out))
        forecast = tf.stack(outputs, axis=1)
        loss = tf.reduce_mean(masked_mse(targets, forecast))
    grads = tape.gradient(loss, weights)
    optimizer.apply_gradients(zip(grads, weights))""")

buffer = io.StringIO()
writer = csv.writer(buffer)
writer.writerow(["window", "step", "truth", "missing"]
                + [f"{v}_{mode}" for v in VARIANTS for mode in ("teacher_forced", "free_running")])
samples = artifacts["samples"]
for w, truth in enumerate(samples["truth"]):
    for t, value in enumerate(truth):
        row = [w + 1, t + 1, value, samples["missing"][w][t]]
        for v in VARIANTS:
            row += [samples["teacher_forced"][v][w][t], samples["free_running"][v][w][t]]
        writer.writerow(row)
ui.downloads(scenario, result, buffer.getvalue())
st.caption("Each model file is that variant's inference model: history (windows × Tx × 1) in, forecast "
           "(windows × Ty × 1) out, its own predictions fed back. Its layers are named encoder_lstm, "
           "decoder_lstm and head, so a teacher-forced training model can be rebuilt from them by name.")
