"""Sequence Lab: page config and navigation, nothing else."""

import streamlit as st

from seqcore import SCENARIOS

st.set_page_config(page_title="Sequence Lab", page_icon="📈", layout="wide")
pages = [st.Page("pages/home.py", title="Home", icon="🏠", default=True)]
pages += [st.Page(f"pages/{name}.py", title=scenario.title, url_path=name) for name, scenario in SCENARIOS.items()]
st.navigation(pages).run()
