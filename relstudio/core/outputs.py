"""Where an output goes: ``-`` is stdout, devices and FIFOs are written into, regular files are replaced atomically.

The atomic write (temp file + rename) is right for a regular file and wrong
for anything else: renaming over ``/dev/null`` as root turns the machine's
null device into a plain file, and a FIFO or ``/dev/stdout`` would be replaced
instead of written. :func:`write_output` picks the way; :func:`~relstudio.core.fileio.replace_target`
is the guard every atomic write runs first (it refuses to rename over a
non-regular file and writes through a symbolic link to its target).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from relstudio.core.fileio import atomic_write_bytes

STDOUT = "-"
_SPECIAL_ROOTS = ("/dev/", "/proc/")


def is_in_place(path) -> bool:
    """True for outputs written into, not replaced: existing non-regular files and ``/dev/…``, ``/proc/…``."""
    text = os.path.abspath(str(path))
    if text.startswith(_SPECIAL_ROOTS):
        return True
    try:
        mode = os.stat(text).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_in_place(path: str, data: bytes) -> None:
    with open(path, "wb") as f:  # a device, FIFO or /dev/stdout: written into, never renamed over
        f.write(data)
        f.flush()


def write_output(path, data: bytes) -> str:
    """Write ``data`` to ``path``: ``-`` → stdout; a device or FIFO → into it; else atomically. Returns where."""
    text = str(path)
    if text == STDOUT:
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            sys.stdout.flush()
            out.write(data)
            out.flush()
        else:
            sys.stdout.write(data.decode("utf-8", errors="replace"))
            sys.stdout.flush()
        return "stdout"
    if is_in_place(text):
        try:
            _write_in_place(text, data)
        except OSError as exc:
            if exc.errno is not None:
                raise type(exc)(exc.errno, exc.strerror or str(exc), text) from exc
            raise
        return text
    atomic_write_bytes(Path(text), data)
    return text
