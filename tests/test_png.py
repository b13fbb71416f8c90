import io

import numpy as np
from PIL import Image

from drumgan.display.png import COLOURS, light_figures, light_png


def figure_png() -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.imshow(np.random.default_rng(0).random((64, 64)), cmap="magma", aspect="auto")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def test_a_light_png_is_a_palette_image_of_the_same_size_and_far_lighter():
    data = figure_png()
    light = light_png(data)
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(light)) as after:
        assert after.mode == "P" and after.size == before.size
        assert len(after.getcolors(maxcolors=COLOURS)) <= COLOURS
        rgb_before = np.asarray(before.convert("RGB"), np.float64)
        assert np.abs(np.asarray(after.convert("RGB"), np.float64) - rgb_before).mean() < 3  # of 255
    assert len(light) < len(data) / 2


def test_light_figures_changes_nothing_outside_a_notebook():
    assert light_figures() is False
