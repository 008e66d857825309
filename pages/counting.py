"""Counting page: explain → controls → one seqcore call → draw."""

import csv
import io

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.plots import training_curves
from seqcore.scenarios.counting import plots
from seqcore.scenarios.counting.data import parse_chunks
from seqcore.ui.progress import model_or_none

scenario = get_scenario("counting")
_, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "An LSTM reads a sequence of 0s and 1s and should say how many 1s it saw. Trained **many-to-one** — "
        "only the final total of length-20 sequences is ever scored — it is right at length 20 and wrong at "
        "every other length, because nothing asked it for the count part-way through. Trained "
        "**many-to-many** on the running count, the same network is right at every length it has seen, and "
        "its state becomes a count you can carry from one chunk of input to the next."),
    symptom=(
        "In the original report: trained at length 20 for 100 epochs, the many-to-one model answered 11.001 "
        "for a true 11, yet its error grew as soon as the length changed; the running-count model fed "
        "[1, 1, 1] and then, with its state carried, [1, 0, 1] answered 5.016."),
)
artifacts = result.artifacts
metrics = result.metrics

st.subheader("Error against sequence length")
st.plotly_chart(plots.error_vs_length(artifacts), width="stretch")
lengths = (1, 5, 10, 20, 30, 40)
ui.metrics_table(
    {plots.LABELS[v]: {f"MSE at length {n}": metrics[f"{v}/mse_len_{n}"] for n in lengths}
     for v in ("many_to_one", "many_to_many")},
    caption=(f"Held-out sequences. Improvement at length 5: "
             f"{metrics['many_to_one/mse_len_5'] / max(metrics['many_to_many/mse_len_5'], 1e-12):,.0f}× lower "
             "error for many-to-many. Beyond the training length both fail: neither ever saw a count that high."))

st.subheader("One sequence, step by step")
index = st.slider("Sample sequence", 1, len(artifacts["samples"]["bits"]), 1, key="counting-sample") - 1
st.plotly_chart(plots.sample_steps(artifacts, index), width="stretch")
st.caption("The many-to-one line is what that model would answer if the sequence ended at each step.")
variant = st.radio("Hidden state of", ["many_to_many", "many_to_one"], horizontal=True,
                   format_func=plots.LABELS.get, key="counting-hidden-variant")
st.plotly_chart(plots.hidden_heatmap(artifacts, index, variant), width="stretch")

st.subheader("Streaming: carry the state across chunks")
st.markdown("Feed the many-to-many model a sequence in pieces. With its (h, c) state carried from chunk to "
            "chunk it keeps counting; restarted from zero it forgets what it saw. "
            f"Largest difference between chunked and whole-sequence counts on random cuts: "
            f"**{metrics['stream/max_abs_diff']:.2g}**.")
with st.form("counting-stream"):
    typed = st.text_input("Chunks of bits, separated by spaces", value="111 101", max_chars=80)
    fed = st.form_submit_button("Feed the chunks")
chunks, carried, restarted = (artifacts["seed_stream"]["chunks"], artifacts["seed_stream"]["carried"],
                              artifacts["seed_stream"]["restarted"])
if fed:
    parsed, problem = parse_chunks(typed)
    model = model_or_none(result, "many_to_many") if not problem else None
    if problem:
        st.warning(problem, icon="⚠️")
    elif model is not None:
        from seqcore.scenarios.counting.model import count_stream  # TensorFlow only when asked for
        chunks = parsed
        carried = count_stream(model, chunks)
        restarted = count_stream(model, chunks, carry_state=False)
st.plotly_chart(plots.stream_counts(chunks, carried, restarted), width="stretch")

st.subheader("Training curves")
st.plotly_chart(training_curves(result.history, title="Training loss (MSE of the count)"),
                width="stretch")

ui.why_and_fix(
    "The loss is the only thing a network is asked. Scoring just the last step of length-20 sequences lets "
    "the LSTM keep anything in its state that happens to give the right total at step 20 — it has no reason "
    "to hold a usable count at step 5 or to keep going at step 40. Returning an output at every step and "
    "scoring it against the running count asks for the count at every step, which is what generalises to "
    "shorter inputs and makes the state a count that can be carried across chunks.",
    """model = keras.Sequential([
    keras.Input(shape=(None, 1)),
    keras.layers.Dense(32),
    keras.layers.LSTM(32, return_sequences=True),   # an output at every step
    keras.layers.Dense(1),
])
model.fit(bits, np.cumsum(bits, axis=1), ...)        # target: the running count, not the total""")

buffer = io.StringIO()
writer = csv.writer(buffer)
writer.writerow(["sample", "step", "bit", "true_count", "many_to_one", "many_to_many"])
samples = artifacts["samples"]
for s, bits in enumerate(samples["bits"]):
    for t, bit in enumerate(bits):
        writer.writerow([s + 1, t + 1, bit, samples["counts"][s][t], samples["predicted"]["many_to_one"][s][t],
                         samples["predicted"]["many_to_many"][s][t]])
ui.downloads(scenario, result, buffer.getvalue())
