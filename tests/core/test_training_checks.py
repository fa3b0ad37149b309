"""The gain check counts the segments that are audible at every gain it plays (the relevance rule's floors)."""

import numpy as np
import soundfile as sf

from relstudio.core.experts.expert_file import load_expert
from relstudio.core.frontend import FrontendConfig
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.core.training.checks import gain_check
from tests.expert_factory import random_expert

FE = FrontendConfig.small()


def _clip(path, levels_dbfs, *, seconds_each=1.0):
    rng = np.random.default_rng(0)
    parts = [rng.standard_normal(int(FE.sample_rate * seconds_each)) * 10 ** (db / 20) for db in levels_dbfs]
    sf.write(path, np.concatenate(parts).astype(np.float32), FE.sample_rate, subtype="FLOAT")
    return path


def test_a_segment_that_falls_under_the_floor_at_minus_12_db_is_not_counted(tmp_path):
    experts = [load_expert(random_expert(tmp_path, name, frontend=FE, seed=i).path) for i, name in enumerate("ab")]
    assert -62.0 - 12.0 < RelevanceSettings().absolute_floor_db < -62.0
    # the middle second: audible at 0 dB (floor −65 dBFS), under the −70-dBFS floor at −12 dB
    quiet = gain_check(experts, [_clip(tmp_path / "quiet.wav", [-20.0, -62.0, -20.0])], FE.sample_rate)
    loud = gain_check(experts, [_clip(tmp_path / "loud.wav", [-20.0, -40.0, -20.0])], FE.sample_rate)
    assert quiet["segments"] == loud["segments"] == loud["audible_segments"]  # −40 dBFS is audible at every gain
    per_second = FE.sample_rate / FE.hop_length / FE.pool_stride  # segments a second
    dropped = quiet["segments"] - quiet["audible_segments"]
    assert per_second - 3 <= dropped <= per_second + 3
