"""The scenario registry: one entry per page, in the order the home page lists them.

Each scenario is a package whose ``__init__.py`` declares ``SCENARIO`` (see :mod:`seqcore.scenario`) without
importing TensorFlow; its ``model.py`` — the training code — is imported only when a run starts.
"""

from __future__ import annotations

from seqcore.scenario import Scenario
from seqcore.scenarios import binary_labels, counting, event_timing, sine_frequency, teacher_forcing

SCENARIOS: dict[str, Scenario] = {
    package.SCENARIO.name: package.SCENARIO
    for package in (event_timing, teacher_forcing, binary_labels, counting, sine_frequency)  # the pages' order
}


def get_scenario(name: str) -> Scenario:
    if not isinstance(name, str) or name not in SCENARIOS:
        raise ValueError(f"name: must be one of {', '.join(SCENARIOS)}; received {name!r}")
    return SCENARIOS[name]
