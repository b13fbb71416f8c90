"""What several commands share: argument types, options, the feature configuration they ask for and the one way a
command reports (no TensorFlow, so ``--help`` answers at once)."""

from __future__ import annotations

import argparse
import json

from .. import devices
from ..config import SAMPLE_RATES, FeatureConfig
from ..features.timbre import CONTROLS


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def add_truncation(parser) -> None:
    parser.add_argument(
        "--truncation",
        type=float,
        default=1.0,
        metavar="PSI",
        help="GAN runs: latents pulled toward the mean by PSI in [0, 1]: more typical clips, less variety "
        "(default 1: none)",
    )


def add_timbre(parser) -> None:
    parser.add_argument(
        "--timbre",
        metavar="NAME=P,...",
        help=f"a run trained with --timbre: percentiles of the training kits in [0, 1] for {', '.join(CONTROLS)} "
        "(e.g. brightness=0.9,decay=0.2); the unnamed at the median (of the class asked for)",
    )


def add_distribute(parser, what: str, choices=devices.STRATEGIES) -> None:
    workers = ", or several worker processes named by TF_CONFIG (docs/SCALING.md)" if "multi-worker" in choices else ""
    parser.add_argument(
        "--distribute",
        choices=choices,
        help=f"where to {what}: one device, mirrored over this machine's GPUs (else its logical CPUs){workers}; "
        "default: what the machine offers",
    )
    parser.add_argument(
        "--cpu-devices",
        type=positive,
        metavar="N",
        help="split the CPU into N logical devices (mirrored without GPUs: for trying the distributed path)",
    )


def add_sample_rate(parser) -> None:
    parser.add_argument(
        "--sample-rate",
        type=int,
        choices=SAMPLE_RATES,
        metavar="HZ",
        help=f"audio rate: {', '.join(map(str, SAMPLE_RATES))} (default {FeatureConfig.sample_rate}); "
        "the image keeps its shape, about 1 s",
    )


def report(args, record: dict, *lines: str) -> None:
    """The one way a command says what it did: ``record`` as one JSON line with ``--json``, else ``lines``."""
    print(json.dumps(record) if args.json else "\n".join(lines))


def feature_config(args):
    """The default feature configuration at ``--sample-rate``."""
    return FeatureConfig().at_rate(args.sample_rate or FeatureConfig.sample_rate)
