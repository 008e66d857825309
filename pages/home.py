"""Home: what Sequence Lab is, and a link to every page."""

import streamlit as st

from seqcore import SCENARIOS

st.title("Sequence Lab")
st.markdown(
    "Classic ways LSTM and RNN time-series models fail, each on its own page. Every page trains the model "
    "that fails **and** the model that fixes it, on the same data with the same seed, and draws labels "
    "against predictions so you can see the difference rather than read about it. Default settings load "
    "instantly from a cache; change a parameter in the sidebar and press **Train** to watch a new run "
    "train live. The address bar always holds your parameters, so a copied link reproduces your run.")
st.subheader("The pages")
for name, scenario in SCENARIOS.items():
    st.page_link(f"pages/{name}.py", label=f"**{scenario.title}** — {scenario.summary}")
