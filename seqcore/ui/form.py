"""The sidebar form generated from a scenario's ``Config``, kept in sync with the URL.

The URL is the source of truth: opening a link parses its query parameters (clamping bad values with a
visible warning) and fills the form; submitting the form writes the new configuration back to the URL, so a
copied link reproduces the run. Nothing trains on opening a link — only on submit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from seqcore.config import ParamSpec
from seqcore.ui.safe_text import literal

SLIDER_MAX_SPAN = 1000  # wider integer ranges get a number box instead of a slider


def _widget(spec: ParamSpec, value: Any, key: str) -> Any:
    common = dict(label=spec.label, help=spec.help, key=key)
    if spec.kind == "choice":
        return st.selectbox(options=list(spec.choices), index=list(spec.choices).index(value), **common)
    if spec.kind == "bool":
        return st.checkbox(value=bool(value), **common)
    if spec.kind == "int":
        step = int(spec.step or 1)
        if spec.high - spec.low <= SLIDER_MAX_SPAN:
            return st.slider(min_value=int(spec.low), max_value=int(spec.high), value=int(value), step=step,
                             **common)
        return st.number_input(min_value=int(spec.low), max_value=int(spec.high), value=int(value), step=step,
                               **common)
    return st.number_input(min_value=float(spec.low), max_value=float(spec.high), value=float(value),
                           step=float(spec.step or (spec.high - spec.low) / 100), format="%g", **common)


def show_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        st.warning(literal(warning), icon="⚠️")


def sidebar_config(scenario: Any) -> tuple[Any, bool]:
    """Returns ``(config, submitted)``. Warnings about the link's values are shown on the page."""
    config, warnings = scenario.Config.from_params(st.query_params.to_dict())
    show_warnings(warnings)
    if warnings:  # show the cleaned values in the address bar, so a copied link is a valid one
        st.query_params.from_dict(config.to_params())
    # Keys carry the config hash: a new link (or a submit) rebuilds the widgets with its values.
    suffix = f"{scenario.name}-{config.config_hash()}"
    with st.sidebar.form(f"form-{scenario.name}"):
        st.markdown(f"**{scenario.title}: parameters**")
        values = {spec.name: _widget(spec, getattr(config, spec.name), f"{spec.name}-{suffix}")
                  for spec in scenario.Config.specs()}
        submitted = st.form_submit_button("Train", type="primary", width="stretch")
    if submitted:
        config, warnings = scenario.Config.from_params({k: str(v) for k, v in values.items()})
        show_warnings(warnings)
        st.query_params.from_dict(config.to_params())
    copy_link(config)
    return config, submitted


def copy_link(config: Any) -> None:
    """The page's address with this exact configuration, in a box with a copy button."""
    base = (st.context.url or "").split("?")[0]
    st.sidebar.caption("Link to this exact run (the same link gives the same numbers):")
    st.sidebar.code(f"{base}?{urlencode(config.to_params())}", language=None, wrap_lines=True)
