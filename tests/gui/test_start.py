"""Start-up (issue 17): the window is shown and painted before torch is imported; a track given on the
command line is analysed once the engine has been imported in the background; 16-bit audio plays as floats.

The start-up runs in a fresh interpreter (``sys.modules`` of this test process has torch already).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from relstudio.gui.playback import Player
from tests.gui.conftest import LABELS, FakeBackend, make_expert, play_out
from tests.synth import tone, write_wav

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from relstudio.gui.app import build_parser, create_window

app, window = create_window(build_parser().parse_args(sys.argv[1:]))
doc = window.doc
out = {"torch_at_show": "torch" in sys.modules, "ready_at_show": doc.engine_ready,
       "loading_shown": window.expert_panel.loading.isVisibleTo(window.expert_panel),
       "device_text": window.status.device_label.text()}
painted = []
deadline = time.monotonic() + 240  # a bail-out for a hung run, not a timing check
while (doc.analysis is None or doc.runner.busy) and time.monotonic() < deadline:
    app.processEvents()
    if window.engine_warmup.thread is not None and not painted:
        painted.append("torch" in sys.modules)  # the import thread starts only after the first paint
    time.sleep(0.01)
out.update(torch_when_thread_started=painted[:1], ready=doc.engine_ready, analysed=doc.analysis is not None,
           experts=[e.label for e in doc.analysis.experts] if doc.analysis else [],
           loading_after=window.expert_panel.loading.isVisibleTo(window.expert_panel),
           device_after=window.status.device_label.text(), torch_after="torch" in sys.modules)
print("RESULT " + json.dumps(out), flush=True)
window.close()
"""


def test_window_shows_before_torch_and_analyses_the_track_after(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    for i, label in enumerate(LABELS[:2]):
        make_expert(lib, label, seed=i)
    track = tmp_path / "track.wav"
    write_wav(track, tone(440, 3.0, rate=16000, harmonics=3), 16000)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               **{k: str(tmp_path / k.lower()) for k in ("RELSTUDIO_DATA_DIR", "RELSTUDIO_CACHE_DIR",
                                                         "RELSTUDIO_LOG_DIR")})
    proc = subprocess.run([sys.executable, "-c", CHILD, str(track), "--device", "cpu", "--library", str(lib)],
                          env=env, capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, proc.stderr[-3000:]
    r = json.loads(lines[-1][len("RESULT "):])
    assert r["torch_at_show"] is False and r["ready_at_show"] is False
    assert r["loading_shown"] and r["device_text"] == "loading experts…"
    assert r["analysed"] and r["ready"] and r["torch_after"], r
    assert sorted(r["experts"]) == sorted(LABELS[:2])
    assert not r["loading_after"] and r["device_after"] == "CPU"


def test_sixteen_bit_pcm_plays_as_floats(qtbot):
    pcm = (np.arange(-8000, 8000, dtype=np.int16) * 4).astype(np.int16)
    backend = FakeBackend()
    p = Player(backend)
    p.set_audio(pcm, 16000)
    assert p._buffer.dtype == np.int16  # kept compact
    p.play_samples([(100, 5000)])
    rec = play_out(p, backend.stream, frames=333)
    np.testing.assert_array_equal(rec[:4900, 0], pcm[100:5000].astype(np.float32) / 32768)
    p.close()
