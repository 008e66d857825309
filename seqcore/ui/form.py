"""The sidebar's parameters and the page's one source of truth: its configuration, mirrored in the URL.

State model (one per visitor and page):

* ``session_state[config_key]`` holds the page's configuration — what the page shows and what a copied link
  reproduces. The address bar always holds all of it, from the first load.
* Widgets have stable keys (``<page>.<field>``) and are filled from the configuration; they are not in an
  ``st.form`` (a form hides edits from the server, and the sidebar must say "settings changed — press Train").
* Train's callback runs before the script: it parses and clamps what the widgets hold, writes the clamped values
  back into the widgets (so a work cap shows in its widget), makes that the configuration and asks for a run.
* A URL that changed from outside (a new link, back/forward) wins over the session; an empty URL (back through
  the sidebar) restores the visitor's last configuration on that page.

Streamlit's own ``bind="query-params"`` is not used: it drops parameters at their default (the address bar must
hold the whole configuration), silently drops invalid values (a link's bad values must be clamped with a
visible warning) and, inside a form, writes edits to the URL before Train.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from seqcore.config import ParamSpec
from seqcore.ui.safe_text import literal

SLIDER_MAX_SPAN = 1000  # wider integer ranges get a number box instead of a slider


def config_key(scenario: Any) -> str:
    return f"{scenario.name}.config"


def _url_seen_key(scenario: Any) -> str:
    return f"{scenario.name}.url-seen"


def _train_key(scenario: Any) -> str:
    return f"{scenario.name}.train-requested"


def _notices_key(scenario: Any) -> str:
    return f"{scenario.name}.train-notices"


def widget_key(scenario: Any, spec: ParamSpec) -> str:
    return f"{scenario.name}.{spec.name}"


def _widget_value(spec: ParamSpec, value: Any) -> Any:
    """A config value in the type its widget holds."""
    if spec.kind == "float":
        return float(value)
    if spec.kind == "int":
        return int(value)
    return value


def set_widgets(scenario: Any, config: Any, *, only_missing: bool = False) -> None:
    for spec in scenario.Config.specs():
        key = widget_key(scenario, spec)
        if not only_missing or key not in st.session_state:
            st.session_state[key] = _widget_value(spec, getattr(config, spec.name))


def _widget_params(scenario: Any) -> dict[str, str]:
    """What the widgets hold now, as the strings a URL would carry."""
    params = {}
    for spec in scenario.Config.specs():
        value = st.session_state.get(widget_key(scenario, spec))
        params[spec.name] = ("true" if value else "false") if spec.kind == "bool" else str(value)
    return params


# Words of choice identifiers that are names: written as their field writes them.
NAMES = {"rnn": "RNN", "lstm": "LSTM", "bilstm": "BiLSTM", "gru": "GRU", "dilate": "DILATE", "seq2seq": "Seq2seq"}


def choice_label(choice: str) -> str:
    """A choice as a person reads it ("inverse_sigmoid" → "Inverse sigmoid", "seq2seq_gru" → "Seq2seq GRU"); the
    URL keeps the identifier."""
    text = " ".join(NAMES.get(word, word) for word in str(choice).split("_"))
    return text[:1].upper() + text[1:]


def _widget(spec: ParamSpec, key: str) -> Any:
    """One parameter's widget; its value comes from session state (filled from the configuration)."""
    common = dict(label=spec.label, help=spec.help, key=key)
    if spec.kind == "choice":
        return st.selectbox(options=list(spec.choices), format_func=choice_label, **common)
    if spec.kind == "bool":
        return st.checkbox(**common)
    if spec.kind == "int":
        step = int(spec.step or 1)
        if spec.high - spec.low <= SLIDER_MAX_SPAN:
            return st.slider(min_value=int(spec.low), max_value=int(spec.high), step=step, **common)
        return st.number_input(min_value=int(spec.low), max_value=int(spec.high), step=step, **common)
    return st.number_input(
        min_value=float(spec.low),
        max_value=float(spec.high),
        step=float(spec.step or (spec.high - spec.low) / 100),
        format="%g",
        **common,
    )


def show_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        st.warning(literal(warning), icon=":material/warning:")


