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


def write_wav(path, x: np.ndarray, rate: int = 16000, subtype: str = "PCM_16") -> None:
    import soundfile as sf

    sf.write(str(path), x, rate, subtype=subtype)
