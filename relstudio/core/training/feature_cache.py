"""Mel features of a dataset, computed once: memory LRU in front of npz files on disk.

Entries are dB mel spectrograms (float16), keyed by the audio file's content
hash × the front end's fingerprint, so an edited file or another front end
never reuses stale features. Augmentation and the [0, 1] mapping happen per
batch on these dB values (:mod:`relstudio.core.training.augment`), so no clip
is decoded twice — not per epoch, not per training run.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from relstudio.core.device import resolve_device
from relstudio.core.fileio import file_hash, read_checked_npz, write_checked_npz
from relstudio.core.errors import AudioReadError
from relstudio.core.frontend import FrontendConfig, mel_db, to_tensor
from relstudio.core.progress import Progress, Task

_MEMORY: OrderedDict[str, np.ndarray] = OrderedDict()
MEMORY_BYTES = 768 * 1024 * 1024


def default_folder() -> Path:
    from relstudio.core.paths import cache_dir

    return cache_dir() / "features"


def _remember(key: str, db: np.ndarray) -> None:
    _MEMORY[key] = db
    _MEMORY.move_to_end(key)
    while sum(a.nbytes for a in _MEMORY.values()) > MEMORY_BYTES and len(_MEMORY) > 1:
        _MEMORY.popitem(last=False)


def clip_mel_db(path: Path, frontend: FrontendConfig, *, folder: Path | None = None) -> np.ndarray:
    """``(n_mels, frames)`` float16 dB mel of one file, from memory, disk or decoded (then stored)."""
    from relstudio.core.audio import load_audio

    try:
        key = f"{file_hash(path)}-{frontend.fingerprint()}"
    except OSError as exc:
        raise AudioReadError(path, "no such file" if isinstance(exc, FileNotFoundError)
                             else f"cannot read ({exc.strerror or exc})") from exc
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    disk = (folder / f"{key}.npz") if folder is not None else None
    db = read_checked_npz(disk, dtype=np.float16, ndim=2) if disk is not None and disk.exists() else None
    if db is None:
        clip = load_audio(path, rate=frontend.sample_rate)
        import torch

        with torch.inference_mode():
            db = mel_db(to_tensor(clip.samples), frontend).numpy().astype(np.float16)
        if disk is not None:
            try:
                write_checked_npz(disk, db)
            except OSError:
                pass  # a read-only cache folder only costs speed
    _remember(key, db)
    return db


@dataclass(frozen=True, eq=False)
class FeatureSet:
    """dB mel of readable clips, zero-padded (``-top_db``) to one tensor.

    ``db``: ``(n_clips, n_mels, max_frames)`` float16 on ``device``;
    ``n_frames``: ``(n_clips,)`` real frames (CPU, so batch widths need no
    device sync); ``labels``: ``(n_clips,)`` class index on ``device``;
    ``clip_index``: the clip's index in ``dataset.clips``.
    """

    dataset: object
    frontend: FrontendConfig
    db: object
    n_frames: object
    labels: object
    clip_index: tuple[int, ...]
    unreadable: tuple[tuple[str, str], ...] = field(default=())

    def __len__(self) -> int:
        return len(self.clip_index)

    def rows(self, clip_indices) -> list[int]:
        """Rows of this set holding the given dataset clip indices (unreadable ones are skipped)."""
        where = {c: r for r, c in enumerate(self.clip_index)}
        return [where[c] for c in clip_indices if c in where]


def extract_features(dataset, frontend: FrontendConfig, *, device=None, folder: Path | None | str = "default",
                     max_frames: int | None = None) -> Task[FeatureSet]:
    """Decode and analyse every clip once (cached); yields progress, returns a :class:`FeatureSet`.

    Unreadable files are skipped and listed in ``FeatureSet.unreadable``.
    ``max_frames`` truncates longer clips (``None``: keep everything).
    """
    import torch

    folder = default_folder() if folder == "default" else (Path(folder) if folder else None)
    mels, keep, bad = [], [], []
    n = len(dataset.clips)
    for i, clip in enumerate(dataset.clips):
        try:
            db = clip_mel_db(clip.path, frontend, folder=folder)
            if max_frames:
                db = db[:, :max_frames]
            mels.append(db)
            keep.append(i)
        except AudioReadError as exc:
            bad.append((dataset.relative(clip), exc.problem))
        except OSError as exc:
            bad.append((dataset.relative(clip), f"cannot read ({exc.strerror or exc})"))
        if i % 10 == 9 or i == n - 1:
            yield Progress((i + 1) / max(n, 1), f"features of {i + 1} of {n} clips")
    lengths = [m.shape[1] for m in mels]
    width = max(lengths, default=1)
    out = np.full((len(mels), frontend.n_mels, width), -frontend.top_db, np.float16)
    for k, m in enumerate(mels):
        out[k, :, :m.shape[1]] = m
    labels = [dataset.classes.index(dataset.clips[i].label) for i in keep]
    dev = resolve_device(device)  # None: CUDA when available
    return FeatureSet(dataset, frontend, torch.from_numpy(out).to(dev), torch.tensor(lengths, dtype=torch.long),
                      torch.tensor(labels, dtype=torch.long, device=dev), tuple(keep), tuple(bad))
