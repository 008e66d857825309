"""The only Streamlit-aware code: config form ⇄ URL, training progress, downloads, page furniture.

A page is explanation → ``sidebar_config`` → ``trained_result`` → drawing → ``downloads``; see pages/counting.py.
"""

from seqcore.ui.downloads import downloads
from seqcore.ui.form import sidebar_config
from seqcore.ui.page import header, metrics_table, why_and_fix
from seqcore.ui.progress import trained_result

__all__ = ["header", "sidebar_config", "trained_result", "metrics_table", "why_and_fix", "downloads"]
