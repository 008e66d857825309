"""Counting page: explain → controls → one seqcore call → draw."""

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.plots import training_curves
from seqcore.scenarios import counting
from seqcore.scenarios.counting import plots

STREAM_TEXT, STREAM_FED = "counting-stream-text", "counting-stream-fed"  # session keys of the streaming box


def feed(run_config: dict) -> None:
    """Feed's callback (runs before the script, so no rerun can lose the press): remember what was fed."""
    chunks, problem = counting.parse_chunks(st.session_state.get(STREAM_TEXT, ""))
    st.session_state[STREAM_FED] = {"config": run_config, "chunks": chunks, "problem": problem}


scenario = get_scenario("counting")
config, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "An LSTM reads a sequence of 0s and 1s and should say how many 1s it saw. Trained **many-to-one** — "
        "only the final total of length-20 sequences is ever scored — it is right at length 20 and wrong at "
        "every other length, because nothing asked it for the count part-way through. Trained "
        "**many-to-many** on the running count, the same network is right at every length it has seen, and "
        "its state becomes a count you can carry from one chunk of input to the next."
    ),
    symptom=(
        "In the original report: trained at length 20 for 100 epochs, the many-to-one model answered 11.001 "
        "for a true 11, yet its error grew as soon as the length changed; the running-count model fed "
        "[1, 1, 1] and then, with its state carried, [1, 0, 1] answered 5.016."
    ),
)
artifacts = result.artifacts
metrics = result.metrics
pitfall, fix = counting.VARIANTS
short = counting.HEADLINE_LENGTH

# The headline, on the first screen: the error at a length shorter than the one trained on.
columns = st.columns(3)
columns[0].metric(
    f"Error at length {short}: {pitfall.name}",
    f"{metrics[f'{pitfall.key}/mse_len_{short}']:.3g}",
    help="Mean squared error of the count on held-out sequences of that length.",
)
columns[1].metric(f"Error at length {short}: {fix.name}", f"{metrics[f'{fix.key}/mse_len_{short}']:.2g}")
ratio = metrics[f"{pitfall.key}/mse_len_{short}"] / max(metrics[f"{fix.key}/mse_len_{short}"], 1e-12)
columns[2].metric(
    f"Improvement at length {short}",
    f"{ratio:,.0f}× lower",
    help=f"The {pitfall.name} model's error over the {fix.name} model's.",
)

st.subheader("One sequence, step by step")
count = len(artifacts.samples.bits)
index = ui.sample_picker(scenario, count, label="Held-out sequence")
ui.replay_chart(scenario, result, sample=index)
st.caption(
    f"The {pitfall.name} line is what that model would answer if the sequence ended at each step: it is "
    f"scored only at step {artifacts.train_length}."
)

st.subheader("Error against sequence length")
ui.chart(plots.error_vs_length(artifacts, scenario.variants))
ui.metrics_table(
    {
        f"length {n}": {v.name: metrics[f"{v.key}/mse_len_{n}"] for v in scenario.variants}
        for n in counting.REPORTED_LENGTHS
    },
    caption=(
        "MSE of the count on held-out sequences of each length, for each way of training. Beyond the training "
        "length both fail: neither ever saw a count that high."
    ),
)

st.subheader("Inside the LSTM")
variant = st.radio(
    "Hidden state of",
    [fix.key, pitfall.key],
    horizontal=True,
    format_func=scenario.variant_name,
    key="counting-hidden-variant",
)
ui.chart(plots.hidden_heatmap(artifacts, index, scenario.variant(variant)))

st.subheader("Streaming: carry the state across chunks")
st.markdown(
    f"Feed the {fix.name} model a sequence in pieces. With its (h, c) state carried from chunk to chunk it "
    "keeps counting; restarted from zero it forgets what it saw. Largest difference between chunked and "
    f"whole-sequence counts on random cuts: **{metrics['stream/max_abs_diff']:.2g}**."
)
with st.form("counting-stream"):
    st.text_input(
        f"Chunks of bits, separated by spaces (at most {counting.MAX_STREAM_BITS} bits in "
        f"{counting.MAX_STREAM_CHUNKS} chunks)",
        value="111 101",
        max_chars=counting.STREAM_INPUT_CHARS,
        key=STREAM_TEXT,
    )
    st.form_submit_button("Feed the chunks", on_click=feed, args=(result.config,))
fed = st.session_state.get(STREAM_FED)
if fed is not None and fed["config"] != result.config:
    fed = None  # fed to another run: this run starts from the seed's example
if fed is not None and not fed["problem"] and "carried" not in fed:
    from seqcore.ui.progress import model_or_none

    model = model_or_none(result, fix.key)
    if model is None:
        fed = None
    else:
        from seqcore.scenarios.counting.model import count_stream  # TensorFlow only when asked for

        fed.update(
            carried=count_stream(model, fed["chunks"]), restarted=count_stream(model, fed["chunks"], carry_state=False)
        )
if fed is not None and fed["problem"]:
    st.warning(fed["problem"], icon="⚠️")
    st.caption("No counts to show: correct the chunks above and feed them again.")  # no stale chart under it
else:
    seed = artifacts.seed_stream
    chunks, carried, restarted = (
        (fed["chunks"], fed["carried"], fed["restarted"])
        if fed is not None
        else (seed.chunks, seed.carried, seed.restarted)
    )
    ui.chart(plots.stream_counts(chunks, carried, restarted, model=fix))

st.subheader("Training curves")
ui.chart(training_curves(result.history, scenario.variants, keys=("loss",), title="Training loss (MSE of the count)"))

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
model.fit(bits, np.cumsum(bits, axis=1), ...)        # target: the running count, not the total""",
)

ui.sweep_panel(scenario, config)
ui.downloads(scenario, result)
