"""Teacher forcing page: explain → controls → one seqcore call → draw."""

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.scenarios.teacher_forcing import DIRECT, FIXES, PITFALL, plots, verdict
from seqcore.sweep_results import load_shipped, story_plans

scenario = get_scenario("teacher_forcing")
config, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "An LSTM encoder reads a stretch of history and hands its state to an LSTM decoder that forecasts the "
        "next steps one at a time. Trained with **teacher forcing**, the decoder is always given the *true* "
        "previous value, so its validation loss measures how well it predicts one step ahead of the truth. "
        "At inference there is no truth to give: each prediction is fed back as the next input, small errors "
        "pile up along the horizon, and the same model on the same validation windows does several times "
        "worse. **Scheduled sampling** and **free-running** training feed the model its own predictions while "
        "it learns; a **direct multi-step** decoder outputs the whole horizon at once and feeds nothing back. "
        "The table below says how far each gets, on the same validation windows."
    ),
    symptom=(
        "In the original report: the teacher-forced validation loss reached about 0.045, while the inference "
        "model built from the same layers, scored on the same validation set, gave 0.16 and never went "
        "below 0.14 however long it trained. The user suspected the inference model."
    ),
)
artifacts, metrics = result.artifacts, result.metrics
shown = artifacts.shown
pitfall = scenario.variant(PITFALL)

# The headline on the first screen: one model, two numbers, the same validation windows.
forced, free = metrics[f"{PITFALL}/teacher_forced_mse"], metrics[f"{PITFALL}/free_running_mse"]
best = verdict.best_remedy(metrics, FIXES)
best_free = metrics[f"{best}/free_running_mse"]
columns = st.columns(3)
columns[0].metric(
    f"{pitfall.name}: validation MSE fed the truth",
    f"{forced:.3f}",
    help="What a teacher-forced validation loss reports (masked MSE, 500 validation windows).",
)
columns[1].metric(
    "The same model fed its own predictions",
    f"{free:.3f}",
    delta=f"{metrics[f'{PITFALL}/gap']:.1f}× worse",
    delta_color="inverse",
    help="What inference gets: each prediction is the next step's input.",
)
columns[2].metric(
    f"{scenario.variant_name(best)}, fed its own predictions",
    f"{best_free:.3f}",
    delta=f"{best_free / max(free, 1e-12) - 1:+.0%} against teacher forcing",
    delta_color="inverse",
    help="The best remedy, trained for the same number of epochs on the same windows.",
)
st.markdown("\n".join(f"- {line}" for line in verdict.verdicts(metrics, scenario.variants, PITFALL)))

st.subheader("One validation window: fed the truth, and fed its own predictions")
count = len(shown.truth)
sample = ui.sample_picker(scenario, count, label="Validation window", default=artifacts.default_sample)
ui.replay_chart(scenario, result, sample=sample)
errors = ", ".join(f"{v.name} {shown.free_running_mse[v.key][sample]:.3f}" for v in scenario.variants)
st.caption(
    f"Dotted, open circles: {pitfall.name.lower()} fed the true previous value at every step (what its "
    f"validation loss scores) — it hugs the truth. Each variant's own line: fed its own previous prediction, as "
    f"at inference. Free-running MSE in this window: {errors}. The page opens on window "
    f"{artifacts.default_sample + 1}: of these {count} windows (the first of each of {count} validation series), "
    f"the one whose free-running error for {pitfall.name.lower()} is at the 75th percentile — a typical bad "
    "case, not the worst."
)

