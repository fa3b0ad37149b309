"""Batches of network input from cached dB mel, with optional random augmentation.

Everything runs in torch on the feature set's device (no host round trip per
batch). Padding frames are set to the dB floor, which the front end maps to
0 — exactly what padding with silence gives — and the segment mask marks
which segments come from real frames only.
"""

from __future__ import annotations

import functools
import math

import torch

from relstudio.core.frontend import FrontendConfig, features_from_db
from relstudio.core.nets.expert_cnn import segment_mask
from relstudio.core.training.config import AugmentConfig


_DB_TO_LN = math.log(10.0) / 10.0  # 10^(dB/10) = exp(dB · _DB_TO_LN): exp is ~4× faster than pow on CPU


def _uniform(shape, lo, hi, generator):
    return lo + (hi - lo) * torch.rand(shape, generator=generator)


def _crop_window(lengths, aug: AugmentConfig, frontend: FrontendConfig, generator):
    """Random (start, length) per clip: a time shift of up to ``shift_frames`` and a random crop."""
    n = lengths.shape[0]
    shortest = torch.clamp(lengths, max=frontend.segment_frames)
    shift = torch.randint(0, aug.shift_frames + 1, (n,), generator=generator)
    keep = _uniform((n,), aug.crop_fraction, 1.0, generator)
    new_len = torch.maximum(shortest, (lengths.float() * keep).long() - shift)
    if aug.max_frames:
        new_len = torch.clamp(new_len, max=max(aug.max_frames, frontend.segment_frames))
    new_len = torch.minimum(new_len, lengths)
    shift = torch.minimum(shift, lengths - new_len)
    room = (lengths - shift - new_len).clamp_min(0)
    start = shift + (_uniform((n,), 0.0, 1.0, generator) * (room + 1).float()).long().clamp_max(room)
    return start, new_len


def _to(t, dev):
    return t.to(dev, non_blocking=True)


def _tempo_index(start, lengths, width_in, aug: AugmentConfig, generator):
    """Frame index ``(B, T)`` into the source and the new lengths: a crop read ``rate`` times faster."""
    n = lengths.shape[0]
    rate = _uniform((n,), 1.0 - aug.tempo, 1.0 + aug.tempo, generator) if aug.tempo else torch.ones(n)
    new_len = torch.clamp((lengths.float() / rate).long(), min=1)
    width = int(new_len.max())
    t = torch.arange(width, dtype=torch.float32)
    idx = start[:, None] + torch.minimum((t[None, :] * rate[:, None]).long(), (lengths - 1)[:, None])
    return idx.clamp_max(width_in - 1), new_len


@functools.lru_cache(maxsize=8)
def _colour_curves(frontend: FrontendConfig) -> torch.Tensor:
    """``(3, n_mels)`` dB of white, pink and brown noise per mel bin (slaney mel bins: white is flat)."""
    import numpy as np

    from relstudio.core.frontend import _mel_basis_np

    basis = _mel_basis_np(frontend)
    centre = np.maximum(basis.argmax(axis=1), 1) * frontend.sample_rate / frontend.n_fft
    rel = 10.0 * np.log10(centre / 1000.0)
    return torch.tensor(np.stack([0.0 * rel, -rel, -2.0 * rel]), dtype=torch.float32)


@functools.lru_cache(maxsize=8)
def _mel_centres(frontend: FrontendConfig) -> torch.Tensor:
    """``(n_mels,)`` centre frequency (Hz) of every mel bin."""
    from relstudio.core.frontend import _mel_basis_np

    basis = _mel_basis_np(frontend)
    return torch.tensor(basis.argmax(axis=1) * frontend.sample_rate / frontend.n_fft, dtype=torch.float32)


