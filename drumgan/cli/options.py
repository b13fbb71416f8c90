"""The command line's options: one function per command adds its subcommand, its options and its handler.

Imports no TensorFlow, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse

from .. import devices
from ..config import SAMPLE_RATES, FeatureConfig
from ..paths import project_root
from ..settings import (
    AUGMENTATIONS,
    CONDITIONAL_CLASS_WEIGHT,
    CONDITIONAL_STEPS,
    FEATURES,
    IMAGE_SIZES,
    LOSSES,
    MODELS,
    RECIPES,
    VARIATION_SPREAD,
    default_text,
)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def _add_truncation(parser) -> None:
    parser.add_argument(
        "--truncation",
        type=float,
        default=1.0,
        metavar="PSI",
        help="GAN runs: latents pulled toward the mean by PSI in [0, 1]: more typical clips, less variety "
        "(default 1: none)",
    )


def _add_distribute(parser, what: str, choices=devices.STRATEGIES) -> None:
    workers = ", or several worker processes named by TF_CONFIG (docs/SCALING.md)" if "multi-worker" in choices else ""
    parser.add_argument(
        "--distribute",
        choices=choices,
        help=f"where to {what}: one device, mirrored over this machine's GPUs (else its logical CPUs){workers}; "
        "default: what the machine offers",
    )
    parser.add_argument(
        "--cpu-devices",
        type=_positive,
        metavar="N",
        help="split the CPU into N logical devices (mirrored without GPUs: for trying the distributed path)",
    )


def _add_sample_rate(parser) -> None:
    parser.add_argument(
        "--sample-rate",
        type=int,
        choices=SAMPLE_RATES,
        metavar="HZ",
        help=f"audio rate: {', '.join(map(str, SAMPLE_RATES))} (default {FeatureConfig.sample_rate}); "
        "the image keeps its shape, about 1 s",
    )


def _prepare_command(commands, handler) -> None:
    """``prepare``'s options."""
    prep = commands.add_parser("prepare", help="decode a drum sample source into the cached dataset")
    prep.add_argument("--source", nargs="+", metavar="PATH", help="Hydrogen kit(s) or folders of samples")
    _add_sample_rate(prep)
    prep.add_argument("--json", action="store_true", help="end with one JSON line of counts")
    prep.set_defaults(handler=handler)


