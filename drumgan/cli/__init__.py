"""The command line: each command's options (:mod:`.options`) and the function that runs it (:mod:`.commands`)."""

from .commands import build_parser, main

__all__ = ["build_parser", "main"]
