"""``-o``: ``-`` is stdout; devices, FIFOs and ``/dev/stdout`` are written into and stay what they are.

The real ``/dev/null`` is never used as a target here: a FIFO and ``/dev/stdout``
of a child process stand in for devices.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest

from relstudio.cli import main
from relstudio.core.errors import ParameterError
from relstudio.core.fileio import atomic_write_bytes
from relstudio.core.outputs import is_in_place, write_output
from tests.reliability.corpus import AUDIO_DIR, GOOD_EXPERT

REPO = AUDIO_DIR.parents[3]
TRACK = AUDIO_DIR / "rate_8k.wav"
ANALYZE = ["analyze", str(TRACK), "--experts", str(GOOD_EXPERT), "--no-cache", "--format", "csv"]


def _fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    got = []
    reader = threading.Thread(target=lambda: got.append(path.read_bytes()), daemon=True)
    reader.start()
    return path, got, reader


def _child(args, stdout=subprocess.PIPE):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, *args], stdout=stdout, stderr=subprocess.PIPE, cwd=REPO, env=env,
                          timeout=300)


def test_write_output_into_a_fifo_leaves_it_a_fifo(tmp_path):
    path, got, reader = _fifo(tmp_path)
    assert is_in_place(path)
    write_output(path, b"segments\n")
    reader.join(10)
    assert got == [b"segments\n"] and stat.S_ISFIFO(path.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temp file left beside it


def test_atomic_write_refuses_to_replace_a_fifo_or_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ParameterError, match="is a FIFO, not a regular file"):
        atomic_write_bytes(tmp_path / "pipe", b"x")
    with pytest.raises(ParameterError, match="is a folder"):
        atomic_write_bytes(tmp_path / "folder", b"x")
    assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode) and (tmp_path / "folder").is_dir()


def test_atomic_write_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    write_output(tmp_path / "link.csv", b"new")
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "new"


def test_dash_is_stdout(capsysbinary):
    assert main([*ANALYZE, "-o", "-"]) == 0
    out, err = capsysbinary.readouterr()
    assert out.startswith(b"start,") or out.count(b"\n") > 1, out[:80]
    assert b"to stdout" in err and not os.path.exists("-")


def test_cli_output_to_a_fifo(tmp_path, capsys):
    path, got, reader = _fifo(tmp_path)
    assert main([*ANALYZE, "-o", str(path)]) == 0
    reader.join(10)
    assert got and got[0].count(b"\n") > 1 and stat.S_ISFIFO(path.stat().st_mode)


def test_cli_output_to_dev_stdout_in_a_child_process():
    assert os.path.islink("/dev/stdout") or stat.S_ISCHR(os.stat("/dev/stdout").st_mode)
    before = os.lstat("/dev/stdout")
    done = _child(["-m", "relstudio", *ANALYZE, "-o", "/dev/stdout"])
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.count(b"\n") > 1 and b"Traceback" not in done.stderr
    after = os.lstat("/dev/stdout")
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # still the same link / device


def test_dev_stdout_redirected_to_a_file_is_written_not_replaced(tmp_path):
    target = tmp_path / "out.csv"
    code = "from relstudio.core.outputs import write_output; write_output('/dev/stdout', b'a,b\\n')"
    with open(target, "wb") as f:
        done = _child(["-c", code], stdout=f)
        inode = os.fstat(f.fileno()).st_ino
    assert done.returncode == 0, done.stderr.decode()
    assert target.read_bytes() == b"a,b\n" and target.stat().st_ino == inode  # same file, written into