def _lowpass(x, aug: AugmentConfig, frontend: FrontendConfig, generator):
    """Cut (48 dB per octave) above a log-uniform frequency in ``lowpass_hz``, for a random share of the batch."""
    b = x.shape[0]
    use = torch.rand(b, generator=generator) < aug.lowpass_probability
    lo, hi = (math.log(f) for f in aug.lowpass_hz)
    cut = torch.exp(_uniform((b,), lo, hi, generator))
    octaves = torch.log2(_mel_centres(frontend).clamp_min(1.0)[None, :] / cut[:, None]).clamp_min(0.0)
    return x - _to(torch.where(use[:, None], 48.0 * octaves, torch.zeros_like(octaves)), x.device)[:, :, None]


def _power_add(a, b):
    """dB of the summed powers, ``10·log10(10^(a/10) + 10^(b/10))``, as the larger plus a correction (one exp)."""
    return torch.maximum(a, b) + 10.0 * torch.log10(1.0 + torch.exp(-(a - b).abs() * _DB_TO_LN))


def _peak(x, valid, floor):
    return torch.where(valid, x, floor).amax(dim=(1, 2), keepdim=True)


def _reverb(x, valid, aug: AugmentConfig, frontend: FrontendConfig, generator):
    """A synthetic room: each frame's power decays exponentially (RT60 in ``reverb_s``) into the next frames.

    One batched matrix product per batch: frame ``t`` of the output sums
    ``g(t - j)`` times the power of every earlier frame ``j`` (``g(0) = 1``,
    ``g(k)`` = ``wet_db`` − 60 dB · k·hop / RT60 while k·hop < RT60).
    """
    b, dev = x.shape[0], x.device
    use = torch.rand(b, generator=generator) < aug.reverb_probability
    rt60 = _uniform((b,), aug.reverb_s[0], aug.reverb_s[1], generator)
    wet_db = _uniform((b,), -12.0, 0.0, generator)
    pick = torch.nonzero(use).flatten()
    if not len(pick):
        return x
    hop_s = frontend.hop_length / frontend.sample_rate
    width = x.shape[2]
    k = torch.arange(width, dtype=torch.float32)[None, :]
    rt, wet = rt60[pick][:, None], wet_db[pick][:, None]
    tail = torch.exp((wet - 60.0 * k * hop_s / rt) * _DB_TO_LN) * (k * hop_s < rt)
    tail[:, 0] = 1.0  # (n, width): the gain of a frame k frames later
    lag = torch.arange(width)[None, :] - torch.arange(width)[:, None]  # (from j, to t): t - j
    kernel = torch.where(lag >= 0, tail[:, lag.clamp_min(0)], torch.zeros(()))  # (n, width, width)
    sel = _to(pick, dev)
    power = torch.exp(x.index_select(0, sel) * _DB_TO_LN) * valid.index_select(0, sel)
    out = torch.bmm(power, _to(kernel, dev))
    return x.index_copy(0, sel, 10.0 * torch.log10(out.clamp_min(1e-30)))


def _mix(x, valid, labels, aug: AugmentConfig, floor, generator):
    """Mix the next clip of the batch (another class) ``mix_db`` below; negatives are never mixed."""
    b, dev = x.shape[0], x.device
    if b < 2 or labels is None:
        return x
    labels = labels.cpu()
    other = torch.roll(torch.arange(b), 1)
    ok = (labels != labels[other]) & (labels >= 0) & (labels[other] >= 0)
    use = ok & (torch.rand(b, generator=generator) < aug.mix_probability)
    offset = _uniform((b, 1, 1), aug.mix_db[0], aug.mix_db[1], generator)
    pick = torch.nonzero(use).flatten()
    if not len(pick):
        return x
    sel, partner_sel = _to(pick, dev), _to(other[pick], dev)
    mine, theirs = x.index_select(0, sel), x.index_select(0, partner_sel)
    theirs_valid = valid.index_select(0, partner_sel)
    partner = torch.where(theirs_valid, theirs, floor)
    partner = (partner - _peak(theirs, theirs_valid, floor) + _peak(mine, valid.index_select(0, sel), floor)
               + _to(offset[pick], dev))
    return x.index_copy(0, sel, _power_add(mine, partner))


