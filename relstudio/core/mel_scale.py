"""The mel scale and the mel filter bank in numpy, the same numbers as librosa's without importing it.

librosa's first ``filters.mel`` call costs about 150 MB of resident memory and a second of start-up
(its lazy imports and numba); the front end needs only these few lines. The operations mirror
``librosa.filters.mel`` and ``librosa.mel_frequencies`` step by step (float64, then float32 weights),
so the filter bank is bit-identical (``tests/core/test_frontend.py`` compares both).
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError

_F_SP = 200.0 / 3  # Slaney: Hz per mel below 1 kHz
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(hz, *, htk: bool = False) -> np.ndarray:
    hz = np.asanyarray(hz, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + hz / 700.0)
    mels = hz / _F_SP
    log_t = hz >= _MIN_LOG_HZ
    mels = np.where(log_t, _MIN_LOG_MEL + np.log(np.where(log_t, hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOGSTEP, mels)
    return mels


def mel_to_hz(mels, *, htk: bool = False) -> np.ndarray:
    mels = np.asanyarray(mels, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    freqs = _F_SP * mels
    log_t = mels >= _MIN_LOG_MEL
    return np.where(log_t, _MIN_LOG_HZ * np.exp(_LOGSTEP * (mels - _MIN_LOG_MEL)), freqs)


def mel_frequencies(n: int, *, fmin: float, fmax: float, htk: bool = False) -> np.ndarray:
    """``n`` frequencies (Hz) evenly spaced on the mel scale from ``fmin`` to ``fmax``."""
    return mel_to_hz(np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n), htk=htk)


def mel_filterbank(*, sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float, htk: bool = False,
                   norm: str | None = "slaney") -> np.ndarray:
    """``(n_mels, 1 + n_fft // 2)`` float32 triangular filters (Slaney area norm, or ``norm=None``)."""
    if norm not in ("slaney", None):
        raise ParameterError(f"mel norm must be 'slaney' or None, got {norm!r}")
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    if norm == "slaney":
        weights *= (2.0 / (mel_f[2: n_mels + 2] - mel_f[:n_mels]))[:, np.newaxis]
    return weights
