"""Every name a visitor reads is human: trace names, table headers and rows, select boxes — on every page.

Variant names come from each scenario's Variant records (one name, colour and dash each); a snake_case
identifier (``mse_raw``, ``many_to_one``) anywhere a visitor reads is a bug.
"""

import re

import pytest

import seqcore
from tests.conftest import open_page, plotly_figures

IDENTIFIER = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # snake_case


def visible_names(app) -> list[str]:
    names = [trace.get("name") or "" for figure in plotly_figures(app) for trace in figure["data"]]
    for frame in app.dataframe:
        value = frame.value
        names += [str(c) for c in value.columns] + [str(i) for i in value.index]
    for box in list(app.selectbox) + list(app.radio):
        names += [str(option) for option in box.options]
    return names


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_every_name_on_the_page_is_human_and_every_variant_is_named(name):
    scenario = seqcore.get_scenario(name)
    app = open_page(name)
    assert not app.exception
    names = visible_names(app)
    identifiers = sorted({match for text in names for match in IDENTIFIER.findall(text)})
    assert identifiers == [], f"identifiers shown to visitors on {name}: {identifiers}"
    trace_names = [trace.get("name") or "" for figure in plotly_figures(app) for trace in figure["data"]]
    for variant in scenario.variants:
        assert any(variant.name in text for text in trace_names), f"{variant.name} is in no chart of {name}"


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_each_variant_keeps_one_colour_in_every_chart_of_its_page(name):
    scenario = seqcore.get_scenario(name)
    app = open_page(name)
    for variant in scenario.variants:
        colours = set()
        for figure in plotly_figures(app):
            for trace in figure["data"]:
                if (trace.get("name") or "").startswith(variant.name):
                    colour = (trace.get("line") or {}).get("color") or (trace.get("marker") or {}).get("color")
                    if isinstance(colour, str):
                        colours.add(colour.lower())
        assert colours <= {variant.colour.lower()}, f"{variant.name} is drawn in {colours} on {name}"


def test_variants_differ_by_more_than_colour():
    for scenario in seqcore.SCENARIOS.values():
        styles = [(v.dash, v.marker) for v in scenario.variants]
        assert len(set(styles)) == len(styles), f"{scenario.name}: two variants share a dash and marker"
        assert len({v.name for v in scenario.variants}) == len(scenario.variants)


def test_every_choice_in_a_select_box_reads_as_a_name_with_its_acronyms_written_as_its_field_writes_them():
    from seqcore.ui.form import choice_label

    choices = {
        choice
        for name in seqcore.SCENARIOS
        for spec in seqcore.get_scenario(name).Config.specs()
        for choice in (spec.choices or ())
    }
    labels = {choice: choice_label(choice) for choice in choices}
    assert labels["seq2seq_gru"] == "Seq2seq GRU" and labels["dilate_synthetic"] == "DILATE synthetic"
    assert labels["simple_rnn"] == "Simple RNN" and labels["lstm"] == "LSTM" and labels["bilstm"] == "BiLSTM"
    helps = [spec.help for name in seqcore.SCENARIOS for spec in seqcore.get_scenario(name).Config.specs()]
    assert not [text for text in helps if IDENTIFIER.search(text or "")]  # the tooltips name choices by label too
    for label in labels.values():  # no identifier, and no acronym in lower case
        acronyms = re.findall(r"\b(rnn|lstm|gru|dilate)\b", label, re.IGNORECASE)
        assert "_" not in label and all(word.isupper() for word in acronyms), label
