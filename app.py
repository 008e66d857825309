"""Sequence Lab: page config and navigation, nothing else."""

import streamlit as st

from seqcore import SCENARIOS

# A training worker is a spawned process, and spawning re-imports the main script as "__mp_main__": it must not
# build the app there (that ran every page's set-up in the worker and filled the terminal with warnings).
if __name__ != "__mp_main__":
    st.set_page_config(page_title="Sequence Lab", page_icon="📈", layout="wide")
    pages = [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)]
    pages += [st.Page(f"pages/{name}.py", title=scenario.title, url_path=name) for name, scenario in SCENARIOS.items()]
    st.navigation(pages).run()
