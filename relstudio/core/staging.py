"""All-or-nothing output folders: stage beside the target, move in when complete; clean what killed runs left.

A run writing several files (``relstudio train --out DIR``) writes them into a
hidden folder ``.DIR.staging-PID-XXXX`` beside ``DIR`` and moves them in only
when it finished (:func:`staged_output`). If ``DIR`` did not exist, or was
empty, the move is one ``rename`` of the folder: the library sees either the
complete output or nothing. Into an existing, non-empty ``DIR`` of plain files,
the files the run did not write are hard-linked into the staging folder, then
``DIR`` is renamed aside (``.DIR.old-PID``) and the staging folder renamed in:
a run killed between those two renames leaves the old ``DIR`` hidden aside,
and :func:`clean_stale` puts it back. (A ``DIR`` holding sub-folders, or on a
file system without hard links, gets the files renamed in one by one, experts
last, so a report never describes missing models.)

Hidden names (``.NAME.…tmp`` temp files of :func:`atomic_write_bytes`, staging
folders) are never listed by the library; :func:`clean_stale` removes those
left by a run that no longer exists (staging folders whose process is gone,
temp files older than an hour).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from relstudio.core.errors import ParameterError
from relstudio.core.fileio import UMASK

STAGING_MARK = ".staging-"
ASIDE_MARK = ".old-"
STALE_TMP_SECONDS = 3600


def is_hidden(path: Path, root: Path) -> bool:
    """True when ``path`` (under ``root``) or one of its folders below ``root`` has a hidden name."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        parts = Path(path).parts[-1:]
    return any(p.startswith(".") for p in parts)


def check_writable(folder) -> Path:
    """Refuse ``folder`` (or the folder that would hold it) when it cannot be written; before any work starts."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"{folder}: exists and is not a folder")
    parent = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("."))
    try:
        fd, probe = tempfile.mkstemp(prefix=".relstudio-probe-", suffix=".tmp", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"{folder}: cannot write there ({exc.strerror or exc})") from exc
    return folder


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host exists (another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _marked_pid(name: str, mark: str) -> int | None:
    if not name.startswith(".") or mark not in name:
        return None
    try:
        return int(name.rsplit(mark, 1)[1].split("-", 1)[0])
    except ValueError:
        return None


def _restore_aside(path: Path) -> None:
    """A folder a killed run set aside (``.DIR.old-PID``): back to ``DIR`` when that is missing, else removed."""
    target = path.with_name(path.name[1:].rsplit(ASIDE_MARK, 1)[0])
    if target.exists():
        shutil.rmtree(path)
    else:
        os.replace(path, target)


def clean_stale(folder) -> list[Path]:
    """Remove, in ``folder`` and below, staging folders of dead runs and temp files older than an hour."""
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    now = time.time()
    for path in list(folder.rglob(".*")):
        try:
            pid = _marked_pid(path.name, STAGING_MARK)
            aside = _marked_pid(path.name, ASIDE_MARK)
            if pid is not None and path.is_dir() and not _pid_alive(pid):
                shutil.rmtree(path)
                removed.append(path)
            elif aside is not None and path.is_dir() and not _pid_alive(aside):
                _restore_aside(path)
                removed.append(path)
            elif path.name.endswith(".tmp") and path.is_file() and now - path.stat().st_mtime > STALE_TMP_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # a read-only library: the names stay hidden, nothing else happens
    return removed


def _move_in(staging: Path, out: Path) -> None:
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
        return
    if _swap_in(staging, out):
        return
    files = sorted(staging.iterdir(), key=lambda p: (p.name.endswith(".safetensors"), p.name))
    for src in files:  # the report first, model files last
        os.replace(src, out / src.name)
    staging.rmdir()


def _swap_in(staging: Path, out: Path) -> bool:
    """Replace the folder ``out`` of plain files by ``staging`` plus ``out``'s other files; False when it can't."""
    others = [p for p in out.iterdir() if not (staging / p.name).exists()]
    if any(p.is_dir() or not p.is_file() for p in others):
        return False
    try:
        for p in others:
            os.link(p, staging / p.name)
    except OSError:
        for p in others:
            (staging / p.name).unlink(missing_ok=True)
        return False
    aside = out.with_name(f".{out.name}{ASIDE_MARK}{os.getpid()}")
    os.replace(out, aside)
    os.replace(staging, out)
    shutil.rmtree(aside, ignore_errors=True)
    return True


@contextmanager
def staged_output(out):
    """``with staged_output(DIR) as tmp:`` write into ``tmp``; on success its files are moved into ``DIR``.

    On any exception (including a cancel) the staging folder is removed and
    ``DIR`` is left as it was.
    """
    out = Path(out)
    check_writable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_MARK}{os.getpid()}-", dir=out.parent))
    try:
        os.chmod(staging, 0o777 & ~UMASK)  # mkdtemp's 0700 would become the output folder's mode
        yield staging
        _move_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
