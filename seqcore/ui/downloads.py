"""Download buttons: predictions as CSV, each model as ``.keras``, the configuration as JSON."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from seqcore.result import Result


def downloads(scenario: Any, result: Result, predictions_csv: str) -> None:
    st.subheader("Downloads")
    columns = st.columns(3)
    columns[0].download_button("Predictions (CSV)", data=predictions_csv, mime="text/csv",
                               file_name=f"{scenario.name}-predictions.csv", key=f"csv-{scenario.name}")
    columns[1].download_button("Configuration (JSON)", data=json.dumps(result.config, indent=2),
                               mime="application/json", file_name=f"{scenario.name}-config.json",
                               key=f"json-{scenario.name}")
    paths = getattr(result.models, "path", None)
    if paths is None:
        return
    with columns[2]:
        variant = st.selectbox("Model", list(result.models), key=f"model-pick-{scenario.name}",
                               label_visibility="collapsed")
        path = paths(variant)
        if not path.is_file():
            st.caption("The model file is no longer in the cache; train again to download it.")
            return
        # A callable is read only when the button is pressed, not on every rerun of the page.
        st.download_button(f"Model {variant} (.keras)", data=path.read_bytes, mime="application/octet-stream",
                           file_name=f"{scenario.name}-{variant}.keras", key=f"keras-{scenario.name}")
