"""Making a written file last a crash of the machine: the file's bytes synced before it is
renamed into place, and the folder synced after (the rename itself is then on disk).

    fsync_file(tmp)         # the new file's bytes on disk
    os.replace(tmp, path)   # atomic on one filesystem
    fsync_dir(path.parent)  # the rename on disk
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["fsync_dir", "fsync_file"]


def fsync_file(path: Path) -> None:
    """Flush ``path``'s bytes to the disk."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries (a rename into it) to the disk; a filesystem that does not
    let a folder be opened is left as it is."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
