import pytest


@pytest.fixture(autouse=True)
def _two_threads():
    """The CI machine has 2 cores shared with the rest of the suite."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(min(2, before))
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def good_expert():
    from relstudio.core.experts.expert_file import load_expert

    from tests.reliability.corpus import GOOD_EXPERT

    return load_expert(GOOD_EXPERT)


@pytest.fixture
def read_only(monkeypatch):
    """``read_only(folder)`` makes a folder read-only (created if needed) and returns it.

    Mode bits do not stop root, so when the tests run as root creating a file
    in such a folder (``tempfile.mkstemp``, which every relstudio write goes
    through) fails with the same ``PermissionError`` a user would get.
    """
    import errno
    import os
    import tempfile
    from pathlib import Path

    locked: list[Path] = []

    def make(folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        locked.append(folder.resolve())
        return folder

    if os.geteuid() == 0:
        real = tempfile.mkstemp

        def mkstemp(*args, dir=None, **kwargs):
            where = Path(dir).resolve() if dir is not None else None
            if where is not None and any(where == f or f in where.parents for f in locked):
                raise PermissionError(errno.EACCES, "Permission denied", str(dir))
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    yield make
    for folder in locked:
        folder.chmod(0o755)
