"""The command line's options: one function per command adds its subcommand, its options and its handler (the
measuring commands' in :mod:`.measuring`).

Imports no TensorFlow, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse

from ..settings import (
    AUGMENTATIONS,
    CONDITIONAL_CLASS_WEIGHT,
    CONDITIONAL_STEPS,
    FEATURES,
    IMAGE_SIZES,
    LOSSES,
    MODELS,
    RECIPES,
    TIMBRE_SPREAD,
    TIMBRE_STEPS,
    TIMBRE_WEIGHT,
    VARIATION_SPREAD,
    default_text,
)
from . import measuring
from .arguments import add_distribute, add_sample_rate, add_timbre, add_truncation, positive, positive_float


def _prepare_command(commands, handler) -> None:
    """``prepare``'s options."""
    prep = commands.add_parser("prepare", help="decode a drum sample source into the cached dataset")
    prep.add_argument("--source", nargs="+", metavar="PATH", help="Hydrogen kit(s) or folders of samples")
    add_sample_rate(prep)
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
        f"{CONDITIONAL_STEPS}, timbre conv-gan {TIMBRE_STEPS})",
    )
    tr.add_argument("--batch-size", type=int, help=default_text("batch_size"))
    tr.add_argument("--seed", type=int, help=default_text("seed"))
    tr.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare")
    tr.add_argument(
        "--feature",
        choices=FEATURES,
        help="mel, mfcc (LSTMs only), stft (log-magnitude STFT: 1408 bins at 44.1 kHz) or mel-attack (the log-mel "
        f"and, in 64 rows under it, the 0.25 ms envelope that carries the attack); {default_text('feature')}",
    )
    tr.add_argument("--size", type=int, choices=IMAGE_SIZES, help="log-mel image side (64: 64 bins x 64 frames)")
    add_sample_rate(tr)
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
        "--timbre",
        action="store_true",
        help="conv-gan: condition generator and critic on timbre too (brightness, depth, hardness, decay, noisiness), "
        "so that generate and kit can ask for it (--timbre NAME=P)",
    )
    tr.add_argument(
        "--timbre-weight",
        type=float,
        metavar="W",
        help=f"--timbre: weight of the critic's timbre head, which trains fakes to sound as asked "
        f"(default {TIMBRE_WEIGHT})",
    )
    tr.add_argument(
        "--timbre-spread",
        type=float,
        metavar="S",
        help="--timbre: how far (standard deviation, in percentiles) around each real clip's timbre a step asks for, "
        f"so that a timbre does not name one clip (default {TIMBRE_SPREAD})",
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
        type=positive_float,
        metavar="M",
        help="stop cleanly after M minutes of training (checkpoint written; the same command goes on from there) or "
        "at --steps, whichever comes first; for a longer run give a larger --steps too",
    )
    add_distribute(tr, "train")
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
    gen.add_argument("-n", type=positive, default=16, help="how many (default 16, at most 10000 a call)")
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
    add_timbre(gen)
    add_truncation(gen)
    gen.add_argument("--json", action="store_true", help="end with one JSON line listing the files")
    gen.set_defaults(handler=handler)


def _kit_command(commands, handler) -> None:
    """``kit``'s options."""
    kit = commands.add_parser(
        "kit", help="write a drum kit from a run: a Hydrogen (or DrumGizmo) kit folder and a folder of WAVs"
    )
    kit.add_argument("--run", required=True, metavar="RUN_DIR")
    kit.add_argument("--out", required=True, metavar="DIR", help="where the kit folder NAME and NAME_wav go")
    kit.add_argument("--name", help="the kit's name and folder (default: the run's name)")
    kit.add_argument("--per-class", type=positive, default=4, metavar="N", help="instruments per class (default 4)")
    kit.add_argument(
        "--layers", type=positive, default=1, metavar="N", help="velocity layers an instrument, louder and brighter "
        "as they rise (default 1)"
    )  # fmt: skip
    kit.add_argument(
        "--round-robin", type=positive, default=1, metavar="M", help="takes a layer, played in turn (default 1)"
    )
    kit.add_argument("--format", choices=("hydrogen", "drumgizmo"), default="hydrogen", help="the kit's format")
    kit.add_argument("--seed", type=int, default=0)
    add_timbre(kit)
    add_truncation(kit)
    kit.add_argument("--overwrite", action="store_true", help="replace a kit of the same name in --out")
    kit.add_argument("--source", nargs="+", metavar="PATH", help="a run that is not conditional: its training data")
    kit.add_argument("--json", action="store_true", help="end with one JSON line: kit, drumkit_xml, files")
    kit.set_defaults(handler=handler)


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
        "--run", action="append", metavar="RUN_DIR", help="a run folder (repeat; default the five default runs)"
    )
    de.add_argument("-n", type=positive, default=8, help="clips per run (default 8)")
    de.add_argument("--out", default="demo", metavar="DIR", help="default demo/")
    de.add_argument("--seed", type=int, default=0)
    de.add_argument(
        "--source", nargs="+", metavar="PATH", help="the real drums shown first (default: the default data)"
    )
    de.add_argument("--json", action="store_true", help="end with one JSON line: wavs, png, html")
    de.set_defaults(handler=handler)


COMMANDS = {
    "prepare": _prepare_command,
    "train": _train_command,
    "generate": _generate_command,
    "kit": _kit_command,
    "evaluate": measuring.evaluate_command,
    "export": _export_command,
    "demo": _demo_command,
    "roundtrip": measuring.roundtrip_command,
    "bench": measuring.bench_command,
}


DESCRIPTION = (
    "Command line: ``python -m drumgan {prepare,train,generate,kit,export,demo,evaluate,roundtrip,bench} ...``.\n\n"
    "``-h`` on each for its options.\n"
)
SAME_NAMES = (  # the settings whose train option has the setting's own name
    "steps", "batch_size", "seed", "feature", "sample_rate", "width", "units", "frames_per_step", "critic_steps",
    "loss", "learning_rate", "critic_learning_rate", "r1_weight", "r1_every", "augment", "ema", "floor",
    "class_weight", "timbre_weight", "timbre_spread",
)  # fmt: skip


def train_settings(args) -> dict:
    """The settings ``train``'s options ask for (None: not given), for :meth:`TrainSettings.for_model`."""
    return {
        **{name: getattr(args, name) for name in SAME_NAMES},
        "image_size": args.size,
        "conditional": args.conditional or None,
        "timbre": args.timbre or None,
        "leave_out_unnamed": False if args.keep_unnamed else None,
    }


def parser_for(handlers: dict) -> argparse.ArgumentParser:
    """The parser of ``python -m drumgan``: each command of :data:`COMMANDS`, run by ``handlers[command]``."""
    parser = argparse.ArgumentParser(prog="python -m drumgan", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, add in COMMANDS.items():
        add(commands, handlers[name])
    return parser
