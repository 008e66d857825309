"""seqcore: the library behind Sequence Lab — scenarios, training, caching, figures.

    import seqcore
    sc = seqcore.get_scenario("counting")
    cfg, warnings = sc.Config.from_params({"epochs": "30"})
    result = sc.run(cfg)          # result.metrics, result.models, result.history

Importing seqcore does not import TensorFlow; a scenario's run does.
"""

from seqcore.result import Result
from seqcore.scenario import Scenario, Variant
from seqcore.scenarios import SCENARIOS, get_scenario
from seqcore.training import Cancelled, CancelToken

__all__ = ["SCENARIOS", "Scenario", "Variant", "Result", "get_scenario", "CancelToken", "Cancelled"]
