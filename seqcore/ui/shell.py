"""The app shell every entry point must get: our navigation, wide layout and title, whatever was opened first.

Streamlit decides at start-up that an app with a ``pages/`` folder is an old-style multipage app, and keeps
running page scripts directly (without ``app.py``, so with its automatic navigation, narrow layout and the file
name as title) until some request runs ``app.py``, whose ``st.navigation`` turns that off for the process. A
share link can be a fresh server's first request, so a page that finds itself run that way switches the mode off
and reruns: the rerun goes through ``app.py`` and lands on the same page (pages are matched by URL path).
"""

from __future__ import annotations

import streamlit as st


def ensure_app_shell() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old mode: nothing to do
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
