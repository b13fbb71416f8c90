"""Offline evaluation: the metrics and their names (:mod:`.metrics`), nearest neighbours (:mod:`.neighbours`),
drumgan's own drum classifier (:mod:`.classifier`) and the rows it all measures (:mod:`.evaluator`)."""
