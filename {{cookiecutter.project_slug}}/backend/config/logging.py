"""Logging pieces that Django's dictConfig needs."""

from logging.handlers import WatchedFileHandler
from pathlib import Path


class SharedLogFile(WatchedFileHandler):
    """A log file that several processes append to, and that logrotate may move or truncate.

    Every process opens it for appending, so their lines never overwrite each other; nothing
    here rotates it (a rotation inside one of several processes loses the others' lines), and
    when it has been moved away each process reopens it by name. The folder is made if missing.
    """

    def __init__(self, filename: str, *args, **kwargs) -> None:
        Path(filename).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(filename, *args, **kwargs)
