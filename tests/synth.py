"""Synthetic audio for tests: tones, noise, clicks — no external data."""

from __future__ import annotations

import numpy as np


def tone(freq: float, seconds: float, *, rate: int = 16000, amp: float = 0.5, harmonics: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = sum(amp / h * np.sin(2 * np.pi * freq * h * t) for h in range(1, harmonics + 1))
    return np.asarray(x, np.float32)


def noise(seconds: float, *, rate: int = 16000, amp: float = 0.3, seed: int = 0, lowpass: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(seconds * rate)).astype(np.float32)
    if lowpass:
        x = np.convolve(x, np.ones(16) / 16, mode="same").astype(np.float32)
    return (amp * x / max(1e-9, np.abs(x).max())).astype(np.float32)


def clicks(seconds: float, *, rate: int = 16000, every: float = 0.25, amp: float = 0.9) -> np.ndarray:
    x = np.zeros(int(seconds * rate), np.float32)
    step = int(every * rate)
    decay = np.exp(-np.arange(200) / 30.0).astype(np.float32)
    for i in range(0, len(x) - 200, step):
        x[i:i + 200] += amp * decay
    return x


def plucked(seconds: float, *, rate: int = 16000, seed: int = 0) -> np.ndarray:
    """Overlapping harmonic notes that decay 25–60 dB a second from −30…−6 dBFS (a plucked or struck
    instrument): their quiet ends are where a level reference floored too high changes the features."""
    rng = np.random.default_rng(seed)
    x = np.zeros(int(seconds * rate), np.float32)
    t0 = 0.0
    while t0 < seconds - 0.5:
        n, f = int(rng.uniform(0.4, 1.6) * rate), 110 * 2 ** (rng.integers(0, 36) / 12)
        t = np.arange(n) / rate
        note = sum(np.sin(2 * np.pi * f * h * t) / h ** 1.5 for h in range(1, 8) if f * h < rate / 2)
        env = 10 ** ((rng.uniform(-30, -6) - rng.uniform(25, 60) * t) / 20)
        a = int(t0 * rate)
        x[a:a + n] += (note * env)[:len(x) - a].astype(np.float32)
        t0 += rng.uniform(0.2, 1.2)
    return x


def write_wav(path, x: np.ndarray, rate: int = 16000, subtype: str = "PCM_16") -> None:
    import soundfile as sf

    sf.write(str(path), x, rate, subtype=subtype)


EVIDENCE_REGIONS = {  # seconds of each part of :func:`evidence_clip`
    "tone": (0.0, 3.0), "silence": (3.0, 6.0), "noise": (6.0, 8.0), "hiss": (8.0, 11.0),
    "tone2": (11.0, 13.0), "fade": (13.0, 15.0), "tail": (15.0, 16.0),
}


def evidence_clip(*, rate: int = 16000, gain_db: float = 0.0) -> np.ndarray:
    """Audible tone (−12 dBFS RMS) and noise (−15 dBFS RMS), digital silence, noise at −60 dBFS RMS
    ("hiss"), a tone fading out by 40 dB/s and a silent tail; see :data:`EVIDENCE_REGIONS`."""
    rng = np.random.default_rng(5)

    def rms_noise(seconds, dbfs):
        x = rng.standard_normal(int(seconds * rate))
        return x / np.sqrt(np.mean(x * x)) * 10 ** (dbfs / 20)

    t = np.arange(int(2 * rate)) / rate
    parts = [tone(440, 3.0, rate=rate, amp=0.355), np.zeros(3 * rate), rms_noise(2.0, -15.0),
             rms_noise(3.0, -60.0), tone(660, 2.0, rate=rate, amp=0.355),
             tone(660, 2.0, rate=rate, amp=0.355) * 10 ** (-40.0 * t / 20), np.zeros(rate)]
    return (np.concatenate(parts) * 10 ** (gain_db / 20)).astype(np.float32)