def _noise(x, valid, aug: AugmentConfig, frontend: FrontendConfig, floor, generator):
    """White, pink or brown noise ``noise_db`` below each clip's peak, for a random share of the batch."""
    b, dev = x.shape[0], x.device
    offset = _uniform((b, 1, 1), aug.noise_db[0], aug.noise_db[1], generator)
    colour = torch.randint(0, 3, (b,), generator=generator)
    use = torch.rand(b, generator=generator) < aug.noise_probability
    pick = torch.nonzero(use).flatten()
    if not len(pick):
        return x
    sel = _to(pick, dev)
    mine = x.index_select(0, sel)
    level = _peak(mine, valid.index_select(0, sel), floor) + _to(
        offset[pick] + _colour_curves(frontend)[colour[pick]][:, :, None], dev)
    return x.index_copy(0, sel, _power_add(mine, level))


def make_batch(db, n_frames, rows, frontend: FrontendConfig, *, augment: AugmentConfig | None = None,
               generator: torch.Generator | None = None, labels=None):
    """Network input ``(B, n_mels, T)`` in [0, 1], real frames ``(B,)`` and segment mask ``(B, S)``.

    ``db`` is the padded ``(n_clips, n_mels, frames)`` dB tensor of a
    :class:`~relstudio.core.training.feature_cache.FeatureSet` (on any
    device); ``n_frames`` its real lengths and ``rows`` a ``(B,)`` index, both
    CPU tensors. With ``augment`` (training only) each clip gets its own
    random crop/shift, tempo, gain, tilt, EQ, mel shift, low-pass, room, mix with
    another clip of the batch (needs the batch's ``labels``) and noise. All
    random numbers come from the CPU ``generator`` and only travel to the
    device, so a batch never waits for the device (and CPU and CUDA draw the
    same augmentation); the same generator state gives the same batch.
    """
    dev = db.device
    rows = torch.as_tensor(rows, dtype=torch.long).cpu()
    lengths = n_frames.cpu().index_select(0, rows)
    floor = -frontend.top_db
    sel = _to(rows, dev)
    if augment is None or not augment.active:
        width = int(lengths.max())
        x = db[:, :, :width].index_select(0, sel).float()
    else:
        start, lengths = _crop_window(lengths, augment, frontend, generator)
        idx, lengths = _tempo_index(start, lengths, db.shape[-1], augment, generator)
        width = idx.shape[1]  # read only the frames the batch uses (a clip's row can be minutes long)
        m, w = db.shape[1], db.shape[2]  # one flat index_select: faster than a gather or a 3-way index on CPU
        at = ((sel * (m * w))[:, None, None] + (torch.arange(m, device=dev) * w)[None, :, None]
              + _to(idx, dev)[:, None, :])
        x = db.reshape(-1).index_select(0, at.reshape(-1)).view(len(rows), m, width).float()
        t = torch.arange(width, device=dev)
        valid = (t[None, :] < _to(lengths, dev)[:, None])[:, None, :]
        b, m = x.shape[0], x.shape[1]
        if augment.gain_db:
            x = x + _to(_uniform((b, 1, 1), -augment.gain_db, augment.gain_db, generator), dev)
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
            bins = _to(torch.arange(b)[:, None] * m + src_bin, dev).reshape(-1)  # rows of the (B·M, T) view
            x = x.reshape(b * m, width).index_select(0, bins).view(b, m, width)
        if augment.lowpass_probability:
            x = _lowpass(x, augment, frontend, generator)
        x = torch.where(valid, x.clamp_min(floor), floor)
        if augment.reverb_probability:
            x = _reverb(x, valid, augment, frontend, generator)
        if augment.mix_probability:
            x = _mix(x, valid, labels, augment, floor, generator)
        if augment.noise_probability:
            x = _noise(x, valid, augment, frontend, floor, generator)
        x = torch.where(valid, x.clamp_min(floor), floor)
    feats = features_from_db(x, frontend)
    n_seg = frontend.n_segments(max(width, 1))
    lengths = _to(lengths, dev)
    return feats, lengths, segment_mask(lengths, n_seg, frontend)
