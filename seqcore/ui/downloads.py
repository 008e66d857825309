"""Download buttons: predictions as CSV (rows from the scenario), each model as ``.keras``, the configuration."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import streamlit as st

from seqcore.result import Result
from seqcore.store import StoreError
from seqcore.ui.safe_text import literal

CSV_DIGITS = 4  # what the data means: no float32 noise such as 0.26669999957084656


def predictions_csv(scenario: Any, result: Result) -> str:
    header, rows = scenario.predictions_table(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([round(value, CSV_DIGITS) if isinstance(value, float) else value for value in row])
    return buffer.getvalue()


def downloads(scenario: Any, result: Result) -> None:
    st.subheader("Downloads")
    columns = st.columns(3)
    columns[0].download_button(
        "Predictions (CSV)",
        data=predictions_csv(scenario, result),
        mime="text/csv",
        file_name=f"{scenario.name}-predictions.csv",
        key=f"csv-{scenario.name}",
    )
    columns[1].download_button(
        "Configuration (JSON)",
        data=json.dumps(result.config, indent=2),
        mime="application/json",
        file_name=f"{scenario.name}-config.json",
        key=f"json-{scenario.name}",
    )
    models = result.models
    if not hasattr(models, "verified_bytes") or not len(models):
        return
    with columns[2]:
        variant = st.selectbox(
            "Model",
            list(models),
            key=f"model-pick-{scenario.name}",
            format_func=scenario.variant_name,
            label_visibility="collapsed",
        )
        try:
            models.check(variant)  # hashes the file again only when it changed on disk since the last check
        except StoreError as damaged:  # refused: the entry is removed, the visitor is told in a plain sentence
            _forget_stored_results()
            st.error(literal(str(damaged)), icon="🛑")
            return
        # A callable is read only when the button is pressed; it checks the checksum again before serving.
        st.download_button(
            f"Model: {scenario.variant_name(variant)} (.keras)",
            data=lambda: models.verified_bytes(variant),
            mime="application/octet-stream",
            file_name=f"{scenario.name}-{variant}.keras",
            key=f"keras-{scenario.name}",
        )


def _forget_stored_results() -> None:
    """Drop the finished runs held in memory, so the next rerun reads the store (and finds the entry gone)."""
    from seqcore.ui import progress

    cached = getattr(progress, "_stored_result", None)
    if cached is not None:
        cached.clear()
