"""The home page's thumbnails: each page's main chart at its default settings, small."""

from __future__ import annotations

from typing import Any

from seqcore.store import entry_key
from seqcore.ui.progress import load_stored

THUMBNAIL_HEIGHT = 230


def thumbnail(scenario: Any) -> Any:
    """The page's main labels-vs-predictions chart from its shipped default run, or None if it is not there."""
    result, _ = load_stored(entry_key(scenario.name, scenario.Config(), scenario.version))
    replay = getattr(getattr(result, "artifacts", None), "replay", None) if result is not None else None
    if not replay:
        return None
    final = {variant: snapshots[-1] for variant, snapshots in replay.items() if snapshots}
    figure = scenario.live_chart(final, sample=getattr(result.artifacts, "default_sample", 0), title="")
    figure.update_layout(height=THUMBNAIL_HEIGHT, margin=dict(l=30, r=10, t=10, b=10), showlegend=False, title_text="")
    return figure
