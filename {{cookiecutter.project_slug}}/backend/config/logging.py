"""Logging pieces that Django's dictConfig needs."""

from logging.handlers import RotatingFileHandler
from pathlib import Path


class RotatingFileHandlerInFolder(RotatingFileHandler):
    """A size-rotated log file whose folder is created when missing, so start-up never fails on it."""

    def __init__(self, filename: str, *args, **kwargs) -> None:
        Path(filename).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(filename, *args, **kwargs)
