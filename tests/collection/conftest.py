import numpy as np
import pytest

from tests.expert_factory import tone_noise_experts
from tests.synth import noise, tone, write_wav


@pytest.fixture(scope="session")
def tone_noise(tmp_path_factory):
    """Two experts fitted on tones vs noise (16 kHz small front end): (tone_info, noise_info)."""
    return tone_noise_experts(tmp_path_factory.mktemp("experts"))


def make_collection(folder, *, n_tone=3, n_noise=3, bad=True):
    """Tones at the top level, noise in a sub-folder, and (optionally) an unreadable file."""
    (folder / "noisy").mkdir(parents=True, exist_ok=True)
    for i in range(n_tone):
        write_wav(folder / f"tone{i}.wav", tone(220.0 * (i + 1), 2.0 + 0.5 * i, harmonics=3))
    for i in range(n_noise):
        write_wav(folder / "noisy" / f"noise{i}.wav", noise(2.0 + 0.5 * i, seed=10 + i))
    if bad:
        (folder / "broken.wav").write_bytes(b"RIFF not really")
    (folder / "notes.txt").write_text("not audio, not even looked at")
    return folder


def tone_in_silence(before=3.0, seconds=2.0, after=3.0, *, rate=16000):
    """Silence, a harmonic tone, silence: the tone is where the experts are certain."""
    pad = lambda s: np.zeros(int(s * rate), np.float32)
    return np.concatenate([pad(before), tone(330.0, seconds, rate=rate, harmonics=3), pad(after)]).astype(np.float32)
