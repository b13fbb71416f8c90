"""Command line: ``python -m drumgan prepare [--source PATH ...] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
import warnings


def _print_summary(summary: dict) -> None:
    data = "SYNTHETIC data" if summary["synthetic"] else "real data"
    print(f"{summary['loaded']} of {summary['found']} files loaded ({data}), {len(summary['skipped'])} skipped")
    print("classes: " + ", ".join(f"{k} {v}" for k, v in summary["classes"].items()))
    print(f"kits: {len(summary['kits'])}; held out for testing: {', '.join(summary['test_kits'])}")
    print(f"split: {summary['split']['train']} train, {summary['split']['test']} test")
    for item in summary["skipped"]:
        print(f"  skipped {item['path']}: {item['reason']}")
    origin = "loaded from the cache" if summary["from_cache"] else "built and cached"
    print(f"{origin} in {summary['seconds']:.2f} s: {summary['cache']}")


def _prepare(args) -> int:
    from .dataset import prepare

    dataset = prepare(args.source, progress=not args.json or sys.stderr.isatty())
    summary = dataset.summary()
    if args.json:
        print(json.dumps(summary))
    else:
        _print_summary(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m drumgan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    prep = commands.add_parser("prepare", help="decode a drum sample source into the cached dataset")
    prep.add_argument("--source", nargs="+", metavar="PATH", help="Hydrogen kit(s) or folders of samples")
    prep.add_argument("--json", action="store_true", help="end with one JSON line of counts")
    prep.set_defaults(run=_prepare)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from .sources import SourceError

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, *rest: print(f"warning: {message}", file=sys.stderr)
        try:
            return args.run(args)
        except SourceError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
