"""Errors that the command line reports as one clear line (no traceback)."""


class SourceError(Exception):
    """A data source that cannot be used; the message says what to do."""


class RunError(ValueError):
    """Settings or a run folder that cannot be trained or loaded as asked."""


class CheckpointError(RuntimeError):
    """A checkpoint that does not fit the model it is loaded into."""


class DamagedFile(RuntimeError):
    """A file drumgan wrote (a cache, a checkpoint, a codec) that can no longer be read."""


class OutputError(ValueError):
    """A place drumgan was asked to write to that cannot be written."""


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the last good checkpoint was left as it was."""


class TooFewClips(ValueError):
    """A measure asked of fewer clips than it needs (a Frechet distance of one clip); the message says how many."""


class MissingWeights(RuntimeError):
    """A pretrained network whose weights' package is not installed; the message says how to install it."""
