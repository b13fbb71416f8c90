"""The command line's commands, one function each: ``python -m drumgan COMMAND ...`` (``-h`` for the options); the
ones that measure are in :mod:`.measuring`."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

from .. import devices, signals
from ..atomic import NO_SPACE, no_space_message
from ..errors import RunError
from ..features.timbre import CONTROLS
from ..paths import DEFAULT_RUNS, runs_dir
from ..settings import TrainSettings
from . import measuring
from .arguments import feature_config, report
from .options import parser_for, train_settings


def _summary_lines(summary: dict) -> list[str]:
    """What ``prepare`` says of a dataset, a line each."""
    lines = []
    data = "SYNTHETIC data" if summary["synthetic"] else "real data"
    lines.append(f"{summary['loaded']} of {summary['found']} files loaded ({data}), {len(summary['skipped'])} skipped")
    lines.append(f"clips of {summary['clip_samples']} samples at {summary['sample_rate']} Hz")
    lines.append("classes: " + ", ".join(f"{k} {v}" for k, v in summary["classes"].items()))
    lines.append(f"kits: {len(summary['kits'])}; held out for testing: {', '.join(summary['test_kits'])}")
    lines.append(f"split: {summary['split']['train']} train, {summary['split']['test']} test")
    for item in summary["skipped"]:
        lines.append(f"  skipped {item['path']}: {item['reason']}")
    if summary["files_per_second"]:
        lines.append(f"decoded at {summary['files_per_second']:.0f} files/s by {summary['workers']} process(es)")
    cached = Path(summary["cache"]).is_dir()
    origin = "loaded from the cache" if summary["from_cache"] else "built and cached" if cached else "built in memory"
    lines.append(f"{origin} in {summary['seconds']:.2f} s: {summary['cache']}")
    return lines


def _prepare(args) -> int:
    from ..data.preparation import prepare

    dataset = prepare(args.source, feature_config(args), progress=not args.json or sys.stderr.isatty())
    summary = dataset.summary()
    report(args, summary, *_summary_lines(summary))
    return 0


def _train(args) -> int:
    devices.request(args.distribute, args.cpu_devices)  # before TensorFlow starts
    from .. import precision
    from ..display.previews import save_preview
    from ..training.loop import train

    settings = TrainSettings.for_model(args.model, recipe=args.recipe, **train_settings(args))
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
    from ..atomic import writable_folder
    from ..generation import sampling
    from ..latents import parse_mixture
    from ..training.run import Run

    sampling.check_count(args.n)
    if args.like and (args.class_name or args.mix or args.timbre):
        raise RunError("--like takes the class and timbre of the file it is given; leave out --class, --mix, --timbre")
    if args.like and args.truncation != 1:
        raise RunError("--like samples around the file's own latent (--spread sets how far); leave out --truncation")
    run = Run.load(args.run)
    sampling.sampling_options(run, truncation=args.truncation)  # checked before the work
    classes = sampling.class_request(run, args.n, args.class_name, parse_mixture(args.mix) if args.mix else None)
    asked = sampling.parse_timbre(args.timbre) if args.timbre else None
    timbre = sampling.timbre_request(run, args.n, asked, classes)
    writable_folder(args.out, "--out")  # before the work, not after it
    record = {"run": str(run.dir), "step": run.step, "truncation": args.truncation}
    if timbre is not None:
        record["timbre"] = {name: round(float(p), 3) for name, p in zip(CONTROLS, timbre[0])}
    if args.like:
        from ..generation.projection import variations_of_file

        spectra, inversion = variations_of_file(run, args.like, args.n, args.spread, args.seed)
        record["like"] = {"file": str(args.like), "reconstruction_distance": inversion.distance}
        if inversion.classes is not None:
            record["like"]["classes"] = {c: round(float(w), 3) for c, w in zip(run.class_names, inversion.classes)}
        prefix = f"{run.name}_like_{Path(args.like).stem}"
    else:
        spectra = sampling.generate_spectra(run, args.n, args.seed, classes, args.truncation, timbre)
        prefix = f"{run.name}_{args.class_name}" if args.class_name else f"{run.name}_mix" if args.mix else None
    paths = sampling.write_spectra(run, spectra, args.out, args.seed, prefix)
    record["files"] = [str(p) for p in paths]
    what = f" like {args.like} (reconstructed to {inversion.distance:.3f} RMS)" if args.like else ""
    what += f" at truncation {args.truncation:g}" if args.truncation != 1 else ""
    what += f" of timbre {args.timbre}" if args.timbre else ""
    report(args, record, f"{len(paths)} WAV files{what} from {run.dir} (step {run.step}) in {args.out}")
    return 0


def _kit_classifier(run, args):
    """The evaluation classifier as ``waves -> class names``; for a conditional run's layered kit, None with one
    warning where the data it was trained on cannot be prepared (its takes then go unchecked)."""
    from ..data.preparation import prepare
    from ..errors import SourceError
    from ..evaluation.classifier import cached_classifier, heard_as

    try:
        dataset = prepare(args.source, config=run.codec.config, progress=False)
    except SourceError as error:
        if not run.settings.conditional:
            raise
        warnings.warn(
            f"the takes are not checked by the classifier, which needs the training data: {error}", stacklevel=2
        )
        return None
    return heard_as(cached_classifier(dataset), dataset)


def _kit(args) -> int:
    from ..atomic import writable_folder
    from ..generation.kit import check_name, write_kit
    from ..generation.layers import check_layers, layered_clips
    from ..generation.sampling import kit_clips, parse_timbre, sampling_options, timbre_request
    from ..training.run import Run

    run = Run.load(args.run)
    sampling_options(run, truncation=args.truncation)  # checked before the work
    timbre = parse_timbre(args.timbre) if args.timbre else None
    timbre_request(run, 1, timbre)  # checked before the work
    check_layers(run, args.layers, args.round_robin)
    writable_folder(args.out, "--out")  # before the work, not after it
    check_name(args.name or run.name, args.out)
    classify = None
    if not run.settings.conditional or args.layers * args.round_robin > 1:
        classify = _kit_classifier(run, args)  # names an unconditional run's clips; checks a layered kit's takes
    if args.layers * args.round_robin > 1:
        shape = (args.per_class, args.layers, args.round_robin, args.seed, classify, args.truncation, timbre)
        waves, labels = layered_clips(run, *shape)
    else:
        waves, labels = kit_clips(run, args.per_class, args.seed, classify, args.truncation, timbre)
    truncated = f", truncation {args.truncation:g}" if args.truncation != 1 else ""
    truncated += f", timbre {args.timbre}" if args.timbre else ""
    layered = f", {args.layers} velocity layers x {args.round_robin} round robins" if waves.ndim == 4 else ""
    info = f"Generated by drumgan from {run.name} (step {run.step}), seed {args.seed}{truncated}{layered}."
    name = args.name or run.name
    written = write_kit(waves, labels, run.codec.config.sample_rate, args.out, name, args.overwrite, info, args.format)
    counts = ", ".join(f"{c} {labels.count(c)}" for c in dict.fromkeys(labels))
    kit = f"{_KIT_FORMATS[args.format]} {written['kit']} ({counts}{layered}); {_checked(written, args)}"
    named = "instrument, layer and round robin" if layered else "instrument"
    report(args, written, kit, f"WAVs named by {named}: {written['wav_folder']}")
    return 0


_KIT_FORMATS = {"hydrogen": "Hydrogen kit", "drumgizmo": "DrumGizmo kit"}


def _checked(written: dict, args) -> str:
    """What the kit's own checker says of it: Hydrogen's schema, or DrumGizmo's dgvalidator."""
    errors = written["schema_errors"]
    checker, package = (
        ("dgvalidator", "drumgizmo") if args.format == "drumgizmo" else ("Hydrogen's schema", "hydrogen-data")
    )
    if errors is None:
        return f"drumkit.xml not checked by {checker} (install {package}: make data)"
    return f"drumkit.xml valid by {checker}" if not errors else f"drumkit.xml NOT valid by {checker}: {errors[0]}"


