"""The gain check counts the segments that are audible at every gain it plays."""

import numpy as np

from relstudio.core.frontend import FrontendConfig
from relstudio.core.training.checks import AUDIBLE_MIN_DBFS, GAINS_DB, audible_segments


def _clip(levels_dbfs, *, rate, seconds_each=1.0):
    rng = np.random.default_rng(0)
    parts = [rng.standard_normal(int(rate * seconds_each)) * 10 ** (db / 20) for db in levels_dbfs]
    return np.concatenate(parts).astype(np.float64)


def test_a_segment_that_falls_under_the_floor_at_minus_12_db_is_not_counted():
    fe = FrontendConfig.small()
    rate = fe.sample_rate
    x = _clip([-20.0, -62.0, -20.0], rate=rate)  # the middle second: audible at 0 dB, under −70 dBFS at −12 dB
    n = int((len(x) / fe.hop_length - fe.segment_frames) // fe.pool_stride) + 1
    at_0 = audible_segments(x, rate, fe, n)
    every = audible_segments(x, rate, fe, n, gains_db=GAINS_DB)
    centres = fe.segment_times(n, len(x) / rate).mean(axis=1)
    middle = (centres > 1.3) & (centres < 1.7)
    assert middle.any() and at_0[middle].all() and not every[middle].any()
    loud = (centres < 0.7) | (centres > 2.3)
    assert every[loud].all()  # the loud seconds count at every gain
    assert -62.0 - 12.0 < AUDIBLE_MIN_DBFS < -62.0
