"""Light PNGs for notebooks: figures and images as 256-colour palette PNGs, about a quarter of matplotlib's RGBA
PNGs of the same pixels (a mel spectrogram's smooth shading compresses poorly in RGBA)."""

from __future__ import annotations

import io

COLOURS = 256


def light_png(data: bytes) -> bytes:
    """The PNG ``data`` re-encoded with a palette of at most :data:`COLOURS` colours (fast octree), same size."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        palette = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    palette.save(out, "PNG", optimize=True)
    return out.getvalue()


def light_figures() -> bool:
    """In a notebook, show every matplotlib figure as a :func:`light_png` from now on; returns whether it could
    (False outside IPython, where nothing changes)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    plt.switch_backend(matplotlib.get_backend())  # the inline backend sets its formatters as it starts: start it first
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda figure: light_png(print_figure(figure, "png", bbox_inches="tight")))
    return True


def light_image(path):
    """The PNG file ``path`` as an IPython image, re-encoded as a :func:`light_png`."""
    from pathlib import Path

    from IPython.display import Image

    return Image(data=light_png(Path(path).read_bytes()), format="png")
