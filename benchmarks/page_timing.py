"""How long a page's script takes at its default configuration (pretrained, so nothing trains).

    python -m benchmarks.page_timing NAME      # prints one JSON object {"page", "seconds"}

Streamlit's AppTest opens the page the way a visitor's first request would; the first opening pays the imports
and is not counted, the best of the next ones is printed: an upper bound on the time to the page's first chart.
``python -m seqcore bench`` runs this in a child process, so the library itself never imports Streamlit (nor
this folder, which an installed seqcore does not have). Prints seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def page_seconds(name: str, openings: int = 3) -> float:
    """Best script time of ``pages/<name>.py`` over ``openings`` − 1 timed openings; NaN if the page raised."""
    from streamlit.testing.v1 import AppTest

    timings = []
    for _ in range(max(openings, 2)):
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.switch_page(f"pages/{name}.py")
        started = time.perf_counter()
        app.run()
        if app.exception:  # a broken page has no honest time
            return math.nan
        timings.append(time.perf_counter() - started)
    return min(timings[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_timing", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a page under pages/, e.g. counting")
    parser.add_argument("--openings", type=int, default=3, help="openings of the page; the first is not timed")
    args = parser.parse_args(argv)
    if not (APP.parent / "pages" / f"{args.name}.py").is_file():
        print(f"name: must be a page under pages/; received {args.name!r}", file=sys.stderr)
        return 2
    seconds = page_seconds(args.name, args.openings)
    print(json.dumps({"page": args.name, "seconds": None if math.isnan(seconds) else round(seconds, 4)}))
    return 0 if math.isfinite(seconds) else 1


if __name__ == "__main__":
    sys.exit(main())
