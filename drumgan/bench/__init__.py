"""Benchmarks: training and generation speed against the machine's peak (:mod:`.speed`), time to quality
(:mod:`.curve`) and the audio path's round trip (:mod:`.roundtrip`); each name imported on first use."""

from ..lazy import exports

_NAMES = {"summary_rows": ".curve", "time_to_quality": ".curve"}
__getattr__, __dir__ = exports(__name__, _NAMES)
__all__ = list(_NAMES)
