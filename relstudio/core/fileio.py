"""File helpers at the bottom of the core: atomic writes, checked npz arrays and content hashes.

Everything relstudio writes goes through :func:`atomic_write_bytes` (temp file
in the same folder, fsync, rename), so a cancelled or killed run never leaves
a half-written file. :func:`file_hash` is the key of every per-file cache.
:func:`replace_target` refuses to rename over anything but a regular file
(a device, a FIFO, a folder). User files are read through
:mod:`relstudio.core.schemas` (guarded JSON, validated). This module imports nothing from relstudio but :mod:`relstudio.core.errors`.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import zlib
from pathlib import Path

import numpy as np

from relstudio.core.errors import ParameterError

UMASK = os.umask(0)  # the process's umask, read once: new files get 0666 & ~UMASK
os.umask(UMASK)

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def replace_target(path) -> Path:
    """The path an atomic rename may replace for ``path``: itself, or a symbolic link's regular target.

    Raises :class:`ParameterError` when ``path`` exists and is not a regular
    file (a folder, a device, a FIFO, a socket): those are never replaced.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return path
    except OSError:
        return path  # the write itself will report it, naming the file
    if not stat.S_ISREG(mode):
        raise ParameterError(f"{path}: is {_kind(mode)}, not a regular file; it is never replaced")
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file + rename (never half-written).

    The file gets the usual permissions (an existing file's, else 0666 less the
    umask). An ``OSError`` (read-only folder, full disk) is re-raised with
    ``filename`` set to ``path`` rather than the temporary name. Only a regular
    file (or a new path) is ever replaced (:func:`replace_target`).
    """
    path = replace_target(path)  # refuses folders, devices, FIFOs; writes through a symlink to its file
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~UMASK
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            os.fchmod(f.fileno(), mode)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError) and exc.errno is not None:
            raise type(exc)(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def write_checked_npz(path: Path, arr: np.ndarray) -> None:
    """Store ``arr`` with a CRC in an npz file, through temp + rename; OSError propagates."""
    buf = io.BytesIO()
    np.savez(buf, data=arr, crc=np.array([zlib.crc32(arr.tobytes())], dtype=np.int64))
    atomic_write_bytes(path, buf.getvalue())


def read_checked_npz(path: Path, *, dtype, ndim: int) -> np.ndarray | None:
    """The array of a :func:`write_checked_npz` file, or ``None`` (file deleted) when it is corrupt."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arr, crc = z["data"], int(z["crc"][0])
        if arr.dtype != dtype or arr.ndim != ndim or zlib.crc32(arr.tobytes()) != crc:
            raise ValueError("checksum mismatch")
        return arr
    except Exception:
        try:
            path.unlink()
        except OSError:
            pass
        return None


def file_hash(path) -> str:
    """Content hash of a file (size + bytes, blake2b-128): the key of every per-file cache."""
    h = hashlib.blake2b(digest_size=16)
    h.update(str(os.path.getsize(path)).encode())
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()
