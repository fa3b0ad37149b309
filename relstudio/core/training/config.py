"""Training settings: one frozen :class:`TrainingConfig`, stored in every trained model file.

Defaults follow the paper (§3.1): Adam, batches of 100 files, at most 1000
epochs, early stopping on 20 % of the training clips with patience 50 and a
minimum improvement of 0.05 of the validation loss, best weights restored.
Presets are constructors: :meth:`TrainingConfig.paper`, :meth:`TrainingConfig.quick`
(the shipped experts' settings) and ``augment="light"`` (:meth:`AugmentConfig.named`).
Augmentation (off in both) works on cached dB mel spectrograms only, so
features are never decoded again. ``hidden`` and ``filters`` default to
:class:`~relstudio.core.nets.expert_cnn.ExpertCNNConfig`'s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from relstudio.core.errors import ParameterError, known_fields
from relstudio.core.nets.net_config import ExpertCNNConfig

_NET = ExpertCNNConfig()  # the network's own defaults: TrainingConfig derives hidden/filters from them


@dataclass(frozen=True)
class AugmentConfig:
    """Random changes applied to each training batch (never to validation or test).

    - ``tilt_db``: a random spectral tilt of up to ±``tilt_db`` dB between the
      lowest and the highest mel bin (a cheap random EQ / microphone colour).
    - ``shift_frames``: drop up to this many frames at the start (time shift).
    - ``crop_fraction``: keep a random excerpt of at least this fraction of a
      clip (1.0 = never crop).
    - ``noise_probability`` / ``noise_db``: with that probability, mix
      spectrally flat noise ``noise_db`` (a random level within the range)
      below the clip's loudest mel bin.
    - ``eq_db``: a smooth random EQ curve (cosine series over the mel axis)
      of up to ±``eq_db`` dB — another room, microphone or sample set.
    - ``mel_shift``: move the spectrum by up to ±``mel_shift`` mel bins
      (a small formant / pitch change).
    """

    tilt_db: float = 0.0
    eq_db: float = 0.0
    mel_shift: int = 0
    shift_frames: int = 0
    crop_fraction: float = 1.0
    noise_probability: float = 0.0
    noise_db: tuple[float, float] = (-50.0, -30.0)

    def __post_init__(self):
        object.__setattr__(self, "noise_db", tuple(float(v) for v in self.noise_db))
        if self.tilt_db < 0 or self.shift_frames < 0 or self.eq_db < 0 or self.mel_shift < 0:
            raise ParameterError(f"tilt_db and shift_frames must be ≥ 0, got {self}")
        if not 0.0 < self.crop_fraction <= 1.0 or not 0.0 <= self.noise_probability <= 1.0:
            raise ParameterError(f"crop_fraction must be in (0, 1] and noise_probability in [0, 1], got {self}")
        if len(self.noise_db) != 2 or self.noise_db[0] > self.noise_db[1]:
            raise ParameterError(f"noise_db must be (low, high), got {self.noise_db}")

    @property
    def active(self) -> bool:
        return bool(self.tilt_db or self.eq_db or self.mel_shift or self.shift_frames or self.crop_fraction < 1.0
                    or self.noise_probability)

    @classmethod
    def light(cls) -> "AugmentConfig":
        """Tilt, EQ, ±2 mel bins, time shift and noise; no crops (a crop can remove a weak label's only event)."""
        return cls(tilt_db=10.0, eq_db=8.0, mel_shift=2, shift_frames=4, noise_probability=0.5)

    @classmethod
    def named(cls, name: str) -> "AugmentConfig":
        """The preset ``name``: one of :data:`AUGMENT_PRESETS` (``none``: no augmentation, ``light``)."""
        if name not in AUGMENT_PRESETS:
            raise ParameterError(f"augmentation preset must be one of {AUGMENT_PRESETS}, got {name!r}")
        return cls.light() if name == "light" else cls()


AUGMENT_PRESETS = ("none", "light")


@dataclass(frozen=True)
class TrainingConfig:
    """Every setting of one training run (experts, RELNET and the baselines)."""

    max_epochs: int = 1000
    patience: int = 50
    min_delta: float = 0.05
    batch_size: int = 100
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    balance: str = "weights"
    seed: int = 0
    test_groups: tuple[str, ...] = ()
    hidden: int = _NET.hidden
    filters: tuple[int, ...] = _NET.filters
    augment: AugmentConfig = AugmentConfig()

    def __post_init__(self):
        object.__setattr__(self, "filters", tuple(int(f) for f in self.filters))
        object.__setattr__(self, "test_groups", tuple(str(g) for g in self.test_groups))
        if isinstance(self.augment, dict):
            object.__setattr__(self, "augment", AugmentConfig(**self.augment))
        elif isinstance(self.augment, str):  # a preset name: "none" or "light"
            object.__setattr__(self, "augment", AugmentConfig.named(self.augment))
        if self.max_epochs < 1 or self.patience < 1 or self.batch_size < 1:
            raise ParameterError(f"max_epochs, patience and batch_size must be ≥ 1, got {self}")
        if self.min_delta < 0 or self.learning_rate <= 0 or self.weight_decay < 0:
            raise ParameterError(f"min_delta ≥ 0, learning_rate > 0 and weight_decay ≥ 0 needed, got {self}")
        if not 0.0 <= self.val_fraction < 1.0 or not 0.0 <= self.test_fraction < 1.0:
            raise ParameterError(f"val_fraction and test_fraction must be in [0, 1), got "
                                 f"{self.val_fraction}, {self.test_fraction}")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ParameterError("val_fraction + test_fraction leaves too few training clips")
        if self.balance not in ("weights", "none"):
            raise ParameterError(f"balance must be 'weights' or 'none', got {self.balance!r}")
        if self.hidden < 1 or any(f < 1 for f in self.filters):
            raise ParameterError(f"hidden and filters must be positive, got {self.hidden}, {self.filters}")

    @classmethod
    def paper(cls, **changes) -> "TrainingConfig":
        """The paper's settings (no augmentation), with ``changes``."""
        return cls(**changes)

    @classmethod
    def quick(cls, **changes) -> "TrainingConfig":
        """The shipped experts' settings, with ``changes``: Adam lr 0.002, batches of 32, up to 60
        epochs, patience 15, any improvement counts (``make retrain`` raises the epochs and patience)."""
        return cls(**dict(dict(learning_rate=2e-3, batch_size=32, max_epochs=60, patience=15, min_delta=0.0),
                          **changes))

    @classmethod
    def quick(cls, **changes) -> "TrainingConfig":
        """The shipped models' settings: lr 0.002, batches of 32, up to 60 epochs, patience 15, Δ 0."""
        base = dict(learning_rate=2e-3, batch_size=32, max_epochs=60, patience=15, min_delta=0.0)
        return cls(**{**base, **changes})

    def replace(self, **changes) -> "TrainingConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["filters"] = list(self.filters)
        d["test_groups"] = list(self.test_groups)
        d["augment"]["noise_db"] = list(self.augment.noise_db)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainingConfig":
        d = known_fields(cls, d, what="training config")
        if "augment" in d:
            d["augment"] = AugmentConfig(**d["augment"])
        return cls(**d)