st.subheader("Both numbers, on the same validation windows")
ui.metrics_table(
    plots.summary_rows(metrics, scenario.variants),
    number_format="{:.3g}",
    caption=(
        f"Rows: how each network was trained. Columns: its masked MSE on the same 500 validation windows, "
        f"with the decoder fed the true previous values (fed truth) and fed its own predictions as at "
        f"inference (free run), and its free-running MSE divided by {pitfall.name.lower()}'s (below 1: better "
        f"at inference). {pitfall.name}: {metrics[f'{PITFALL}/gap']:.1f}× worse at inference than its "
        f"validation loss says. Best remedy ({scenario.variant_name(best).lower()}): "
        f"{metrics[f'{best}/vs_teacher_forcing']:.0%} of teacher forcing's free-running error, at the same "
        f"number of epochs. The direct decoder feeds nothing back, so both of its numbers are the same."
    ),
)
check = metrics["check/inference_matches_training"]
agreement = "exactly" if check == 0 else f"to within **{check:.2g}**"
st.success(
    f"**The inference models are built right.** Fed the true previous values one step at a time, the "
    f"encoder and the step-by-step decoder reproduce the training model's outputs {agreement}, and the "
    f"{scenario.variant_name(DIRECT).lower()} decoder's inference model its training forward pass "
    f"(largest difference over every variant, validation window and step). The gap is the training, not the "
    f"model.",
    icon="✅",
)

left, right = st.columns(2)
with left:
    ui.chart(plots.error_by_step_figure(artifacts.mse_by_step, scenario.variants))
with right:
    ui.chart(plots.schedule_figure(artifacts.schedule, scenario.variants))

st.subheader("Training curves")
ui.chart(plots.validation_curves(result.history, scenario.variants))
st.caption(
    f"The trap: {pitfall.name.lower()}'s error fed the truth (top) keeps falling while its error fed its "
    "own predictions (bottom) stays high — watching only the first, training looks fine."
)

ui.why_and_fix(
    "Teacher forcing trains the decoder on inputs it will never see at inference: perfect previous values. It "
    "learns to lean on them, so at inference its own small errors come back as inputs it has never learned "
    "to correct, and they grow step by step. Scheduled sampling (Bengio et al., 2015) flips a coin at each "
    "decoder step: the true previous value with probability ε, the model's own prediction otherwise, with ε "
    "decaying from 1 as training goes on. Free running uses its own predictions always. Both need a custom "
    "training step, since the decoder input now depends on the decoder's output; here it is passed to the "
    "app's one trainer, `seqcore.training.train`. A direct multi-step decoder sidesteps the question: one "
    "layer reads the encoder's state and outputs every step of the horizon at once, so nothing is fed back "
    "and training and inference run the same model — at the price of ignoring how one step leads to the next.",
    """loss_fn = seqcore.losses.MaskedMSE()      # missing targets add nothing

@tf.function
def train_step(inputs, targets):
    history, decoder_inputs = inputs
    step = steps_taken.read_value()         # indexes the per-step probability
    coins = tf.random.stateless_uniform(tf.shape(decoder_inputs)[:2], [seed, step])
    feed_truth = coins < truth_probability[step]
    with tf.GradientTape() as tape:
        _, h, c = encoder_lstm(history)
        previous, outputs = decoder_inputs[:, 0], []
        for t in range(horizon):
            if t > 0:  # the truth, or the model's own last prediction
                previous = tf.where(feed_truth[:, t:t + 1], decoder_inputs[:, t], outputs[-1])
            out, (h, c) = decoder_lstm.cell(previous, [h, c])
            outputs.append(head(out))
        loss = loss_fn(targets, tf.stack(outputs, axis=1))
    grads = tape.gradient(loss, weights)
    optimizer.apply_gradients(zip(grads, weights))
    steps_taken.assign_add(1)
    return {"loss": loss}

seqcore.training.train(train_step, (history, decoder_inputs), targets, variants="scheduled_sampling",
                       epochs=12, batch_size=256, seed=0)""",
)

noise_plan = next((plan for plan in story_plans(scenario) if plan.param == "noise"), None)
noise_sweep = load_shipped(noise_plan, scenario.version) if noise_plan is not None else None
if noise_sweep is not None:
    st.markdown(verdict.noise_summary(noise_sweep["runs"], scenario.variants, PITFALL))
ui.sweep_panel(scenario, config)
ui.downloads(scenario, result)
st.caption(
    "Each model file is that variant's inference model: history (windows × Tx × 1) in, forecast "
    "(windows × Ty × 1) out. A feedback variant's file feeds its own predictions back; its layers are named "
    "encoder_lstm, decoder_lstm and head, so a teacher-forced training model can be rebuilt from them by name. "
    "The direct decoder's file is the very model it trained (encoder_lstm, then direct_head)."
)
