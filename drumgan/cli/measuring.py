"""The options of the commands that measure: ``evaluate``, ``roundtrip`` and ``bench``."""

from __future__ import annotations

from ..paths import project_root
from ..settings import RECIPES
from .arguments import add_distribute, add_sample_rate, add_truncation, positive, positive_float


def evaluate_command(commands, handler) -> None:
    """``evaluate``'s options."""
    ev = commands.add_parser(
        "evaluate", help="measure trained runs beside held-out real samples, Griffin-Lim and noise"
    )
    ev.add_argument(
        "--run", action="append", metavar="RUN_DIR", help="a run folder (repeat for more; none: reference rows only)"
    )
    ev.add_argument("-n", type=positive, help="samples per row (default: the number of held-out samples)")
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
        type=positive,
        metavar="N",
        help="also per class: N clips each of a conditional run (share heard as the class asked for) and per-class FD",
    )
    add_truncation(ev)
    add_distribute(ev, "train the evaluation classifier (where it is not cached)", ("none", "mirrored"))
    ev.add_argument("--json", action="store_true", help="end with one JSON line: classifier_accuracy and rows")
    ev.set_defaults(handler=handler)


def roundtrip_command(commands, handler) -> None:
    """``roundtrip``'s options."""
    rt = commands.add_parser(
        "roundtrip", help="what each audio path (representation and inverse) loses on real held-out drums"
    )
    rt.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare (default: the Hydrogen kits)")
    add_sample_rate(rt)
    rt.add_argument("-n", type=positive, default=64, help="held-out clips measured (64), spread over them")
    rt.add_argument("--json", action="store_true", help="the table on stderr; one JSON object as the last stdout line")
    rt.set_defaults(handler=handler)


def bench_command(commands, handler) -> None:
    """``bench``'s options."""
    be = commands.add_parser("bench", help="measure matmul peak, training, generation and data throughput side by side")
    be.add_argument("--quick", action="store_true", help="a few steps of each (a smoke test, not for figures)")
    be.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare (default: the Hydrogen kits)")
    be.add_argument(
        "--time-to-quality",
        type=positive_float,
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
    be.add_argument("--every", type=positive_float, default=2.0, metavar="MINUTES", help="time to quality (2)")
    be.add_argument(
        "--results", metavar="PATH", help="time to quality: where the curves go (results/time_to_quality_MODEL.json)"
    )
    be.add_argument(
        "--json", action="store_true", help="progress on stderr; one JSON object as the last line of stdout"
    )
    be.set_defaults(handler=handler)
