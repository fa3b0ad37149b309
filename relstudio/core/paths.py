"""Where shipped files and user folders live (source tree, installed, or PyInstaller bundle)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


def shipped_experts_dir() -> Path:
    env = os.environ.get("RELSTUDIO_SHIPPED_EXPERTS")
    return Path(env) if env else _root() / "trained_experts"


def resources_dir() -> Path:
    return _root() / "resources"


def demo_track() -> Path:
    return resources_dir() / "demo" / "feelings.ogg"


def user_data_dir() -> Path:
    env = os.environ.get("RELSTUDIO_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("relstudio", appauthor=False))


def user_experts_dir() -> Path:
    return user_data_dir() / "experts"


def cache_dir() -> Path:
    env = os.environ.get("RELSTUDIO_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("relstudio", appauthor=False))


def log_dir() -> Path:
    import platformdirs

    return Path(os.environ.get("RELSTUDIO_LOG_DIR") or platformdirs.user_log_dir("relstudio", appauthor=False))
