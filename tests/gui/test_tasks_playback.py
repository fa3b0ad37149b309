"""Background tasks (errors, cancel, stale results) and the player's allocation-free callback."""

import tracemalloc

import numpy as np
import pytest

from relstudio.core.progress import Progress
from relstudio.gui.playback import Player, SoundDeviceBackend
from relstudio.gui.tasks import TaskRunner
from tests.gui.conftest import FakeBackend, play_out


def _steps(n, log, *, fail=False, value="done"):
    try:
        for i in range(n):
            yield Progress(i / n, f"step {i}")
            if fail and i == 1:
                raise RuntimeError("boom in the worker")
        return value
    finally:
        log.append("closed")


def test_errors_reach_the_gui(qtbot):
    runner = TaskRunner()
    log, done = [], []
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.submit(_steps(5, log, fail=True), on_done=done.append, name="failing")
    name, exc, text = blocker.args
    assert name == "failing" and isinstance(exc, RuntimeError) and "boom in the worker" in text
    assert not done and not runner.busy and log == ["closed"]
    runner.wait()


def test_cancel_closes_the_generator_and_drops_the_result(qtbot):
    import threading

    runner = TaskRunner()
    gate, log, done = threading.Event(), [], []

    def slow():
        try:
            yield Progress(0.0, "waiting")
            gate.wait(5)
            yield Progress(0.5, "half")
            return "never"
        finally:
            log.append("closed")

    with qtbot.waitSignal(runner.progress, timeout=5000, check_params_cb=lambda f, m: m == "waiting"):
        runner.submit(slow(), on_done=done.append, name="slow")  # the generator is running now
    with qtbot.waitSignal(runner.cancelled, timeout=2000):
        runner.cancel()
    gate.set()
    assert runner.wait(5000)
    qtbot.wait(50)
    assert log == ["closed"] and done == [] and not runner.busy


def test_a_new_job_supersedes_the_running_one(qtbot):
    import threading

    runner = TaskRunner()
    gate, done = threading.Event(), []

    def first():
        yield Progress(0.0)
        gate.wait(5)
        return "stale"

    runner.submit(first(), on_done=done.append)
    with qtbot.waitSignal(runner.busyChanged, timeout=5000, check_params_cb=lambda b: b is False):
        runner.submit(_steps(2, []), on_done=done.append)
    gate.set()
    runner.wait(5000)
    qtbot.wait(50)
    assert done == ["done"]


def test_a_job_cancelled_after_its_last_report_hands_its_result_to_on_dropped(qtbot):
    """A task that finished its work while being cancelled: its result is dropped, but can be undone."""
    import threading

    runner = TaskRunner()
    inside, gate, done, dropped = threading.Event(), threading.Event(), [], []

    def finishing():
        yield Progress(0.9, "saving")
        inside.set()
        gate.wait(5)  # writing files: no more yields, so the cancel cannot land
        return "written"

    runner.submit(finishing(), on_done=done.append, on_dropped=dropped.append, name="finishing")
    assert inside.wait(5)
    runner.cancel()
    gate.set()
    assert runner.wait(5000)
    qtbot.waitUntil(lambda: dropped == ["written"], timeout=2000)
    assert done == [] and not runner.busy


# -- playback ------------------------------------------------------------------------------
@pytest.fixture
def player(qtbot):
    backend = FakeBackend()
    p = Player(backend)
    p.set_audio(np.arange(16000, dtype=np.float32) / 16000, 16000)
    yield p, backend
    p.close()


def test_play_list_is_played_exactly_and_seamlessly(player):
    p, backend = player
    played = p.play_ranges([(0.5, 0.6), (0.1, 0.2), (0.55, 0.7)], margin=0.01)
    assert played == [(1440, 3360), (7840, 11360)]  # sorted, padded, overlaps merged
    rec = play_out(p, backend.stream, frames=777)  # blocks straddle range ends
    x = p._buffer[:, 0]
    expected = np.concatenate([x[1440:3360], x[7840:11360]])
    np.testing.assert_array_equal(rec[: len(expected), 0], expected)
    assert not rec[len(expected):].any() and p.state == "stopped"
    assert p.position == pytest.approx(11360 / 16000)


