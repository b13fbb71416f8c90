"""drumgan: learn from a few hundred real drum samples and generate new ones, on a laptop CPU.

What a notebook or script uses, stage by stage (each imported on first use)::

    from drumgan import prepare, TrainSettings, train, Run, generate_clips, write_kit
    from drumgan.evaluation import Evaluator
    from drumgan.display import plot_grid, player_grid, text_table
"""

from .config import CLASSES, FeatureConfig
from .lazy import exports

_NAMES = {
    # data and features
    "prepare": ".data.preparation",
    "discover": ".data.sources",
    "log_mel": ".features.spectral",
    "to_audio": ".features.inverse",
    # runs
    "TrainSettings": ".settings",
    "VARIATION_SPREAD": ".settings",
    "train": ".training.loop",
    "Run": ".training.run",
    "GAN": ".models.gan",
    "NextFrameLSTM": ".models.lstm",
    "pick": ".runmode",
    "run_folder": ".runmode",
    "project_root": ".paths",
    # generating
    "generate_clips": ".generation.sampling",
    "generate_log_mels": ".generation.sampling",
    "generate_along": ".generation.sampling",
    "class_request": ".generation.sampling",
    "timbre_request": ".generation.sampling",
    "CONTROLS": ".features.timbre",
    "kit_clips": ".generation.sampling",
    "save_preview": ".display.previews",
    "class_path": ".latents",
    "slerp": ".latents",
    "invert": ".generation.projection",
    "variations": ".generation.projection",
    "write_kit": ".generation.kit",
    "layered_clips": ".generation.layers",
    "layer_rows": ".generation.layers",
}
__getattr__, __dir__ = exports(__name__, _NAMES)
__all__ = ["CLASSES", "FeatureConfig", *_NAMES]
__version__ = "0.1.0"
