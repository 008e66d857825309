"""Home: what Sequence Lab is, one card per page with a glimpse of its main chart, and where to start."""

import streamlit as st

from seqcore import SCENARIOS, ui
from seqcore.ui.home import thumbnail
from seqcore.ui.shell import ensure_app_shell

ensure_app_shell()
st.title("Sequence Lab")
st.markdown(
    "Classic ways LSTM and RNN time-series models fail, each on its own page. Every page trains the model "
    "that fails **and** the model that fixes it, on the same data with the same seed, and draws labels "
    "against predictions so you can see the difference rather than read about it. Default settings load "
    "instantly; change a parameter in the sidebar and press **Train** to watch the predictions move while a "
    "new run trains. The address bar always holds the page's settings, so a copied link reproduces your run."
)
st.page_link(
    "pages/teacher_forcing.py",
    label="**Start here: Teacher forcing** — why a forecaster that scores "
    "well in training falls apart when it feeds itself",
    icon=":material/arrow_forward:",
)
st.subheader("The pages")
columns = st.columns(2)
for index, (name, scenario) in enumerate(SCENARIOS.items()):
    with columns[index % 2].container(border=True):
        st.page_link(f"pages/{name}.py", label=f"**{scenario.title}**")
        st.caption(scenario.summary)
        figure = thumbnail(scenario)
        if figure is not None:
            ui.chart(figure, key=f"home-{name}")
