"""The only Streamlit-aware code: config form ⇄ URL, training progress, downloads, page furniture.

A page is ``scenario_page`` (explanation, sidebar form ⇄ URL, the run) → drawing → ``downloads``; see
pages/counting.py.
"""

from seqcore.ui.downloads import downloads
from seqcore.ui.form import sidebar_config
from seqcore.ui.page import header, metrics_table, scenario_page, why_and_fix
from seqcore.ui.progress import trained_result

__all__ = ["scenario_page", "header", "sidebar_config", "trained_result", "metrics_table", "why_and_fix", "downloads"]
