"""Fixtures for the GUI tests: small-front-end experts, a synthetic track, a fake audio stream.

Everything runs offscreen on the CPU with no sound card: the player gets a
:class:`FakeBackend` whose streams call the real audio callback on demand and
record every frame it wrote.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from relstudio.core.experts.expert_file import save_expert
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig
from tests.synth import clicks, noise, tone, write_wav

FRONTEND = FrontendConfig.small()
NET = ExpertCNNConfig(filters=(6, 6, 4), hidden=8)
LABELS = ("alpha", "beta", "gamma")
COLOURS = ("#e6194b", "#3cb44b", "#4363d8")


def make_expert(folder, label, *, seed, colour="", frontend=FRONTEND):
    torch.manual_seed(seed)
    module = ExpertCNN(frontend, NET)
    with torch.no_grad():  # larger weights than the default init: probabilities that differ between experts
        for p in module.parameters():
            p.mul_(4.0)
    return save_expert(folder / f"{label}.expert.safetensors", module, label=label, colour=colour,
                       description=f"test expert {label}")


class FakeStream:
    def __init__(self, *, samplerate, channels, callback):
        self.samplerate, self.channels, self.callback = samplerate, channels, callback
        self.active = False
        self.closed = False
        self.blocks: list[np.ndarray] = []

    def start(self):
        self.active = True

    def stop(self):
        self.active = False

    def close(self):
        self.closed = True

    def pump(self, n_blocks: int = 1, frames: int = 512) -> np.ndarray:
        """Call the callback ``n_blocks`` times as PortAudio would; returns what it wrote."""
        out = []
        for _ in range(n_blocks):
            buf = np.full((frames, self.channels), np.nan, np.float32)  # NaN: any frame not written shows
            self.callback(buf, frames, None, None)
            self.blocks.append(buf.copy())
            out.append(buf)
        return np.concatenate(out) if out else np.zeros((0, self.channels), np.float32)

    def recorded(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, self.channels), np.float32)


class FakeBackend:
    def __init__(self, reason: str | None = None):
        self.reason = reason
        self.streams: list[FakeStream] = []

    def probe(self):
        return self.reason

    def open(self, *, samplerate, channels, callback):
        stream = FakeStream(samplerate=samplerate, channels=channels, callback=callback)
        self.streams.append(stream)
        return stream

    @property
    def stream(self) -> FakeStream:
        return self.streams[-1]


def play_out(player, stream: FakeStream, *, frames: int = 700, limit: int = 10000) -> np.ndarray:
    """Pump until the play list is done and the player stopped; returns the frames played (no padding)."""
    start = len(stream.blocks)
    for _ in range(limit):
        stream.pump(1, frames)
        player.poll()
        if player.state != "playing":
            break
    rec = np.concatenate(stream.blocks[start:])
    finite = np.isfinite(rec).all(axis=1)
    assert finite.all(), "the callback left frames unwritten"
    return rec


class ScriptedDialogs:
    """Answers the window's questions from queues; records errors instead of showing them."""

    def __init__(self):
        self.answers: list = []
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str]] = []  # questions put by unsaved() and choose()
        self.notes: list[tuple[str, str, dict]] = []  # notify(): title, text, {button: action}

    def _next(self, default):
        return self.answers.pop(0) if self.answers else default

    def open_file(self, *a, **k):
        return self._next("")

    def open_files(self, *a, **k):
        return self._next([])

    def open_folder(self, *a, **k):
        return self._next("")

    def save_file(self, *a, **k):
        return self._next("")

    def text(self, *a, **k):
        return self._next(None)

    def unsaved(self, title, message):
        self.asked.append((title, message))
        return self._next("discard")  # tests that do not answer may close their window

    def choose(self, title, message, choices):
        self.asked.append((title, message))
        return self._next(None)

    def notify(self, title, message, actions):
        self.notes.append((title, message, actions))

    def error(self, title, message):
        self.errors.append((title, message))

    def info(self, title, message):
        self.infos.append((title, message))


@pytest.fixture
def library_dir(tmp_path):
    folder = tmp_path / "experts"
    folder.mkdir()
    for i, (label, colour) in enumerate(zip(LABELS, COLOURS)):
        make_expert(folder, label, seed=10 + i, colour=colour)
    return folder


@pytest.fixture
def library(library_dir):
    return ExpertLibrary([(library_dir, "user")], frontend=FRONTEND)


@pytest.fixture
def track(tmp_path):
    """Eight seconds at 16 kHz: a tone, noise, clicks and a harmonic tone."""
    x = np.concatenate([tone(330, 2.0), noise(2.0, seed=3), clicks(2.0), tone(660, 2.0, harmonics=5)])
    path = tmp_path / "track.wav"
    write_wav(path, x)
    return path


@pytest.fixture
def cache(tmp_path):
    from relstudio.core.cache import ProbabilityCache

    return ProbabilityCache(tmp_path / "probs")


def make_window(qtbot, library, cache, folder, *, dialogs=None, size=(1200, 800)):
    """A shown MainWindow on ``library`` with a fake audio stream and scripted dialogs (viewpoints in ``folder``)."""
    from relstudio.gui.document import Document
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player

    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=folder / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=dialogs if dialogs is not None else ScriptedDialogs())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    return w


def wait_idle(qtbot, doc, timeout: float = 30.0) -> None:
    """Process events until the document has a track, an analysis and no job running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        qtbot.wait(10)
        if doc.track is not None and doc.analysis is not None and not doc.runner.busy and not doc.pending():
            return
    raise AssertionError("the analysis did not finish in time")
