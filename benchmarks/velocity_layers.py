"""How real multi-velocity kits change from layer to layer: the Hydrogen kits' instruments of two or more velocity
layers, each layer's file measured as it is (not peak-normalised).

    python benchmarks/velocity_layers.py

For every instrument with layers of distinct velocity ranges, orders its layers by their lowest velocity and reports,
per adjacent pair and over the whole range (softest to hardest): the change of peak level in dB and of brightness
and hardness as percentiles of the training kits (``drumgan.features.timbre``); what ``kit --layers`` asks of a run
trained with timbre comes from these medians (``drumgan.generation.layers``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from drumgan.data.audio import decode
from drumgan.data.preparation import prepare
from drumgan.display.tables import text_table
from drumgan.features.timbre import CONTROLS, measure
from drumgan.paths import HYDROGEN_DRUMKITS


def layered_instruments(root: Path = HYDROGEN_DRUMKITS):
    """``(kit, instrument, [(min velocity, file)])`` for every instrument of two or more velocity ranges."""
    for xml in sorted(root.glob("*/drumkit.xml")):
        tree = ET.parse(xml)
        for instrument in tree.iter():
            if not instrument.tag.endswith("}instrument") and instrument.tag != "instrument":
                continue
            name = next((c.text for c in instrument if c.tag.split("}")[-1] == "name"), "")
            layers = []
            for layer in instrument.iter():
                if layer.tag.split("}")[-1] == "layer":
                    fields = {c.tag.split("}")[-1]: c.text for c in layer}
                    layers.append((float(fields["min"]), float(fields["max"]), xml.parent / fields["filename"]))
            if len({(lo, hi) for lo, hi, _ in layers}) >= 2:
                yield xml.parent.name, name, sorted(layers)


def main() -> None:
    dataset = prepare(progress=False)
    scale = dataset.timbre_scale()
    rows, pairs, ratios = [], [], []
    for kit, name, layers in layered_instruments():
        waves, peaks = [], []
        for _, _, path in layers:
            data, rate, _ = decode(str(path))
            mono = data.mean(axis=1)
            peaks.append(20 * np.log10(np.abs(mono).max() + 1e-12))
            waves.append(mono[: rate * 2] / (np.abs(mono).max() + 1e-12))
        length = min(len(w) for w in waves)
        raw = measure(np.stack([w[:length] for w in waves]), rate)
        pct = scale.of(raw)
        brightness, hardness = pct[:, CONTROLS.index("brightness")], pct[:, CONTROLS.index("hardness")]
        centroid = raw[:, CONTROLS.index("brightness")]
        for k in range(len(layers) - 1):
            pairs.append((peaks[k + 1] - peaks[k], brightness[k + 1] - brightness[k], hardness[k + 1] - hardness[k]))
        ratios.append(centroid[-1] / centroid[0])
        rows.append(
            {
                "kit": kit,
                "instrument": name,
                "layers": len(layers),
                "peak dB, softest -> hardest": f"{peaks[0]:.1f} -> {peaks[-1]:.1f}",
                "brightness": f"{brightness[0]:.2f} -> {brightness[-1]:.2f}",
                "hardness": f"{hardness[0]:.2f} -> {hardness[-1]:.2f}",
            }
        )
    print(text_table(rows))
    pairs = np.array(pairs)
    print(f"\n{len(pairs)} adjacent layer pairs in {len(rows)} instruments:")
    for k, what in enumerate(("peak level (dB)", "brightness (percentile)", "hardness (percentile)")):
        rises = np.mean(pairs[:, k] > 0)
        print(f"  {what}: median change {np.median(pairs[:, k]):+.3f} a layer, rises in {rises:.0%} of pairs")
    whole = [(r["peak dB, softest -> hardest"], r["brightness"], r["hardness"]) for r in rows]
    spans = np.array([[float(b) - float(a) for a, b in (s.split(" -> ") for s in w)] for w in whole])
    print("  softest to hardest layer, median over instruments: "
          f"peak {np.median(spans[:, 0]):+.1f} dB, brightness {np.median(spans[:, 1]):+.2f}, "
          f"hardness {np.median(spans[:, 2]):+.2f}, spectral centroid x {np.median(ratios):.3f} "
          f"(quartiles {np.percentile(ratios, 25):.3f} to {np.percentile(ratios, 75):.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
