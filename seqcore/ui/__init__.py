"""The only Streamlit-aware code: config form ⇄ URL, training progress, charts, downloads, page furniture.

A page is ``scenario_page`` (explanation, sidebar form ⇄ URL, the run) → drawing (``chart``, ``sample_picker``,
``replay_chart``) → ``sweep_panel`` → ``downloads``; see pages/counting.py.
"""

from seqcore.ui.charts import chart, replay_chart, sample_picker
from seqcore.ui.downloads import downloads
from seqcore.ui.page import header, metrics_table, scenario_page, why_and_fix
from seqcore.ui.sweep import sweep_panel

__all__ = [
    "scenario_page",
    "header",
    "metrics_table",
    "why_and_fix",
    "downloads",
    "chart",
    "sample_picker",
    "replay_chart",
    "sweep_panel",
]
