"""Batches of network input from cached dB mel, with optional random augmentation.

Everything runs in torch on the feature set's device (no host round trip per
batch). Padding frames are set to the dB floor, which the front end maps to
0 — exactly what padding with silence gives — and the segment mask marks
which segments come from real frames only.
"""

from __future__ import annotations

import torch

from relstudio.core.frontend import FrontendConfig, features_from_db
from relstudio.core.nets.expert_cnn import segment_mask
from relstudio.core.training.config import AugmentConfig


def _uniform(shape, lo, hi, generator):
    return lo + (hi - lo) * torch.rand(shape, generator=generator)


def _crop_window(lengths, aug: AugmentConfig, frontend: FrontendConfig, generator):
    """Random (start, length) per clip: a time shift of up to ``shift_frames`` and a random crop."""
    n = lengths.shape[0]
    shortest = torch.clamp(lengths, max=frontend.segment_frames)
    shift = torch.randint(0, aug.shift_frames + 1, (n,), generator=generator)
    keep = _uniform((n,), aug.crop_fraction, 1.0, generator)
    new_len = torch.maximum(shortest, (lengths.float() * keep).long() - shift)
    new_len = torch.minimum(new_len, lengths)
    shift = torch.minimum(shift, lengths - new_len)
    room = (lengths - shift - new_len).clamp_min(0)
    start = shift + (_uniform((n,), 0.0, 1.0, generator) * (room + 1).float()).long().clamp_max(room)
    return start, new_len


def _to(t, dev):
    return t.to(dev, non_blocking=True)


def make_batch(db, n_frames, rows, frontend: FrontendConfig, *, augment: AugmentConfig | None = None,
               generator: torch.Generator | None = None):
    """Network input ``(B, n_mels, T)`` in [0, 1], real frames ``(B,)`` and segment mask ``(B, S)``.

    ``db`` is the padded ``(n_clips, n_mels, frames)`` dB tensor of a
    :class:`~relstudio.core.training.feature_cache.FeatureSet` (on any
    device); ``n_frames`` its real lengths and ``rows`` a ``(B,)`` index, both
    CPU tensors. With ``augment`` (training only) each clip gets its own
    random crop/shift, tilt, EQ, mel shift and noise. All random numbers come
    from the CPU ``generator`` and only travel to the device, so a batch never
    waits for the device (and CPU and CUDA draw the same augmentation).
    """
    dev = db.device
    rows = torch.as_tensor(rows, dtype=torch.long).cpu()
    lengths = n_frames.cpu().index_select(0, rows)
    floor = -frontend.top_db
    src = db.index_select(0, _to(rows, dev))
    if augment is None or not augment.active:
        width = int(lengths.max())
        x = src[:, :, :width].float()
    else:
        start, lengths = _crop_window(lengths, augment, frontend, generator)
        width = int(lengths.max())
        t = torch.arange(width, device=dev)
        idx = (_to(start, dev)[:, None] + t[None, :]).clamp_max(db.shape[-1] - 1)
        x = torch.gather(src, 2, idx[:, None, :].expand(-1, src.shape[1], -1)).float()
        valid = (t[None, :] < _to(lengths, dev)[:, None])[:, None, :]
        b, m = x.shape[0], x.shape[1]
        if augment.tilt_db:
            slope = _to(_uniform((b, 1, 1), -augment.tilt_db, augment.tilt_db, generator), dev)
            x = x + slope * torch.linspace(-0.5, 0.5, m, device=dev)[None, :, None]
        if augment.eq_db:
            order = torch.arange(1, 5, dtype=torch.float32)
            basis = torch.cos(torch.pi * order[:, None] * torch.linspace(0.0, 1.0, m)[None, :])  # (4, M)
            curve = (_uniform((b, 4), -1.0, 1.0, generator) / order) @ basis
            curve = curve / curve.abs().amax(dim=1, keepdim=True).clamp_min(1e-6)
            curve = curve * _uniform((b, 1), 0.0, augment.eq_db, generator)
            x = x + _to(curve, dev)[:, :, None]
        if augment.mel_shift:
            shift = torch.randint(-augment.mel_shift, augment.mel_shift + 1, (b,), generator=generator)
            src_bin = (torch.arange(m)[None, :] - shift[:, None]).clamp(0, m - 1)
            x = torch.gather(x, 1, _to(src_bin, dev)[:, :, None].expand(-1, -1, x.shape[2]))
        if augment.noise_probability:
            peak = torch.where(valid, x, torch.full_like(x, floor)).amax(dim=(1, 2), keepdim=True)
            offset = _uniform((b, 1, 1), augment.noise_db[0], augment.noise_db[1], generator)
            use = torch.rand((b, 1, 1), generator=generator) < augment.noise_probability
            level = peak + _to(offset, dev)
            mixed = 10.0 * torch.log10(torch.pow(10.0, x / 10.0) + torch.pow(10.0, level / 10.0))
            x = torch.where(_to(use, dev), mixed, x)
        x = torch.where(valid, x.clamp_min(floor), torch.full_like(x, floor))
    feats = features_from_db(x, frontend)
    n_seg = frontend.n_segments(max(width, 1))
    lengths = _to(lengths, dev)
    return feats, lengths, segment_mask(lengths, n_seg, frontend)
