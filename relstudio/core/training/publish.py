"""Publishing trained models: the finished staging folder becomes a new folder of the user's experts.

A training writes into a private staging folder; :func:`publish_folder` moves
that folder, whole, to a free name under the experts root (one rename on the
same file system; across file systems a copy, removed again if it fails), so
the library never lists a half-written family. :func:`slug` turns a dataset
or family name into that folder name.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

MAX_SLUG = 40


def slug(text: str) -> str:
    """A folder / family name: lower case letters, digits and dashes (``experts`` when nothing is left)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:MAX_SLUG] or "experts"


def free_folder(root: Path, name: str) -> Path:
    """``root/name``, or ``root/name-2``, ``-3``… the first that does not exist."""
    target, k = Path(root) / name, 2
    while target.exists():
        target, k = Path(root) / f"{name}-{k}", k + 1
    return target


def publish_folder(models: Path, *, root: Path, name: str) -> Path:
    """Move the finished ``models`` folder to a new folder under ``root`` named after ``name``; returns it."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = free_folder(root, name)
    try:
        os.replace(models, target)
    except OSError:  # another file system: copy, then remove the staging copy
        try:
            shutil.copytree(models, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
    return target
