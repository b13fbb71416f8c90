"""drumgan: learn from a few hundred real drum samples and generate new ones, on a laptop CPU."""

from .config import CLASSES, FeatureConfig

__all__ = ["CLASSES", "FeatureConfig"]
__version__ = "0.1.0"
