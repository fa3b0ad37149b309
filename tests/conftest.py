import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Never touch the user's real cache or library during tests."""
    base = tmp_path_factory.mktemp("relstudio-home")
    monkeypatch.setenv("RELSTUDIO_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("RELSTUDIO_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("RELSTUDIO_LOG_DIR", str(base / "logs"))