def test_pause_resume_seek(player):
    p, backend = player
    p.play(0.0)
    backend.stream.pump(2, 1000)
    p.poll()
    assert p.position == pytest.approx(2000 / 16000)
    p.pause()
    assert p.state == "paused" and backend.stream.active  # the stream runs on, silent
    assert not backend.stream.pump(1, 300).any() and p.position == pytest.approx(2000 / 16000)
    p.resume()
    assert p.state == "playing" and backend.stream.active
    np.testing.assert_array_equal(backend.stream.pump(1, 100)[:, 0], p._buffer[2000:2100, 0])
    p.seek(0.5)
    out = backend.stream.pump(1, 100)
    np.testing.assert_array_equal(out[:, 0], p._buffer[8000:8100, 0])
    p.stop()
    assert p.state == "stopped"


def test_one_stream_is_started_once_and_kept_for_every_play(player):
    p, backend = player
    assert len(backend.streams) == 1 and backend.stream.active  # started with the track, before any click
    for t0 in (0.1, 0.5, 0.2):
        p.play_ranges([(t0, t0 + 0.05)])
        assert p.position == pytest.approx(t0)  # the cursor moves at once
        play_out(p, backend.stream, frames=256)
    p.stop()
    p.set_audio(np.zeros(800, np.float32), 16000)  # same format: same stream
    assert len(backend.streams) == 1 and backend.stream.active and not backend.stream.closed
    p.set_audio(np.zeros(800, np.float32), 22050)
    assert len(backend.streams) == 2 and backend.streams[0].closed and backend.stream.active


def test_a_loop_wraps_seamlessly_until_it_is_turned_off(player):
    p, backend = player
    p.play_ranges([(0.25, 0.26)], loop=True)  # 160 samples, blocks of 700 straddle the wrap
    out = backend.stream.pump(4, 700)[:, 0]
    period = p._buffer[4000:4160, 0]
    np.testing.assert_array_equal(out, np.tile(period, 4 * 700 // 160 + 1)[: 4 * 700])
    p.poll()
    assert p.state == "playing" and p.looping
    p.set_loop(False)
    rec = play_out(p, backend.stream, frames=700)
    assert p.state == "stopped" and not rec[200:].any()


def test_callback_allocates_no_arrays(player):
    p, backend = player
    p.set_audio(np.zeros(48000 * 20, np.float32), 48000)
    p.play_ranges([(0.0, 0.05), (1.0, 1.03)], loop=True)  # wraps many times inside every block
    out = np.zeros((8192, 1), np.float32)  # 32 KiB per block: any copy would show
    p._callback(out, 8192, None, None)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(50):
        p._callback(out, 8192, None, None)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert peak < 8192, f"the audio callback allocated {peak} bytes"


def test_without_output_device_playback_is_refused_with_reason(qtbot):
    p = Player(FakeBackend("no audio output device (Error querying device -1)"))
    p.set_audio(np.zeros(1000, np.float32), 16000)
    with qtbot.waitSignal(p.error, timeout=1000) as blocker:
        p.play()
    assert not p.available and "no audio output device" in blocker.args[0] and p.state == "stopped"


def test_sounddevice_backend_reports_a_missing_device(monkeypatch):
    import sounddevice as sd

    def no_device(*a, **k):
        raise sd.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sd, "query_devices", no_device)
    reason = SoundDeviceBackend().probe()
    assert reason and "no audio output device" in reason and "-1" in reason


def test_pyside_reference_leaks_cannot_exhaust_none_or_true():
    """PySide6 6.12.0 drops a reference of None per void call and of True per emit(); on Python < 3.12
    relstudio.gui pins both (as 3.12 makes them immortal), so long sessions cannot abort."""
    import sys

    from PySide6.QtCore import QObject, Signal

    from relstudio.gui import qt_fixes

    class Pinger(QObject):
        ping = Signal(bool)

    p = Pinger()
    p.ping.connect(lambda _b: None)
    leaking = qt_fixes.leaks()
    if sys.version_info < (3, 12):
        for name, obj in (("None", None), ("True", True)):
            if leaking[name]:
                assert name in qt_fixes.PINNED and sys.getrefcount(obj) > qt_fixes.PIN // 2
    for _ in range(50000):  # more than None's or True's references in a fresh 3.11 interpreter
        p.ping.emit(True)
        p.setObjectName("x")
    assert sys.getrefcount(None) > 1000 and sys.getrefcount(True) > 1000