def _train_command(commands, handler) -> None:
    """``train``'s options."""
    tr = commands.add_parser("train", help="train a model, or resume the run already in --out")
    tr.add_argument("model", choices=MODELS)
    tr.add_argument("--out", required=True, metavar="RUN_DIR", help="run folder (re-run the same command to resume)")
    tr.add_argument(
        "--steps",
        type=int,
        help=f"the run's total steps (generator updates for GANs; {default_text('steps')}, conditional conv-gan "
        f"{CONDITIONAL_STEPS})",
    )
    tr.add_argument("--batch-size", type=int, help=default_text("batch_size"))
    tr.add_argument("--seed", type=int, help=default_text("seed"))
    tr.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare")
    tr.add_argument(
        "--feature",
        choices=FEATURES,
        help=f"mel, mfcc (LSTMs only) or stft (log-magnitude STFT: 1408 bins at 44.1 kHz); {default_text('feature')}",
    )
    tr.add_argument("--size", type=int, choices=IMAGE_SIZES, help="log-mel image side (64: 64 bins x 64 frames)")
    _add_sample_rate(tr)
    tr.add_argument("--width", type=int, help=f"conv GAN channels at full resolution ({default_text('width')})")
    tr.add_argument("--units", type=int, help=f"LSTM units per layer ({default_text('units')})")
    tr.add_argument(
        "--frames-per-step", type=int, help=f"lstm-gan: frames per LSTM step ({default_text('frames_per_step')})"
    )
    tr.add_argument(
        "--critic-steps", type=int, help=f"GANs: critic updates per generator update ({default_text('critic_steps')})"
    )
    tr.add_argument("--loss", choices=LOSSES, help=f"GANs ({default_text('loss')})")
    tr.add_argument("--learning-rate", type=float, help=default_text("learning_rate"))
    tr.add_argument(
        "--recipe",
        choices=tuple(RECIPES),
        help="GANs: a named set of the training settings below (conv-gan default r1; wgan-gp is SpecGAN's); "
        "options given beside it win",
    )
    tr.add_argument(
        "--critic-learning-rate",
        type=float,
        help=f"GANs: the critic's Adam rate (two time scales; {default_text('critic_learning_rate')})",
    )
    tr.add_argument("--r1-weight", type=float, help=f"GANs: R1 penalty gamma, 0 for none ({default_text('r1_weight')})")
    tr.add_argument("--r1-every", type=int, help=f"GANs: lazy R1 every N critic steps ({default_text('r1_every')})")
    tr.add_argument(
        "--augment",
        metavar="OPS",
        help=f"GANs: comma-separated augmentations before the critic from {','.join(AUGMENTATIONS)}; '' for none "
        f"({default_text('augment')})",
    )
    tr.add_argument(
        "--ema", type=float, help=f"GANs: decay of the generator's moving average, 0 for none ({default_text('ema')})"
    )
    tr.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        help=f"GANs: hold generated log-mels at or above the data's floor, as real ones are ({default_text('floor')})",
    )
    tr.add_argument(
        "--conditional",
        action="store_true",
        help="conv-gan: condition generator and critic on the drum class, so that generate can ask for one "
        "(--class, --mix)",
    )
    tr.add_argument(
        "--class-weight",
        type=float,
        metavar="W",
        help="conditional conv-gan: weight of an auxiliary class head on the critic (AC-GAN), which trains fakes to be "
        f"heard as the class asked for; 0 for none (default {CONDITIONAL_CLASS_WEIGHT})",
    )
    tr.add_argument(
        "--keep-unnamed",
        action="store_true",
        help="conditional conv-gan: train on the clips a Hydrogen kit gives no name too (class 'other' by default), "
        "which a conditional run leaves out",
    )
    tr.add_argument("--checkpoint-seconds", type=float, default=60.0, help="longest time between checkpoints (60)")
    tr.add_argument("--preview-every", type=int, default=0, metavar="STEPS", help="write previews/ every STEPS steps")
    tr.add_argument(
        "--minutes",
        type=_positive_float,
        metavar="M",
        help="stop cleanly after M minutes of training (checkpoint written; the same command goes on from there) or "
        "at --steps, whichever comes first; for a longer run give a larger --steps too",
    )
    _add_distribute(tr, "train")
    tr.add_argument(
        "--mixed-precision",
        action="store_true",
        help="float16 arithmetic with float32 weights and a dynamic loss scale (for GPUs; runs slowly on a CPU); "
        "the run resumes at either precision",
    )
    tr.add_argument(
        "--xla",
        action="store_true",
        help="compile the training step with XLA (for GPUs; slower on a CPU, see benchmarks/README.md)",
    )
    tr.add_argument(
        "--json",
        action="store_true",
        help="end with one JSON line: step, resumed_from, throughput, replicas, mixed_precision, xla",
    )
    tr.set_defaults(handler=handler)


def _generate_command(commands, handler) -> None:
    """``generate``'s options."""
    gen = commands.add_parser("generate", help="write generated samples of a trained run as WAV files")
    gen.add_argument("--run", required=True, metavar="RUN_DIR")
    gen.add_argument("-n", type=_positive, default=16, help="how many (default 16, at most 10000 a call)")
    gen.add_argument("--out", required=True, metavar="DIR")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument(
        "--class", dest="class_name", metavar="NAME", help="a conditional run: every clip of this class (e.g. kick)"
    )
    gen.add_argument(
        "--mix", metavar="NAME=W,...", help="a conditional run: hybrids of classes, e.g. kick=0.5,snare=0.5"
    )
    gen.add_argument(
        "--like",
        metavar="FILE",
        help="a conv-gan run: variations of your own audio file (inverted into the model, then sampled around)",
    )
    gen.add_argument(
        "--spread",
        type=float,
        default=VARIATION_SPREAD,
        help=f"--like: how far variations stray, in latent standard deviations (default {VARIATION_SPREAD}; 0: the "
        "reconstruction)",
    )
    _add_truncation(gen)
    gen.add_argument("--json", action="store_true", help="end with one JSON line listing the files")
    gen.set_defaults(handler=handler)


