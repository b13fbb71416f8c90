"""Offline evaluation: the metrics and their names (:mod:`.metrics`), nearest neighbours (:mod:`.neighbours`),
drumgan's own drum classifier (:mod:`.classifier`), the pretrained network of the FAD (:mod:`.pretrained`), the rows
it all measures (:mod:`.evaluator`) and their tables (:mod:`.tables`), the per-class check of a conditional run
(:mod:`.per_class`); each name imported on first use."""

from ..lazy import exports

_NAMES = {
    **dict.fromkeys(("Evaluator", "evaluate"), ".evaluator"),
    **dict.fromkeys(("decay_rows", "relative_to_ceiling", "table_rows"), ".tables"),
    **dict.fromkeys(("check_results", "save_results"), ".results"),
    **dict.fromkeys(("BETTER", "DESCRIPTIONS", "HEARING_METRICS", "METRICS", "at_most"), ".metrics"),
    **dict.fromkeys(("memorisation_summary", "nearest_clips"), ".neighbours"),
    "heard_as": ".classifier",
    **dict.fromkeys(("MIN_TRAIN", "TARGET_RATIO", "per_class_rows"), ".per_class"),  # per_class: the module's name
}
__getattr__, __dir__ = exports(__name__, _NAMES)
__all__ = list(_NAMES)
