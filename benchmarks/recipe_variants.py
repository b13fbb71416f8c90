"""Time to quality of variants of a recipe, each one setting changed, in this one process (benchmarks/README.md).

    python benchmarks/recipe_variants.py MINUTES OUT.json NAME=SETTING:VALUE[,SETTING:VALUE] ...

For example ``python benchmarks/recipe_variants.py 10 variants.json width8=width:8 gamma10=r1_weight:10``
trains the conv GAN's default recipe with each change for 10 minutes, measuring every minute as
``python -m drumgan bench --time-to-quality`` does, and writes the results to OUT.json.
"""

from __future__ import annotations

import json
import sys

from drumgan.bench.curve import summary_rows, time_to_quality
from drumgan.data.preparation import prepare
from drumgan.display.tables import text_table
from drumgan.settings import TrainSettings

MODEL = "conv-gan"


def variant(spec: str) -> tuple[str, TrainSettings]:
    """``NAME=SETTING:VALUE,...`` -> (NAME, the default settings with those values, typed as the defaults are)."""
    name, _, pairs = spec.partition("=")
    defaults = TrainSettings.for_model(MODEL)
    changes = {}
    for pair in filter(None, pairs.split(",")):
        key, _, text = pair.partition(":")
        current = getattr(defaults, key)
        if isinstance(current, bool):
            changes[key] = text.lower() in ("1", "true", "yes")
        elif isinstance(current, str):
            changes[key] = text.replace("+", ",")  # augment:shift+gain
        else:
            changes[key] = float(text) if current is None else type(current)(text)
    return name, TrainSettings.for_model(MODEL, **changes)


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        minutes, out, variants = float(argv[0]), argv[1], dict(map(variant, argv[2:]))
    except (AttributeError, ValueError) as error:  # an unknown setting, a value of the wrong type, a RunError
        print(f"recipe_variants: {error}", file=sys.stderr)
        return 2
    results = time_to_quality(variants, prepare(progress=False), minutes, every_minutes=1.0)
    with open(out, "w") as file:
        json.dump(results, file)
    print(text_table(summary_rows(results), floatfmt=".3g"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
