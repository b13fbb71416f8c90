"""TensorFlow and Keras, imported once and without TensorFlow's start-up noise on stderr.

TensorFlow prints CUDA probing and oneDNN notices from C++ before its logging is set up, whatever
``TF_CPP_MIN_LOG_LEVEL`` says; in a notebook they land in the output as red text. Every module of
drumgan that needs TensorFlow or Keras takes them from here (``from ..backend import keras, tf``), so
those lines go to /dev/null; errors still raise as usual.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def stderr_silenced():
    """Point file descriptor 2 at /dev/null for the duration (Python exceptions still propagate)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_tensorflow():
    """Import TensorFlow and start its devices quietly, split and distributed as :mod:`drumgan.devices` reads
    from the environment; returns the module."""
    from . import devices

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        import tensorflow

        devices.start(tensorflow)  # before the first op, which fixes the devices
        tensorflow.constant(0.0) + 0.0  # the first op probes the devices (the cuInit line)
    return tensorflow


tf = _import_tensorflow()

import keras  # noqa: E402  (after TensorFlow, quietly)

__all__ = ["keras", "stderr_silenced", "tf"]
