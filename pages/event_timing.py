"""Event timing page: explain → controls → one seqcore call → draw."""

import streamlit as st

from seqcore import get_scenario, ui
from seqcore.scenarios.event_timing import FIX, PITFALL, plots

scenario = get_scenario("event_timing")
config, result = ui.scenario_page(
    scenario,
    what_goes_wrong=(
        "Monthly earthquake magnitudes: two 5s are followed three to five months later by an 8, and three months "
        "after that by a 4 — but nothing in the history says which delay it will be this time. A bidirectional "
        "LSTM trained with **MSE** compares month *t* with month *t* only, so a sharp 8 one month off is "
        "punished twice (a miss and a false alarm) while a flat 2.7 on every possible month is punished a "
        "little: it learns the per-month average, a low blur. **Soft-DTW** compares the two series under the "
        "best alignment in time, so a sharp 8 a month off costs almost nothing. **DILATE** adds a temporal term "
        "that charges that alignment for how far it has to warp, keeping the peak sharp *and* in time."
    ),
    symptom=(
        "In the original report: trained with mean squared error on windows where two 5s precede an 8 and a 4, "
        "the network did exactly what the loss asked and predicted each month's mean — a useless forecast for "
        "anyone who needs to know how big the next quake will be and roughly when. Sorting and argsort-based "
        "losses were tried and failed: argsort has no gradient."
    ),
)
artifacts, metrics = result.artifacts, result.metrics
pitfall, fix = scenario.variant(PITFALL), scenario.variant(FIX)
events = artifacts.peaks is not None
unit, time_unit = artifacts.value_unit, artifacts.time_unit

# The headline on the first screen: how far each network's highest month is from the true 8 (event data), or
# the paper's two scores (its synthetic set).
columns = st.columns(3)
if events:
    columns[0].metric(
        f"Trained with {pitfall.name}: peak height off by",
        f"{metrics[f'{PITFALL}/peak_height_error']:.1f} {unit}s",
        help="Mean gap between the true peak and the forecast's highest month, held-out event "
        "windows: MSE's forecast is a low blur.",
    )
    columns[1].metric(
        f"Trained with {fix.name}: peak height off by",
        f"{metrics[f'{FIX}/peak_height_error']:.2f} {unit}s",
        help="The same, for the network trained with DILATE: a sharp peak.",
    )
    columns[2].metric(
        f"{fix.name}: peaks within 1 {time_unit} and 1 {unit}",
        f"{metrics[f'{FIX}/peak_hit_rate']:.0%}",
        delta=f"{pitfall.name}: {metrics[f'{PITFALL}/peak_hit_rate']:.0%}",
        delta_color="off",
        delta_arrow="off",
        help="Share of held-out event windows whose forecast peak is that close to the true 8.",
    )
else:
    for column, name, meaning in ((columns[0], "tdi", "timing error"), (columns[1], "dtw", "shape error")):
        ratio = metrics[f"{FIX}/{name}"] / max(metrics[f"{PITFALL}/{name}"], 1e-12)
        column.metric(
            f"{name.upper()} ({meaning}), trained with {fix.name}",
            f"{metrics[f'{FIX}/{name}']:.3g}",
            delta=f"{ratio - 1:+.0%} against {pitfall.name}",
            delta_color="inverse",
        )
for note in result.notes:
    st.caption(note)

st.subheader("History, future and three forecasts")
shown = artifacts.windows
count = len(shown.labels)
index = ui.sample_picker(scenario, count, label="Window", default=artifacts.default_sample)
ui.replay_chart(scenario, result, sample=index)
kind = "an event" if shown.has_event[index] else "no event"
st.caption(
    f"Window {index + 1} of the {count} shown (held-out window no. {shown.index[index] + 1}; it holds "
    f"{kind}). Left of the dotted line: the {time_unit}s the network reads. Right: what happened (black) "
    "and what each loss taught the same network to forecast. The page opens on the first shown window "
    "with an event."
)

st.subheader("Scores on the held-out windows")
ui.metrics_table(
    plots.score_rows(artifacts.table, scenario.variants),
    number_format="{:.3g}",
    caption=(
        f"Rows: the loss each network was trained with. Columns: what was measured on {artifacts.held_out_windows} "
        f"held-out windows. MSE: mean squared error {time_unit} by {time_unit} ({unit}²). DTW: the shape error after "
        f"the best alignment in time (square root of the summed squared differences, {unit}s). TDI: how far that "
        "alignment bends away from 'no shift' (Σ (i − j)² / horizon², no unit). Lower is better for all three."
    ),
)
if events:
    ui.metrics_table(
        plots.peak_rows(artifacts.table, scenario.variants),
        number_format="{:.2f}",
        caption=(
            f"On the held-out windows with an event. Month off: {time_unit}s between the true and the forecast "
            f"peak. Height off: {unit}s between them. Hits: forecast peak within 1 {time_unit} and 1 {unit} of the "
            "true one."
        ),
    )
if artifacts.paper is not None:
    st.markdown(
        f"**Beside the paper** — {artifacts.paper.source}. Each loss's DTW and TDI divided by the "
        "MSE-trained model's, ours and the paper's (below 1: better than MSE; ratios compare across "
        "scales). The paper's network is a GRU encoder–decoder trained for hundreds of epochs; ours is "
        "this page's small BiLSTM, on data with the noise the paper states (Gaussian, variance 0.01). The "
        "paper's soft-DTW row is not shown (—)."
    )
    ui.metrics_table(plots.paper_rows(artifacts.table, artifacts.paper, scenario.variants), number_format="{:.2f}")

if events:
    ui.chart(plots.peaks(artifacts, scenario.variants))
    st.caption(
        f"Every held-out event window: where ({time_unit}) and how high each network puts its highest "
        "forecast. MSE's cloud sits low; the time-tolerant losses sit near 8."
    )

st.subheader("The soft alignment: what DILATE's temporal term penalises")
variant = st.radio(
    "Forecast of the network trained with",
    [v.key for v in scenario.variants],
    index=len(scenario.variants) - 1,
    horizontal=True,
    format_func=scenario.variant_name,
    key="event-timing-alignment-variant",
)
ui.chart(plots.alignment(artifacts, index, scenario.variant(variant)))
st.caption(
    f"Window {index + 1}, as above. Each cell: how strongly a true {time_unit} is matched with a forecast "
    f"{time_unit}, averaged over all alignments weighted by exp(−cost/γ). DILATE's temporal term adds up "
    "these weights times the squared distance from the dotted diagonal, so mass far from it — a forecast "
    "early or late — costs more. γ (sidebar) sets how spread the weights are."
)

st.subheader("Training curves")
ui.chart(plots.training_losses(result.history, scenario.variants))
st.caption(
    "Each network is trained on its own loss, so each gets its own panel: the numbers are not "
    "comparable across panels. MSE is in the network's units (magnitude / 10, squared). Soft-DTW is a "
    "smoothed minimum over alignments, which goes below zero when many alignments are cheap — lower is "
    "still better. DILATE mixes soft-DTW (shape) and the temporal term with weight α."
)
ui.chart(plots.dilate_parts(result.history, scenario.variants))
st.caption(
    "DILATE = α · shape + (1 − α) · temporal. Both parts are measured after every epoch on the same "
    "200 training windows for every network, whatever it was trained with, so the three can be compared "
    "on each part."
)

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
model.fit(history / 10, future / 10, ...)   # γ is relative to the values the network sees""",
)

ui.sweep_panel(scenario, config)
ui.downloads(scenario, result)