def _kit_command(commands, handler) -> None:
    """``kit``'s options."""
    kit = commands.add_parser(
        "kit", help="write a drum kit from a run: a Hydrogen drumkit folder and a folder of WAVs named by class"
    )
    kit.add_argument("--run", required=True, metavar="RUN_DIR")
    kit.add_argument("--out", required=True, metavar="DIR", help="where the kit folder NAME and NAME_wav go")
    kit.add_argument("--name", help="the kit's name and folder (default: the run's name)")
    kit.add_argument("--per-class", type=_positive, default=4, metavar="N", help="clips per class (default 4)")
    kit.add_argument("--seed", type=int, default=0)
    _add_truncation(kit)
    kit.add_argument("--overwrite", action="store_true", help="replace a kit of the same name in --out")
    kit.add_argument("--source", nargs="+", metavar="PATH", help="a run that is not conditional: its training data")
    kit.add_argument("--json", action="store_true", help="end with one JSON line: kit, drumkit_xml, files")
    kit.set_defaults(handler=handler)


def _evaluate_command(commands, handler) -> None:
    """``evaluate``'s options."""
    ev = commands.add_parser(
        "evaluate", help="measure trained runs beside held-out real samples, Griffin-Lim and noise"
    )
    ev.add_argument(
        "--run", action="append", metavar="RUN_DIR", help="a run folder (repeat for more; none: reference rows only)"
    )
    ev.add_argument("-n", type=_positive, help="samples per row (default: the number of held-out samples)")
    ev.add_argument("--source", nargs="+", metavar="PATH", help="the data the runs were trained on (as for prepare)")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument(
        "--results",
        default=str(project_root() / "results" / "metrics.json"),
        metavar="PATH",
        help="where the full results go (default results/metrics.json)",
    )
    ev.add_argument(
        "--per-class",
        type=_positive,
        metavar="N",
        help="also per class: N clips each of a conditional run (share heard as the class asked for) and per-class FD",
    )
    _add_truncation(ev)
    _add_distribute(ev, "train the evaluation classifier (where it is not cached)", ("none", "mirrored"))
    ev.add_argument("--json", action="store_true", help="end with one JSON line: classifier_accuracy and rows")
    ev.set_defaults(handler=handler)


def _export_command(commands, handler) -> None:
    """``export``'s options."""
    ex = commands.add_parser(
        "export", help="write a run's inference weights (weights.npz) to share it without its checkpoint"
    )
    ex.add_argument("--run", required=True, metavar="RUN_DIR")
    ex.add_argument(
        "--dtype",
        choices=("auto", "float16", "float32"),
        default="auto",
        help="storage (default auto: float16 where it changes generated log-mels by at most 0.5 dB)",
    )
    ex.add_argument("--json", action="store_true", help="end with one JSON line")
    ex.set_defaults(handler=handler)


def _demo_command(commands, handler) -> None:
    """``demo``'s options."""
    de = commands.add_parser("demo", help="a small kit from each trained run: WAVs, a mel-grid PNG, an HTML page")
    de.add_argument(
        "--run", action="append", metavar="RUN_DIR", help="a run folder (repeat; default the four default runs)"
    )
    de.add_argument("-n", type=_positive, default=8, help="clips per run (default 8)")
    de.add_argument("--out", default="demo", metavar="DIR", help="default demo/")
    de.add_argument("--seed", type=int, default=0)
    de.add_argument(
        "--source", nargs="+", metavar="PATH", help="the real drums shown first (default: the default data)"
    )
    de.add_argument("--json", action="store_true", help="end with one JSON line: wavs, png, html")
    de.set_defaults(handler=handler)


