"""Text that a visitor controls (a URL value echoed in a warning) is shown literally, never as markdown."""

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def literal(text: str) -> str:
    """Escape markdown so a hostile string renders as the characters it is."""
    return _MARKDOWN.sub(r"\\\1", str(text))
