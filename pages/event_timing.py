"""Event timing page: explain → controls → one seqcore call → draw."""

import csv
import io

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.plots import training_curves
from seqcore.scenarios.event_timing import plots

scenario = get_scenario("event_timing")
_, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "Monthly earthquake magnitudes: two 5s are followed three to five months later by an 8, and three months "
        "after that by a 4 — but nothing in the history says which delay it will be this time. A bidirectional "
        "LSTM trained with **MSE** compares month *t* with month *t* only, so a sharp 8 one month off is "
        "punished twice (a miss and a false alarm) while a flat 2.7 on every possible month is punished a "
        "little: it learns the per-month average, a low blur. **Soft-DTW** compares the two series under the "
        "best alignment in time, so a sharp 8 a month off costs almost nothing. **DILATE** adds a temporal term "
        "that charges that alignment for how far it has to warp, keeping the peak sharp *and* in time."),
    symptom=(
        "In the original report: trained with mean squared error on windows where two 5s precede an 8 and a 4, "
        "the network did exactly what the loss asked and predicted each month's mean — a useless forecast for "
        "anyone who needs to know how big the next quake will be and roughly when. Sorting and argsort-based "
        "losses were tried and failed: argsort has no gradient."),
)
artifacts = result.artifacts
metrics = result.metrics
variants = list(artifacts["table"])
events = artifacts["dataset"] in ("seed", "events")
for note in result.notes:
    st.caption(note)

st.subheader("History, future and three forecasts")
count = len(artifacts["windows"]["labels"])
index = st.slider("Held-out window", 1, count, 1, key="event-timing-window") - 1
st.plotly_chart(plots.window(artifacts, index), width="stretch")
st.caption("Left of the dotted line: the months the network reads. Right: what happened (black) and what each "
           "loss taught the same network to predict (dashed).")

st.subheader("Scores on the held-out windows")
rows = plots.metric_rows(artifacts)
ours = {row["trained with"]: {k: v for k, v in row.items() if k != "trained with" and "÷" not in k}
        for row in rows}
caption = (f"{artifacts['held_out_windows']} held-out windows. DTW: the shape error after the best alignment "
           "(square root of the summed squared differences); TDI: how far that alignment bends away from 'no "
           "shift' (Σ (i − j)² / horizon²).")
if events:
    caption += (f" Peaks: MSE's highest month is off by {metrics['mse/peak_height_error']:.1f} magnitudes on "
                f"average; DILATE's by {metrics['dilate/peak_height_error']:.1f}, soft-DTW's by "
                f"{metrics['soft_dtw/peak_height_error']:.1f}.")
ui.metrics_table(ours, caption=caption, number_format="{:.3g}")
if artifacts.get("paper"):
    st.markdown(f"**Beside the paper** — {artifacts['paper']['source']}. Each loss's DTW and TDI divided by "
                "the MSE-trained model's, ours and the paper's (a ratio below 1 means better than MSE; ratios "
                "compare across scales). The paper's network is a GRU encoder–decoder trained for hundreds of "
                "epochs; ours is this page's small BiLSTM, on data with the noise the paper states (Gaussian, "
                "variance 0.01). The paper's soft-DTW row is not shown here.")
    side = {row["trained with"]: {k: v for k, v in row.items() if "÷" in k} for row in rows}
    ui.metrics_table(side, number_format="{:.2f}")

if events and artifacts.get("peaks"):
    st.plotly_chart(plots.peaks(artifacts), width="stretch")
    st.caption("Every held-out event window: where (month) and how high each network puts its highest "
               "prediction. MSE's cloud sits low; the time-tolerant losses sit near 8.")

st.subheader("The soft alignment: what DILATE's temporal term penalises")
variant = st.radio("Prediction of", variants, index=len(variants) - 1, horizontal=True,
                   format_func=plots.LABELS.get, key="event-timing-alignment-variant")
st.plotly_chart(plots.alignment(artifacts, index, variant), width="stretch")
st.caption("Each cell: how strongly a true month is matched with a predicted month, averaged over all "
           "alignments weighted by exp(−cost/γ). DILATE's temporal term adds up these weights times the squared "
           "distance from the dotted diagonal, so mass far from it — a forecast early or late — costs more. "
           "γ (sidebar) sets how spread the weights are.")

st.subheader("Training curves")
st.plotly_chart(training_curves(result.history, keys=["loss"], title="Training loss (each variant its own loss)",
                                log_y=False), width="stretch")
st.plotly_chart(plots.dilate_parts(result.history), width="stretch")
st.caption("DILATE = α · shape + (1 − α) · temporal. Both parts are measured after every epoch on the same "
           "training windows for every variant, so the three networks can be compared on each.")

ui.why_and_fix(
    "MSE scores each month on its own. When the timing of an event is uncertain, the forecast that minimises "
    "it spreads the event over every month it might fall in: the blur is the right answer to the question "
    "MSE asks. Dynamic time warping asks a different question — how close are the shapes once the months are "
    "allowed to shift — and soft-DTW replaces its hard minimum by a smooth one so it can be trained with "
    "gradients. Alone it forgives any shift; DILATE weighs the soft alignment by the squared shift, so the "
    "peak comes back to the likeliest month. Both are dynamic programs; here they run one anti-diagonal at a "
    "time over the whole batch, with their gradients written out (`seqcore.losses`).",
    """from seqcore.losses import Dilate, SoftDTW

model = keras.Sequential([
    keras.Input(shape=(7, 1)),
    keras.layers.Bidirectional(keras.layers.LSTM(32, return_sequences=True)),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss=Dilate(alpha=0.6, gamma=0.1))   # or SoftDTW(gamma=0.1)
model.fit(history / 10, future / 10, ...)   # γ is relative to the values the network sees""")

buffer = io.StringIO()
writer = csv.writer(buffer)
shown = artifacts["windows"]
writer.writerow(["window", "part", artifacts["time_unit"], "value", *[f"predicted_{v}" for v in variants]])
for w, window_index in enumerate(shown["index"]):
    for t, value in enumerate(shown["features"][w]):
        writer.writerow([window_index + 1, "history", t + 1, value, *[""] * len(variants)])
    for t, value in enumerate(shown["labels"][w]):
        writer.writerow([window_index + 1, "future", t + 1, value, *[shown["predicted"][v][w][t] for v in variants]])
ui.downloads(scenario, result, buffer.getvalue())