def _roundtrip_command(commands, handler) -> None:
    """``roundtrip``'s options."""
    rt = commands.add_parser(
        "roundtrip", help="what each audio path (representation and inverse) loses on real held-out drums"
    )
    rt.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare (default: the Hydrogen kits)")
    _add_sample_rate(rt)
    rt.add_argument("-n", type=_positive, default=64, help="held-out clips measured (64), spread over them")
    rt.add_argument("--json", action="store_true", help="the table on stderr; one JSON object as the last stdout line")
    rt.set_defaults(handler=handler)


def _bench_command(commands, handler) -> None:
    """``bench``'s options."""
    be = commands.add_parser("bench", help="measure matmul peak, training, generation and data throughput side by side")
    be.add_argument("--quick", action="store_true", help="a few steps of each (a smoke test, not for figures)")
    be.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare (default: the Hydrogen kits)")
    be.add_argument(
        "--time-to-quality",
        type=_positive_float,
        metavar="MINUTES",
        help="instead of the throughput figures: train each of --recipes for MINUTES of wall clock, measuring FD, "
        "KID and IS as evaluate does every --every minutes (the measuring excluded)",
    )
    be.add_argument("--model", choices=("conv-gan", "lstm-gan"), default="conv-gan", help="time to quality: the family")
    be.add_argument(
        "--recipes",
        default="r1,wgan-gp",
        help=f"time to quality: comma-separated, from {', '.join(RECIPES)} and 'default' (default r1,wgan-gp)",
    )
    be.add_argument(
        "--features",
        default="mel",
        help="time to quality: comma-separated, each recipe trained on each (mel, stft); default mel",
    )
    be.add_argument("--every", type=_positive_float, default=2.0, metavar="MINUTES", help="time to quality (2)")
    be.add_argument(
        "--results", metavar="PATH", help="time to quality: where the curves go (results/time_to_quality_MODEL.json)"
    )
    be.add_argument(
        "--json", action="store_true", help="progress on stderr; one JSON object as the last line of stdout"
    )
    be.set_defaults(handler=handler)


COMMANDS = {
    "prepare": _prepare_command,
    "train": _train_command,
    "generate": _generate_command,
    "kit": _kit_command,
    "evaluate": _evaluate_command,
    "export": _export_command,
    "demo": _demo_command,
    "roundtrip": _roundtrip_command,
    "bench": _bench_command,
}


DESCRIPTION = (
    "Command line: ``python -m drumgan {prepare,train,generate,kit,export,demo,evaluate,roundtrip,bench} ...``.\n\n"
    "``-h`` on each for its options.\n"
)
SAME_NAMES = (  # the settings whose train option has the setting's own name
    "steps", "batch_size", "seed", "feature", "sample_rate", "width", "units", "frames_per_step", "critic_steps",
    "loss", "learning_rate", "critic_learning_rate", "r1_weight", "r1_every", "augment", "ema", "floor",
    "class_weight",
)  # fmt: skip


def train_settings(args) -> dict:
    """The settings ``train``'s options ask for (None: not given), for :meth:`TrainSettings.for_model`."""
    return {
        **{name: getattr(args, name) for name in SAME_NAMES},
        "image_size": args.size,
        "conditional": args.conditional or None,
        "leave_out_unnamed": False if args.keep_unnamed else None,
    }


def parser_for(handlers: dict) -> argparse.ArgumentParser:
    """The parser of ``python -m drumgan``: each command of :data:`COMMANDS`, run by ``handlers[command]``."""
    parser = argparse.ArgumentParser(prog="python -m drumgan", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, add in COMMANDS.items():
        add(commands, handlers[name])
    return parser
