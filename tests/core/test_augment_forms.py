"""The fast forms of the augmentation (a matrix product for the room, one exp for summed powers,
mixing and noise only where drawn, flat indexing) against their plain definitions."""

import math

import torch

from relstudio.core.training import augment
from relstudio.core.training.augment import _power_add, _reverb, make_batch
from relstudio.core.training.config import AugmentConfig
from tests.training_factory import FRONTEND


def _batch(b=6, m=8, t=40, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(b, m, t, generator=g) * 80.0 - 80.0
    lengths = torch.randint(10, t + 1, (b,), generator=g)
    valid = (torch.arange(t)[None, :] < lengths[:, None])[:, None, :]
    return x, valid


def test_power_add_is_the_db_of_the_summed_powers():
    a = torch.tensor([-80.0, -3.0, 0.0, 10.0, -40.0])
    b = torch.tensor([-80.0, 0.0, -60.0, 10.0, -39.0])
    want = 10.0 * torch.log10(10.0 ** (a / 10.0) + 10.0 ** (b / 10.0))
    assert torch.allclose(_power_add(a, b), want, atol=1e-5)
    assert torch.allclose(_power_add(a, b), _power_add(b, a))


def test_the_room_is_every_earlier_frame_decayed_and_summed():
    x, valid = _batch()
    aug = AugmentConfig(reverb_probability=0.5, reverb_s=(0.1, 0.6))
    got = _reverb(x, valid, aug, FRONTEND, torch.Generator().manual_seed(1))
    g = torch.Generator().manual_seed(1)  # the same draws, in the same order
    use = torch.rand(x.shape[0], generator=g) < aug.reverb_probability
    rt60 = 0.1 + 0.5 * torch.rand(x.shape[0], generator=g)
    wet = -12.0 + 12.0 * torch.rand(x.shape[0], generator=g)
    hop_s = FRONTEND.hop_length / FRONTEND.sample_rate
    assert 0 < int(use.sum()) < x.shape[0]
    for i in range(x.shape[0]):
        if not use[i]:
            assert torch.equal(got[i], x[i])
            continue
        power = 10.0 ** (x[i].double() / 10.0) * valid[i]
        out = power.clone()
        for k in range(1, x.shape[2]):
            if k * hop_s < rt60[i]:
                out[:, k:] += 10.0 ** ((float(wet[i]) - 60.0 * k * hop_s / float(rt60[i])) / 10.0) * power[:, :-k]
        want = 10.0 * torch.log10(out.clamp_min(1e-30))
        assert torch.allclose(got[i].double(), want, atol=1e-3), i


def test_crops_and_mel_shifts_read_the_frames_a_gather_reads():
    g = torch.Generator().manual_seed(0)
    db = (torch.rand(5, FRONTEND.n_mels, 300, generator=g) * 80.0 - 80.0).half()
    lengths = torch.tensor([300, 120, 64, 250, 90])
    aug = AugmentConfig(shift_frames=8, crop_fraction=0.6, tempo=0.1, mel_shift=2, max_frames=64)
    rows = torch.tensor([4, 0, 2, 2, 3])
    x, got_len, _ = make_batch(db, lengths, rows, FRONTEND, augment=aug, generator=torch.Generator().manual_seed(7))
    # the same draws by hand: crop, tempo, mel shift (in make_batch's order), read with gathers
    gen = torch.Generator().manual_seed(7)
    start, new_len = augment._crop_window(lengths.index_select(0, rows), aug, FRONTEND, gen)
    idx, new_len = augment._tempo_index(start, new_len, db.shape[-1], aug, gen)
    src = db.index_select(0, rows)
    want = torch.gather(src, 2, idx[:, None, :].expand(-1, src.shape[1], -1)).float()
    shift = torch.randint(-2, 3, (len(rows),), generator=gen)
    src_bin = (torch.arange(FRONTEND.n_mels)[None, :] - shift[:, None]).clamp(0, FRONTEND.n_mels - 1)
    want = torch.gather(want, 1, src_bin[:, :, None].expand(-1, -1, want.shape[2]))
    valid = (torch.arange(want.shape[2])[None, :] < new_len[:, None])[:, None, :]
    want = torch.where(valid, want.clamp_min(-FRONTEND.top_db), -FRONTEND.top_db)
    from relstudio.core.frontend import features_from_db

    assert torch.equal(got_len, new_len)
    assert torch.allclose(x, features_from_db(want, FRONTEND), atol=1e-6)
    assert math.isfinite(float(x.sum()))
