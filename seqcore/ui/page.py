"""Page furniture every scenario page shares, so a visitor learns the layout once."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st


def header(scenario: Any, *, what_goes_wrong: str, symptom: str) -> None:
    """Title, the pitfall in plain words, and the seed's symptom in numbers."""
    st.title(scenario.title)
    st.markdown(what_goes_wrong)
    st.info(symptom, icon="🔎")


def scenario_page(scenario: Any, *, what_goes_wrong: str, symptom: str) -> tuple[Any, Any]:
    """The top of every scenario page: header, the sidebar form (synced with the URL), then the run — from the
    cache, or trained on submit with live progress. Returns ``(config, result)``; when there is nothing to
    draw yet (not trained, cancelled, failed) it has said why on the page and stops the script."""
    from seqcore.ui.form import sidebar_config
    from seqcore.ui.progress import trained_result
    header(scenario, what_goes_wrong=what_goes_wrong, symptom=symptom)
    config, submitted = sidebar_config(scenario)
    result = trained_result(scenario, config, submitted)
    if result is None:
        st.stop()
    return config, result


def metrics_table(rows: dict[str, dict[str, float]], *, caption: str = "", number_format: str = "{:.4g}") -> None:
    """``rows`` maps a row name (a variant) to its named numbers; shown as a compact table."""
    def shown(value: Any) -> str:  # formatted here: st.dataframe ignores a Styler's na_rep
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return "—" if math.isnan(value) else number_format.format(value)
        return "—" if value is None else str(value)

    frame = pd.DataFrame(rows).T.map(shown)
    st.dataframe(frame, width="stretch")
    if caption:
        st.caption(caption)


def why_and_fix(why: str, code: str) -> None:
    """The explanation and the fix as a short code snippet."""
    st.subheader("Why, and the fix")
    st.markdown(why)
    st.code(code, language="python")
