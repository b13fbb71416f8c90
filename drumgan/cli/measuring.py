"""The commands that measure, ``evaluate``, ``roundtrip`` and ``bench``: their options and what each does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import devices
from ..paths import project_root
from ..settings import RECIPES, TrainSettings
from .arguments import add_distribute, add_sample_rate, add_truncation, feature_config, positive, positive_float


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
    rt.add_argument(
        "--out", metavar="DIR", help="also write the clips and their round trip as WAVs: DIR/real/CLASS/*.wav and "
        "DIR/round_trip/CLASS/*.wav, the same names in both"
    )  # fmt: skip
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
    be.add_argument(
        "--seeds",
        type=positive,
        metavar="N",
        help="instead: train --model's default recipe (or the one of --recipes) at seeds 0 to N-1 into "
        "runs/seeds/, evaluate each, and write each measure's median and range (results/seeds.json)",
    )
    be.add_argument(
        "--model",
        choices=("conv-gan", "lstm-gan", "lstm"),
        default="conv-gan",
        help="time to quality (conv-gan or lstm-gan) and seeds: the family",
    )
    be.add_argument(
        "--recipes",
        help=f"time to quality: comma-separated, from {', '.join(RECIPES)} and 'default' (default r1,wgan-gp); "
        "seeds: one of them (default: the family's default)",
    )
    be.add_argument(
        "--features",
        default="mel",
        help="time to quality: comma-separated, each recipe trained on each (mel, stft); default mel",
    )
    be.add_argument("--every", type=positive_float, default=2.0, metavar="MINUTES", help="time to quality (2)")
    be.add_argument(
        "--timbre-sweep",
        metavar="RUN_DIR",
        help="instead: sweep each timbre control of a run trained with --timbre from 0.1 to 0.9, the others held, and "
        "measure the clips' timbre from their audio",
    )
    be.add_argument("-n", type=positive, default=32, help="timbre sweep: clips at each level of each control (32)")
    be.add_argument(
        "--results",
        metavar="PATH",
        help="where the results go (time to quality: results/time_to_quality_MODEL.json; timbre sweep: "
        "results/timbre_sweep.json; seeds: results/seeds.json, one entry a family)",
    )
    be.add_argument(
        "--json", action="store_true", help="progress on stderr; one JSON object as the last line of stdout"
    )
    be.set_defaults(handler=handler)


DECAYS = ("attack_s", "decay_s", "decay_matched_s")


def evaluate_handler(args) -> int:
    devices.request(args.distribute, args.cpu_devices)  # before TensorFlow starts
    from ..data.preparation import prepare
    from ..display.tables import text_table
    from ..evaluation.evaluator import evaluate, log_results
    from ..evaluation.metrics import BETTER, FD_DRAWS, HEARING_METRICS, INTERVAL, METRICS
    from ..evaluation.results import check_results, save_results
    from ..evaluation.tables import decay_rows, table_rows
    from ..generation.sampling import sampling_options
    from ..training.run import Run

    runs = [Run.load(folder) for folder in args.run or []]
    for run in runs:
        sampling_options(run, truncation=args.truncation)  # checked before the work
    check_results(args.results)  # before the work, not after it
    config = runs[0].codec.config if runs else None
    dataset = prepare(args.source, config=config, progress=sys.stderr.isatty())
    per_class_n = args.per_class or 0
    results = evaluate(
        runs,
        dataset,
        args.n,
        args.seed,
        progress=sys.stderr.isatty(),
        per_class_n=per_class_n,
        sources=args.source,
        truncation=args.truncation,
    )
    if args.json:
        keys = ("classifier_accuracy", "training_decay_by_class", "rows", "per_class", "listener_accuracy")
        print(json.dumps({k: results[k] for k in keys if k in results}))
    else:
        print(
            f"classifier accuracy on the held-out kits ({', '.join(dataset.test_kits)}): "
            f"{results['classifier_accuracy']:.3f}"
        )
        if args.truncation != 1:
            print(f"the runs sampled from latents truncated by {args.truncation:g}")
        print(text_table(table_rows(results, (*METRICS[:2], "fd_draws", "fd_interval", *METRICS[2:], *DECAYS))))
        print("\nmedian decay_s of the clips heard as each class (a run's: all its draws'):")
        print(text_table(decay_rows(results), floatfmt=".3f"))
        print("\nheard from the audio alone, at 44.1 kHz:")
        print(text_table(table_rows(results, (*HEARING_METRICS[:1], "fad_interval", *HEARING_METRICS[1:]))))
        print(f"*_interval: the {INTERVAL:.0%} bootstrap interval over the row's clips (a run's: its first draw's)")
        print(
            f"fd_draws: a run's FD at each of {FD_DRAWS} draws of its samples, lowest to highest; its fd is their mean,"
            " and its near_copies the mean of the same draws' (real_train: training clips against the other kits)"
        )
        print("better: " + ", ".join(f"{metric} {direction}" for metric, direction in BETTER.items()))
        if per_class_n:
            from ..evaluation.per_class import MIN_TRAIN, TARGET_RATIO, per_class_rows

            print(f"\nper class ({per_class_n} clips each; share_asked: the classifier hears the class asked for)")
            print(text_table(per_class_rows(results["per_class"])))
            print(f"met: share_asked >= {TARGET_RATIO} x real_accuracy, for classes of {MIN_TRAIN}+ training clips")
            if "listener_accuracy" in results:
                print(f"listener_*: the second listener (descriptors of the audio; held-out accuracy "
                      f"{results['listener_accuracy']:.3f}), held to the same target")  # fmt: skip
    log_results(runs, results)
    path = save_results(results, args.results, merge=True)  # after printing: a refusal loses no figure
    if not args.json:
        print(f"written to {path}; each run's measures also in its logs/evaluate (TensorBoard)")
    return 0


def roundtrip_handler(args) -> int:
    from ..atomic import writable_folder
    from ..bench.roundtrip import TARGETS, compare, write_round_trip
    from ..data.preparation import prepare
    from ..display.tables import text_table
    from ..evaluation.hearing import Hearing, to_audio_rate
    from ..evaluation.metrics import needs_clips

    if args.out:
        writable_folder(args.out, "--out")  # before the work, not after it
    dataset = prepare(args.source, feature_config(args), progress=False)
    chosen = dataset.spread_held_out(args.n)
    training = to_audio_rate(dataset.waves[dataset.train_index], dataset.config.sample_rate)
    needs_clips("round trip's measures", 2, clips=chosen, training=training)  # before any work on them
    hearing = Hearing(training, with_fad=False)  # the paths are compared on fd_audio
    results = compare(dataset.waves[chosen], dataset.config, hearing)
    out = sys.stderr if args.json else sys.stdout
    held_out = "held-out" if len(dataset.test_index) else "training (no held-out kits)"
    default = results["default"]
    real = ", ".join(f"{key[5:]} {value:.3g}" for key, value in default.items() if key.startswith("real_"))
    print(f"{len(chosen)} {held_out} clips at {dataset.config.sample_rate} Hz; the clips themselves: {real}", file=out)
    hidden = ("n", "sample_rate", *(key for key in default if key.startswith("real_")))
    shown = [{"path": name, **{k: v for k, v in row.items() if k not in hidden}} for name, row in results.items()]
    print(text_table(shown[1:], floatfmt=".3g"), file=out)
    limits = f"onset_ms <= {TARGETS['onset_ms']:g}, decay_s within {TARGETS['decay_ratio']:.0%} and high_db within "
    missed = [key for key, met in default["meets"].items() if not met]
    verdict = "meets" if default["meets_all"] else f"does NOT meet ({', '.join(missed)})"
    print(f"default ({default['option']}): {verdict} {limits}{TARGETS['high_db']:g} dB of the clips'", file=out)
    classes = _class_hearing(dataset, chosen)
    print("heard as their class, the clips beside their round trip through the default path:", file=out)
    print(text_table(classes, floatfmt=".2f"), file=out)
    if args.out:
        write_round_trip(dataset, chosen, args.out)
        print(
            f"{len(chosen)} clips and their round trip as WAVs in {args.out}/real and {args.out}/round_trip", file=out
        )
    if args.json:
        print(json.dumps({**results, "classes": classes}))
    return 0


def _class_hearing(dataset, chosen):
    """:func:`~drumgan.bench.roundtrip.class_hearing` of the clips ``chosen`` by the classifier and the second
    listener, which hear neither the models' log-mel nor each other's features."""
    from ..bench.roundtrip import class_hearing, default_path
    from ..evaluation.evaluator import Evaluator
    from ..evaluation.hearing import to_audio_rate

    evaluator = Evaluator(dataset, hearing=False)
    listener, rate = evaluator.second_listener, dataset.config.sample_rate
    judges = {
        "classifier": evaluator.predicted_classes,
        "listener": lambda waves: listener.predict(to_audio_rate(waves, rate)),
    }
    real = dataset.waves[chosen]
    return class_hearing(real, default_path(dataset.config)(real), dataset.labels[chosen], dataset.class_names, judges)


def bench_handler(args) -> int:
    from ..bench.speed import run_benchmarks, target_rows
    from ..display.tables import text_table

    out = sys.stderr if args.json else sys.stdout
    if args.time_to_quality:
        return _time_to_quality(args, out)
    if args.timbre_sweep:
        return _timbre_sweep(args, out)
    if args.seeds:
        return _seeds(args, out)
    results = run_benchmarks(quick=args.quick, sources=args.source, log=lambda line: print(line, file=out))
    print("\n" + text_table(target_rows(results)), file=out)
    if args.json:
        print(json.dumps(results))
    return 0


def _time_to_quality(args, out) -> int:
    from ..atomic import writable_folder
    from ..bench.curve import curve_rows, log_curves, summary_rows, time_to_quality
    from ..data.preparation import prepare
    from ..display.tables import text_table
    from ..evaluation.results import save_results

    names = [name.strip() for name in (args.recipes or "r1,wgan-gp").split(",") if name.strip()]
    features = [name.strip() for name in args.features.split(",") if name.strip()]
    recipes = {
        name if feature == "mel" else f"{name} {feature}": TrainSettings.for_model(
            args.model, recipe=None if name == "default" else name, feature=feature
        )
        for feature in features
        for name in names
    }
    default_path = project_root() / "results" / f"time_to_quality_{args.model.replace('-', '_')}.json"
    results_path = Path(args.results or default_path)
    writable_folder(results_path.parent, "the --results folder")  # before the work, not after it
    dataset = prepare(args.source, progress=False)
    log = lambda line: print(line, file=out, flush=True)  # noqa: E731
    results = time_to_quality(recipes, dataset, args.time_to_quality, args.every, log=log)
    path = save_results(results, results_path)
    log_curves(results, results_path.parent / "logs" / results_path.stem)
    print("\n" + text_table(curve_rows(results)), file=out)
    print("\n" + text_table(summary_rows(results)), file=out)
    for name, recipe in results["recipes"].items():
        reached = recipe["minutes_to_target"]
        when = f"after {reached:.1f} min" if reached is not None else f"not within {args.time_to_quality:g} min"
        print(f"{name}: FD <= {results['target_fd']:.1f} (1.1 x Griffin-Lim) {when}", file=out)
    print(f"written to {path}; TensorBoard logs in {path.parent / 'logs' / path.stem}", file=out)
    if args.json:
        print(json.dumps(results))
    return 0


def _seeds(args, out) -> int:
    from ..atomic import writable_folder, write_text_atomically
    from ..bench.seeds import evaluate_seeds, spread_rows, train_seeds
    from ..data.preparation import prepare
    from ..display.tables import text_table
    from ..errors import RunError
    from ..paths import runs_dir

    recipe = args.recipes or "default"
    if "," in recipe:
        raise RunError(f"--seeds trains one recipe: default or one of {', '.join(RECIPES)}, got {recipe!r}")
    settings = TrainSettings.for_model(args.model, recipe=None if recipe == "default" else recipe)
    path = Path(args.results or project_root() / "results" / "seeds.json")
    writable_folder(path.parent, "the --results folder")  # before the work, not after it
    try:
        held = json.loads(path.read_text()) if path.is_file() else {}
    except (ValueError, OSError):
        held = None
    if not isinstance(held, dict) or not isinstance(held.get("families", {}), dict):
        raise RunError(f"{path} is not a seeds results file (an object with 'families'); move it or pass --results")
    family = args.model.replace("-", "_") + ("" if recipe == "default" else f"_{recipe}")
    dataset = prepare(args.source, progress=False)
    log = lambda line: print(line, file=out, flush=True)  # noqa: E731
    runs = train_seeds(settings, dataset, range(args.seeds), runs_dir() / "seeds" / family, sys.stderr.isatty(), log)
    results = evaluate_seeds(runs, dataset, recipe)
    held.setdefault("families", {})[family] = results
    write_text_atomically(path, json.dumps(held, indent=1) + "\n")
    print(text_table(spread_rows(results), floatfmt=".3g"), file=out)
    print(f"{family}: {args.seeds} seeds; written to {path}", file=out)
    if args.json:
        print(json.dumps(results))
    return 0


def _timbre_sweep(args, out) -> int:
    from tqdm.auto import tqdm

    from ..atomic import writable_folder, write_text_atomically
    from ..bench.timbre import LEVELS, TARGETS, round_trip_ceiling, sweep, sweep_rows
    from ..data.preparation import prepare
    from ..display.tables import text_table
    from ..errors import RunError
    from ..features.timbre import CONTROLS
    from ..training.run import Run

    run = Run.load(args.timbre_sweep)
    if run.timbre is None:
        raise RunError(f"{run.dir} was not trained with timbre (train conv-gan --timbre): there is nothing to sweep")
    path = Path(args.results or project_root() / "results" / "timbre_sweep.json")
    writable_folder(path.parent, "the --results folder")  # before the work, not after it
    dataset = prepare(args.source, run.codec.config, progress=False)
    run.check_data(dataset, "Pass the --source it was trained on.")
    levels = len(CONTROLS) * len(LEVELS)
    with tqdm(total=levels, desc="timbre sweep", unit="level", disable=not sys.stderr.isatty()) as bar:
        results = sweep(run, args.n, progress=bar.update)
    results["ceiling"] = round_trip_ceiling(dataset, run.codec)
    results["run"] = {"dir": str(run.dir), "step": run.step}
    write_text_atomically(path, json.dumps(results, indent=1) + "\n")
    print(text_table(sweep_rows(results)), file=out)
    limits = ", ".join(
        f"{key} {'>=' if key == 'rank_correlation' else '<='} {value:g}" for key, value in TARGETS.items()
    )
    print(f"targets: {limits}; {'all met' if results['meets'] else 'NOT all met'}; written to {path}", file=out)
    kept = "round_trip_*: training clips measured against their own round trip (what the audio path keeps)"
    print(kept, file=out)
    if args.json:
        print(json.dumps(results))
    return 0
