"""What a notebook shows: figures (:mod:`.plots`) shown as light PNGs (:mod:`.png`), inline players
(:mod:`.players`), text tables (:mod:`.tables`) and the explorer of 07 (:mod:`.explorer`); each name imported on
first use."""

from ..lazy import exports

_NAMES = {
    **dict.fromkeys(
        (
            "plot_beside_real",
            "plot_body",
            "plot_class_shares",
            "plot_counts",
            "plot_grid",
            "plot_history",
            "plot_metrics",
            "plot_normalizer",
            "plot_quality_curves",
            "plot_rows",
            "plot_seed_spread",
            "plot_source_formats",
            "plot_timbre_sweep",
            "plot_waveforms",
            "preview_images",
        ),
        ".plots",
    ),  # fmt: skip
    **dict.fromkeys(("class_grid", "nearest_real_grid", "player_grid"), ".players"),
    **dict.fromkeys(("light_figures", "light_png"), ".png"),
    "text_table": ".tables",
    "Explorer": ".explorer",
}
__getattr__, __dir__ = exports(__name__, _NAMES)
__all__ = list(_NAMES)
