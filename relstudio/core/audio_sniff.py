"""What a file says about its audio, apart from decoding it: WAV data sizes, text files, decoder reports.

:mod:`relstudio.core.audio` uses these to name why a file cannot be read
(truncated WAV, a text file with an audio name, a decoder reporting no rate,
channels or frames) instead of passing on a decoder's own message.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from relstudio.core.errors import AudioReadError

MAX_RATE = 1_000_000


def check_decoded(path: Path, native, channels: int, frames: int | None) -> None:
    """Refuse what a decoder reports without usable audio: rate not in 1 Hz … 1 MHz, no channels, no frames."""
    ok_rate = isinstance(native, (int, float, np.integer, np.floating)) and 0 < native <= MAX_RATE
    if not ok_rate or channels <= 0 or frames == 0:
        found = f"rate {native}, {channels} channels" + (f", {frames} frames" if frames is not None else "")
        raise AudioReadError(path, f"not a readable audio file (the decoder reports {found})")


def riff_data_sizes(path: Path) -> tuple[int, int] | None:
    """``(declared, present)`` bytes of a RIFF/WAVE file's data chunk; ``None`` if not a WAV."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            if f.read(12)[8:12] != b"WAVE":
                return None
            f.seek(0)
            if f.read(4) != b"RIFF":
                return None
            pos = 12
            for _ in range(64):  # a WAV has a handful of chunks; stop on nonsense
                f.seek(pos)
                head = f.read(8)
                if len(head) < 8:
                    return None
                cid, n = head[:4], struct.unpack("<I", head[4:])[0]
                if cid == b"data":
                    return n, size - pos - 8
                pos += 8 + n + (n & 1)
                if pos >= size:
                    return None
    except OSError:
        return None
    return None


def looks_like_text(path: Path) -> bool:
    """True when the first 2 KiB of ``path`` read as printable UTF-8 text (a mislabelled text file)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
        text = head.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    printable = sum(c.isprintable() or c in "\r\n\t" for c in text)
    return bool(text) and "\x00" not in text and printable >= 0.95 * len(text)