def _export(args) -> int:
    from ..generation.export import export_weights
    from ..training.run import Run

    run = Run.load(args.run)
    if not run.folder.checkpoint.exists():
        raise RunError(f"{run.dir} holds no checkpoint.npz to export from")
    exported = export_weights(run, dtype=args.dtype)
    error = exported["half_precision_error_db"]
    measured = "" if error is None else f" (float16 changes generated log-mels by up to {error:.3f} dB)"
    size = exported["bytes"] / 1e6
    report(
        args, exported, f"{exported['weights']}: step {exported['step']}, {exported['dtype']}{measured}, {size:.2f} MB"
    )
    return 0


def _demo(args) -> int:
    from ..display.demo import make_demo
    from ..training.folder import RunFolder
    from ..training.run import Run

    folders = args.run or [runs_dir() / name for name in DEFAULT_RUNS]
    missing = [str(f) for f in folders if not RunFolder(f).exists()]
    if missing:
        raise RunError(
            f"no trained run in {', '.join(missing)}: train them with `make runs`, or name others with --run"
        )
    from ..data.preparation import prepare

    runs = [Run.load(f) for f in folders]
    dataset = prepare(args.source, runs[0].codec.config, progress=False)
    real = dataset.waves[dataset.spread_held_out(args.n)]
    made = make_demo(runs, args.out, n=args.n, seed=args.seed, real=real)
    wavs = f"{len(made['wavs'])} WAV files in {args.out}/ (a folder per run)"
    report(args, made, wavs, f"mel spectrograms: {made['png']}", f"listen offline: {made['html']}")
    return 0


HANDLERS = {
    "prepare": _prepare,
    "train": _train,
    "generate": _generate,
    "kit": _kit,
    "evaluate": measuring.evaluate_handler,
    "export": _export,
    "demo": _demo,
    "roundtrip": measuring.roundtrip_handler,
    "bench": measuring.bench_handler,
}


def build_parser():
    """The command line's parser (:mod:`drumgan.cli.options`), each command run by its function here."""
    return parser_for(HANDLERS)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from ..errors import CheckpointError, DamagedFile, OutputError, SourceError, TooFewClips, TrainingDiverged

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # library internals, not the user's concern
        warnings.showwarning = lambda message, *rest: print(f"warning: {message}", file=sys.stderr)
        try:
            with signals.raising_stopped():
                return args.handler(args)
        except (SourceError, RunError, CheckpointError, DamagedFile, OutputError, TooFewClips) as error:
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
