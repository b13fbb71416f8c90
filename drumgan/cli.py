"""Command line: ``python -m drumgan {prepare,train,generate,kit,export,demo,evaluate,roundtrip,bench} ...``.

``-h`` on each for its options.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from . import distribute, signals
from .atomic import NO_SPACE, no_space_message
from .config import SAMPLE_RATES, FeatureConfig
from .errors import RunError
from .paths import DEFAULT_RUNS, project_root, runs_dir
from .settings import (
    AUGMENTATIONS,
    CONDITIONAL_CLASS_WEIGHT,
    CONDITIONAL_STEPS,
    FEATURES,
    IMAGE_SIZES,
    LOSSES,
    MODELS,
    RECIPES,
    VARIATION_SPREAD,
    TrainSettings,
    default_text,
)


def _print_summary(summary: dict) -> None:
    data = "SYNTHETIC data" if summary["synthetic"] else "real data"
    print(f"{summary['loaded']} of {summary['found']} files loaded ({data}), {len(summary['skipped'])} skipped")
    print(f"clips of {summary['clip_samples']} samples at {summary['sample_rate']} Hz")
    print("classes: " + ", ".join(f"{k} {v}" for k, v in summary["classes"].items()))
    print(f"kits: {len(summary['kits'])}; held out for testing: {', '.join(summary['test_kits'])}")
    print(f"split: {summary['split']['train']} train, {summary['split']['test']} test")
    for item in summary["skipped"]:
        print(f"  skipped {item['path']}: {item['reason']}")
    if summary["files_per_second"]:
        print(f"decoded at {summary['files_per_second']:.0f} files/s by {summary['workers']} process(es)")
    cached = Path(summary["cache"]).is_dir()
    origin = "loaded from the cache" if summary["from_cache"] else "built and cached" if cached else "built in memory"
    print(f"{origin} in {summary['seconds']:.2f} s: {summary['cache']}")


def _prepare(args) -> int:
    from .data.dataset import prepare

    dataset = prepare(args.source, _feature_config(args), progress=not args.json or sys.stderr.isatty())
    summary = dataset.summary()
    if args.json:
        print(json.dumps(summary))
    else:
        _print_summary(summary)
    return 0


def _train(args) -> int:
    distribute.request(args.distribute, args.cpu_devices)  # before TensorFlow starts
    from . import precision
    from .generation import save_preview
    from .training.loop import train

    settings = TrainSettings.for_model(
        args.model,
        recipe=args.recipe,
        steps=args.steps,
        batch_size=args.batch_size,
        seed=args.seed,
        feature=args.feature,
        image_size=args.size,
        sample_rate=args.sample_rate,
        width=args.width,
        units=args.units,
        frames_per_step=args.frames_per_step,
        critic_steps=args.critic_steps,
        loss=args.loss,
        learning_rate=args.learning_rate,
        critic_learning_rate=args.critic_learning_rate,
        r1_weight=args.r1_weight,
        r1_every=args.r1_every,
        augment=args.augment,
        ema=args.ema,
        floor=args.floor,
        conditional=args.conditional or None,
        class_weight=args.class_weight,
        leave_out_unnamed=False if args.keep_unnamed else None,
    )
    precision.use_mixed(args.mixed_precision)
    run = train(
        args.out,
        settings,
        source=args.source,
        checkpoint_seconds=args.checkpoint_seconds,
        preview=save_preview,
        preview_every=args.preview_every,
        progress=sys.stderr.isatty(),
        minutes=args.minutes,
        xla=args.xla,
    )
    result = run.result
    if args.json:
        print(json.dumps(result))
    if result["stopped_by_signal"]:
        print(
            f"stopped at step {result['step']} by {result['stopped_by_signal']}; the same command resumes",
            file=sys.stderr,
        )
        return signals.exit_status(result["stopped_by_signal"])
    if not args.json:
        resumed = f" (resumed from step {result['resumed_from']})" if result["resumed_from"] else ""
        if args.minutes:
            within = f"its --steps {settings.steps} done within --minutes {args.minutes:g}; a larger --steps trains on"
            resumed += f" (stopped after --minutes {args.minutes:g})" if result["stopped_by_time"] else f" ({within})"
        print(
            f"{result['model']}: step {result['step']}{resumed}, {result['seconds']:.1f} s, "
            f"{result['samples_per_second']:.1f} samples/s; checkpoint {result['checkpoint']}"
        )
        if run.data.get("left_out_unnamed"):
            print(f"{run.data['left_out_unnamed']} training clips that their kit gives no name were left out")
    return 0


def _generate(args) -> int:
    from .atomic import writable_folder
    from .generation import check_count, class_request, generate_spectra, set_truncation, write_spectra
    from .latents import parse_mixture
    from .training.run import Run

    check_count(args.n)
    if args.like and (args.class_name or args.mix):
        raise RunError("--like takes the class of the file it is given; leave out --class and --mix")
    if args.like and args.truncation != 1:
        raise RunError("--like samples around the file's own latent (--spread sets how far); leave out --truncation")
    run = Run.load(args.run)
    set_truncation(run, args.truncation)
    classes = class_request(run, args.n, args.class_name, parse_mixture(args.mix) if args.mix else None)
    writable_folder(args.out, "--out")  # before the work, not after it
    record = {"run": str(run.dir), "step": run.step, "truncation": args.truncation}
    if args.like:
        from .inversion import variations_of_file

        spectra, inversion = variations_of_file(run, args.like, args.n, args.spread, args.seed)
        record["like"] = {"file": str(args.like), "reconstruction_distance": inversion.distance}
        if inversion.classes is not None:
            record["like"]["classes"] = {c: round(float(w), 3) for c, w in zip(run.class_names, inversion.classes)}
        prefix = f"{run.name}_like_{Path(args.like).stem}"
    else:
        spectra = generate_spectra(run, args.n, args.seed, classes)
        prefix = f"{run.name}_{args.class_name}" if args.class_name else f"{run.name}_mix" if args.mix else None
    paths = write_spectra(run, spectra, args.out, args.seed, prefix)
    record["files"] = [str(p) for p in paths]
    if args.json:
        print(json.dumps(record))
    else:
        what = f" like {args.like} (reconstructed to {inversion.distance:.3f} RMS)" if args.like else ""
        what += f" at truncation {args.truncation:g}" if args.truncation != 1 else ""
        print(f"{len(paths)} WAV files{what} from {run.dir} (step {run.step}) in {args.out}")
    return 0


def _kit(args) -> int:
    from .atomic import writable_folder
    from .generation import kit_clips, set_truncation
    from .kit import write_kit
    from .training.run import Run

    run = Run.load(args.run)
    set_truncation(run, args.truncation)
    writable_folder(args.out, "--out")  # before the work, not after it
    classify = None
    if not run.settings.conditional:  # its clips are named by the evaluation classifier
        from .data.dataset import prepare
        from .evaluation.evaluator import Evaluator

        evaluator = Evaluator(prepare(args.source, config=run.codec.config, progress=False), seed=args.seed)
        classify = lambda waves: [evaluator.dataset.class_names[i] for i in evaluator.predicted_classes(waves)]  # noqa: E731
    waves, labels = kit_clips(run, args.per_class, args.seed, classify)
    truncated = f", truncation {args.truncation:g}" if args.truncation != 1 else ""
    info = f"Generated by drumgan from {run.name} (step {run.step}), seed {args.seed}{truncated}."
    written = write_kit(
        waves, labels, run.codec.config.sample_rate, args.out, args.name or run.name, args.overwrite, info
    )
    if args.json:
        print(json.dumps(written))
    else:
        counts = ", ".join(f"{c} {labels.count(c)}" for c in dict.fromkeys(labels))
        errors = written["schema_errors"]
        checked = (
            "not checked against Hydrogen's schema (install hydrogen-data: make data)"
            if errors is None
            else "valid by Hydrogen's drumkit schema"
            if not errors
            else f"NOT valid by Hydrogen's schema: {errors[0]}"
        )
        print(f"Hydrogen kit {written['kit']} ({counts}); drumkit.xml {checked}")
        print(f"WAVs named by class: {written['wav_folder']}")
    return 0


def _export(args) -> int:
    from .training.export import export_weights
    from .training.run import Run

    run = Run.load(args.run)
    if not run.folder.checkpoint.exists():
        raise RunError(f"{run.dir} holds no checkpoint.npz to export from")
    exported = export_weights(run, dtype=args.dtype)
    if args.json:
        print(json.dumps(exported))
    else:
        error = exported["half_precision_error_db"]
        measured = "" if error is None else f" (float16 changes generated log-mels by up to {error:.3f} dB)"
        size = exported["bytes"] / 1e6
        print(f"{exported['weights']}: step {exported['step']}, {exported['dtype']}{measured}, {size:.2f} MB")
    return 0


def _demo(args) -> int:
    from .demo import make_demo
    from .training.folder import RunFolder
    from .training.run import Run

    folders = args.run or [runs_dir() / name for name in DEFAULT_RUNS]
    missing = [str(f) for f in folders if not RunFolder(f).exists()]
    if missing:
        raise RunError(
            f"no trained run in {', '.join(missing)}: train them with `make runs`, or name others with --run"
        )
    made = make_demo([Run.load(f) for f in folders], args.out, n=args.n, seed=args.seed)
    if args.json:
        print(json.dumps(made))
    else:
        print(f"{len(made['wavs'])} WAV files in {args.out}/ (a folder per run)")
        print(f"mel spectrograms: {made['png']}")
        print(f"listen offline: {made['html']}")
    return 0


def _evaluate(args) -> int:
    distribute.request(args.distribute, args.cpu_devices)  # before TensorFlow starts
    from .atomic import writable_folder
    from .data.dataset import prepare
    from .display.tables import text_table
    from .evaluation.evaluator import evaluate, log_results, save_results, table_rows
    from .evaluation.metrics import BETTER, HEARING_METRICS, METRICS
    from .generation import set_truncation
    from .training.run import Run

    runs = [Run.load(folder) for folder in args.run or []]
    for run in runs:
        set_truncation(run, args.truncation)
    writable_folder(Path(args.results).parent, "the --results folder")  # before the work, not after it
    config = runs[0].codec.config if runs else None
    dataset = prepare(args.source, config=config, progress=sys.stderr.isatty())
    per_class_n = args.per_class or 0
    results = evaluate(
        runs, dataset, args.n, args.seed, progress=sys.stderr.isatty(), per_class_n=per_class_n, sources=args.source
    )
    if args.json:
        keys = ("classifier_accuracy", "rows", "per_class")
        print(json.dumps({k: results[k] for k in keys if k in results}))
    else:
        print(
            f"classifier accuracy on the held-out kits ({', '.join(dataset.test_kits)}): "
            f"{results['classifier_accuracy']:.3f}"
        )
        if args.truncation != 1:
            print(f"the runs sampled from latents truncated by {args.truncation:g}")
        print(text_table(table_rows(results, (*METRICS, "attack_s", "decay_s"))))
        print("\nheard from the audio alone, at 44.1 kHz:")
        print(text_table(table_rows(results, HEARING_METRICS)))
        print("better: " + ", ".join(f"{metric} {direction}" for metric, direction in BETTER.items()))
        if per_class_n:
            from .evaluation.per_class import MIN_TRAIN, TARGET_RATIO, per_class_rows

            print(f"\nper class ({per_class_n} clips each; share_asked: the classifier hears the class asked for)")
            print(text_table(per_class_rows(results["per_class"])))
            print(f"met: share_asked >= {TARGET_RATIO} x real_accuracy, for classes of {MIN_TRAIN}+ training clips")
    log_results(runs, results)
    path = save_results(results, args.results, merge=True)  # after printing: a refusal loses no figure
    if not args.json:
        print(f"written to {path}; each run's measures also in its logs/evaluate (TensorBoard)")
    return 0


def _roundtrip(args) -> int:
    import numpy as np

    from .data.dataset import prepare
    from .display.tables import text_table
    from .features.roundtrip import TARGETS, compare

    dataset = prepare(args.source, _feature_config(args), progress=False)
    clips = dataset.test_index if len(dataset.test_index) else dataset.train_index
    chosen = clips[np.linspace(0, len(clips) - 1, min(args.n, len(clips))).astype(int)]
    results = compare(dataset.waves[chosen], dataset.config)
    out = sys.stderr if args.json else sys.stdout
    held_out = "held-out" if len(dataset.test_index) else "training (no held-out kits)"
    print(
        f"{len(chosen)} {held_out} clips, each path measured on the STFT magnitude at the default FFT and hop", file=out
    )
    rows = [
        {"path": name, **{k: v for k, v in row.items() if k != "n"}}
        for name, row in results.items()
        if name != "default"
    ]
    print(text_table(rows), file=out)
    default = results["default"]
    limits = ", ".join(f"{key} <= {limit:g}" for key, limit in TARGETS.items())
    print(f"default ({default['option']}): {'meets' if default['meets'] else 'does NOT meet'} {limits}", file=out)
    if args.json:
        print(json.dumps(results))
    return 0


def _bench(args) -> int:
    from .bench import run_benchmarks, target_rows
    from .display.tables import text_table

    out = sys.stderr if args.json else sys.stdout
    if args.time_to_quality:
        return _time_to_quality(args, out)
    results = run_benchmarks(quick=args.quick, sources=args.source, log=lambda line: print(line, file=out))
    print("\n" + text_table(target_rows(results)), file=out)
    if args.json:
        print(json.dumps(results))
    return 0


def _time_to_quality(args, out) -> int:
    from .atomic import writable_folder
    from .data.dataset import prepare
    from .display.tables import text_table
    from .evaluation.curve import curve_rows, log_curves, summary_rows, time_to_quality
    from .evaluation.evaluator import save_results

    names = [name.strip() for name in args.recipes.split(",") if name.strip()]
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


def _add_distribute(parser, what: str, choices=distribute.STRATEGIES) -> None:
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


def _feature_config(args):
    """The default feature configuration at ``--sample-rate``."""
    return FeatureConfig().at_rate(args.sample_rate or FeatureConfig.sample_rate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m drumgan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    prep = commands.add_parser("prepare", help="decode a drum sample source into the cached dataset")
    prep.add_argument("--source", nargs="+", metavar="PATH", help="Hydrogen kit(s) or folders of samples")
    _add_sample_rate(prep)
    prep.add_argument("--json", action="store_true", help="end with one JSON line of counts")
    prep.set_defaults(handler=_prepare)

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
        help=f"mel, mfcc (LSTMs only) or stft (log-magnitude STFT: 512 bins at 16 kHz); {default_text('feature')}",
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
    tr.set_defaults(handler=_train)

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
    gen.set_defaults(handler=_generate)

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
    kit.set_defaults(handler=_kit)

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
    ev.set_defaults(handler=_evaluate)

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
    ex.set_defaults(handler=_export)

    de = commands.add_parser("demo", help="a small kit from each trained run: WAVs, a mel-grid PNG, an HTML page")
    de.add_argument(
        "--run", action="append", metavar="RUN_DIR", help="a run folder (repeat; default the four default runs)"
    )
    de.add_argument("-n", type=_positive, default=8, help="clips per run (default 8)")
    de.add_argument("--out", default="demo", metavar="DIR", help="default demo/")
    de.add_argument("--seed", type=int, default=0)
    de.add_argument("--json", action="store_true", help="end with one JSON line: wavs, png, html")
    de.set_defaults(handler=_demo)

    rt = commands.add_parser(
        "roundtrip", help="what each audio path (representation and inverse) loses on real held-out drums"
    )
    rt.add_argument("--source", nargs="+", metavar="PATH", help="as for prepare (default: the Hydrogen kits)")
    _add_sample_rate(rt)
    rt.add_argument("-n", type=_positive, default=64, help="held-out clips measured (64), spread over them")
    rt.add_argument("--json", action="store_true", help="the table on stderr; one JSON object as the last stdout line")
    rt.set_defaults(handler=_roundtrip)

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
    be.set_defaults(handler=_bench)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from .errors import CheckpointError, DamagedFile, OutputError, SourceError, TrainingDiverged

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # library internals, not the user's concern
        warnings.showwarning = lambda message, *rest: print(f"warning: {message}", file=sys.stderr)
        try:
            with signals.raising_stopped():
                return args.handler(args)
        except (SourceError, RunError, CheckpointError, DamagedFile, OutputError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except TrainingDiverged as error:
            print(f"error: {error}", file=sys.stderr)
            return 3
        except KeyboardInterrupt as error:
            name = error.name if isinstance(error, signals.Stopped) else "SIGINT"
            print(f"stopped by {name}: nothing partial was left in place of a file", file=sys.stderr)
            return signals.exit_status(name)
        except OSError as error:
            if error.errno not in NO_SPACE:
                raise
            print(f"error: {no_space_message(error.filename)}", file=sys.stderr)
            return 2
