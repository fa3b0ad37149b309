"""Settings live on their configs: training presets, augmentation by name, derived defaults, one device rule."""

import numpy as np
import pytest
import torch

from relstudio.core.device import resolve_device
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.net_config import ExpertCNNConfig
from relstudio.core.training.config import AugmentConfig, TrainingConfig


def test_quick_is_the_shipped_settings_and_takes_changes():
    q = TrainingConfig.quick()
    assert (q.learning_rate, q.batch_size, q.max_epochs, q.patience, q.min_delta) == (2e-3, 32, 60, 15, 0.0)
    assert TrainingConfig.quick(max_epochs=120, patience=20).replace(max_epochs=60, patience=15) == q
    assert TrainingConfig.paper() == TrainingConfig() != q


def test_augmentation_by_name_and_network_defaults():
    assert TrainingConfig(augment="light").augment == AugmentConfig.light()
    assert TrainingConfig(augment="none").augment == AugmentConfig()
    with pytest.raises(ParameterError, match="'heavy'"):
        TrainingConfig(augment="heavy")
    net = ExpertCNNConfig()
    assert (TrainingConfig().hidden, TrainingConfig().filters) == (net.hidden, net.filters)
    assert TrainingConfig.from_dict(TrainingConfig(augment="light").to_dict()) == TrainingConfig(augment="light")


def test_one_device_rule():
    auto = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device(None) == resolve_device("auto") == auto
    assert resolve_device("cpu") == resolve_device(torch.device("cpu")) == torch.device("cpu")
    with pytest.raises(ParameterError):
        resolve_device("tpu")


def test_segment_hop_and_span_match_segment_times():
    fe = FrontendConfig()
    times = fe.segment_times(50, 1e9)
    assert np.allclose(np.diff(times[10:, 0]), fe.segment_hop_seconds)
    assert np.allclose(times[10:, 1] - times[10:, 0], fe.segment_span_seconds)
