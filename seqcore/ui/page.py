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
    st.info(symptom, icon=":material/search:")


def scenario_page(scenario: Any, *, what_goes_wrong: str, symptom: str) -> tuple[Any, Any]:
    """The top of every scenario page: header, the sidebar (configuration ⇄ URL, Train), then the run — from the
    cache, trained on Train with a live panel, or a stand-in under a banner that says why.

    Returns ``(config, result)``: ``result`` is what the page draws (the configuration's own run, else the last
    finished run on this page, else the default). Stops the script only if there is nothing at all to draw.
    """
    from seqcore.ui import compare
    from seqcore.ui.form import sidebar_config
    from seqcore.ui.progress import run_for
    from seqcore.ui.shell import ensure_app_shell

    ensure_app_shell()
    header(scenario, what_goes_wrong=what_goes_wrong, symptom=symptom)
    config, train_pressed = sidebar_config(scenario)
    baseline = compare.baseline_config(scenario, config)
    result, own = run_for(scenario, config, train_pressed)
    if own:
        compare.remember_run(scenario, config)
    compare.runs_panel(scenario, config, baseline)
    if result is None:
        st.stop()
    if own and baseline is not None and baseline != config:
        st.subheader("Compared with your baseline")
        st.caption("Baseline settings differ in: " + "; ".join(compare.differences(scenario, baseline, config)))
        baseline_run = compare.baseline_result(scenario, baseline)
        if baseline_run is None:
            st.info(
                "The baseline's settings are not trained yet: open them from **Your runs on this page** (or "
                "its link) and press Train.",
                icon=":material/info:",
            )
        else:
            compare.comparison_table(scenario, baseline_run, result)
    return config, result


def metrics_table(rows: dict[str, dict[str, float]], *, caption: str = "", number_format: str = "{:.4g}") -> None:
    """``rows`` maps a row name (a variant) to its named numbers; shown as a compact table."""

    def shown(value: Any) -> str:  # formatted here: st.dataframe ignores a Styler's na_rep
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return "—" if math.isnan(value) else number_format.format(value)
        return "—" if value is None else str(value)

    frame = pd.DataFrame(rows).T.map(shown)
    st.dataframe(frame, width="stretch", height="content")  # every row in view: a metrics table is short
    if caption:
        st.caption(caption)


def why_and_fix(why: str, code: str) -> None:
    """The explanation and the fix as a short code snippet."""
    st.subheader("Why, and the fix")
    st.markdown(why)
    st.code(code, language="python")
