"""A quiet terminal: TensorFlow's start-up notices (oneDNN, CUDA drivers) are written by C++ code straight to
file descriptor 2 before any Python setting applies, so the import is done with that descriptor pointed at
/dev/null. Errors still raise Python exceptions; only the notices are lost."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Silence file descriptor 2 (C++ logging included). Use only where no other thread needs to write to it."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow and Keras without their start-up notices (a no-op once they are imported)."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