def _on_train(scenario: Any) -> None:
    """Train's callback (runs before the script): the widgets' values, clamped, become the configuration."""
    config, warnings = scenario.Config.from_params(_widget_params(scenario))
    set_widgets(scenario, config)  # a value a work cap changed shows changed in its widget
    st.session_state[config_key(scenario)] = config
    st.session_state[_notices_key(scenario)] = warnings
    st.session_state[_train_key(scenario)] = True


def _on_preset(scenario: Any, name: str) -> None:
    """A set-up button's callback (runs before the script): the link now holds that set-up, so the page opens
    it as it opens any link — from the cache or the bundle at once, else waiting for Train."""
    st.query_params.from_dict({**scenario.preset(name).to_params(), **_lab_params()})


def preset_buttons(scenario: Any) -> None:
    """One button per set-up the page offers beside its default (``Scenario.presets``), and one back."""
    if not scenario.presets:
        return
    st.caption("Start from a set-up:")
    for name in ("default", *scenario.presets):
        about = "The page's defaults." if name == "default" else (scenario.presets[name].__doc__ or "").strip()
        st.button(
            f"{choice_label(name)} set-up",
            key=f"{scenario.name}.preset.{name}",
            help=about.splitlines()[0] if about else None,
            on_click=_on_preset,
            args=(scenario, name),
            width="stretch",
        )


LAB_PARAMS = ("sweep", "values")  # the sweep panel's own query parameters
BASELINE_PREFIX = "vs."  # the baseline's parameters: vs.<field>=<value>


def is_lab_param(name: str) -> bool:
    """Query parameters that describe the lab around the run (baseline, sweep), not the configuration."""
    return name in LAB_PARAMS or name.startswith(BASELINE_PREFIX)


def _page_params(scenario: Any) -> dict[str, str]:
    return {name: value for name, value in st.query_params.to_dict().items() if not is_lab_param(name)}


def _lab_params() -> dict[str, str]:
    return {name: value for name, value in st.query_params.to_dict().items() if is_lab_param(name)}


def current_config(scenario: Any) -> Any:
    """The page's configuration for this run of the script, with the URL brought in line with it."""
    url = _page_params(scenario)
    seen = st.session_state.get(_url_seen_key(scenario))
    stored = st.session_state.get(config_key(scenario))
    if url != seen:  # opened, or changed from outside: a link, back/forward, or back through the sidebar
        if url:
            config, warnings = scenario.Config.from_params(url)
            show_warnings(warnings)
        else:
            config = stored if stored is not None else scenario.Config()
        set_widgets(scenario, config)
    else:
        config = stored if stored is not None else scenario.Config()
        set_widgets(scenario, config, only_missing=True)  # widgets forget their state on another page
    st.session_state[config_key(scenario)] = config
    wanted = config.to_params()
    if url != wanted:  # the address bar holds the whole configuration, cleaned, from the first load
        st.query_params.from_dict({**wanted, **_lab_params()})
    st.session_state[_url_seen_key(scenario)] = wanted
    return config


def sidebar_config(scenario: Any) -> tuple[Any, bool]:
    """The sidebar: parameters, Train, whether the settings shown are trained, and a link to them.

    Returns ``(config, train_pressed)``; Train always means "train exactly what the widgets hold now".
    """
    config = current_config(scenario)
    pressed = bool(st.session_state.pop(_train_key(scenario), False))
    show_warnings(st.session_state.pop(_notices_key(scenario), []))
    with st.sidebar:
        preset_buttons(scenario)
        st.markdown(f"**{scenario.title}: parameters**")
        for spec in scenario.Config.specs():
            _widget(spec, widget_key(scenario, spec))
        st.button(
            "Train", type="primary", width="stretch", key=f"{scenario.name}.train", on_click=_on_train, args=(scenario,)
        )
        edited = _widget_params(scenario) != config.to_params()
        if edited:
            st.caption(
                ":material/edit: **Settings changed — press Train** to train them. The page still shows the settings "
                "in the link below."
            )
    copy_link(config)
    return config, pressed


def copy_link(config: Any) -> None:
    """The page's address with this exact configuration, in a box with a copy button."""
    base = (st.context.url or "").split("?")[0]
    st.sidebar.caption("Link to this exact run (the same link gives the same numbers):")
    st.sidebar.code(f"{base}?{urlencode(config.to_params())}", language=None, wrap_lines=True)
