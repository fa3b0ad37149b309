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
    - ``max_frames``: train on random excerpts of at most this many frames
      (0 = whole clips); cheaper epochs and another crop.
    - ``gain_db``: a random level change of up to ±``gain_db`` dB.
    - ``tempo``: play up to ±``tempo`` (a share) faster or slower.
    - ``mix_probability`` / ``mix_db``: with that probability, mix another
      clip of the batch with another class, ``mix_db`` below (the label stays).
    - ``reverb_probability`` / ``reverb_s``: a synthetic room, an
      exponentially decaying tail with a reverberation time in ``reverb_s``.
    - ``lowpass_probability`` / ``lowpass_hz``: with that probability, cut
      the spectrum above a random frequency in ``lowpass_hz`` (log-uniform;
      48 dB per octave), as a telephone codec or an old game's 22-kHz file.
    The noise is white, pink or brown (equally likely).
    """

    tilt_db: float = 0.0
    eq_db: float = 0.0
    mel_shift: int = 0
    shift_frames: int = 0
    crop_fraction: float = 1.0
    noise_probability: float = 0.0
    noise_db: tuple[float, float] = (-50.0, -30.0)
    gain_db: float = 0.0
    max_frames: int = 0
    tempo: float = 0.0
    mix_probability: float = 0.0
    mix_db: tuple[float, float] = (-20.0, -8.0)
    reverb_probability: float = 0.0
    reverb_s: tuple[float, float] = (0.2, 1.0)
    lowpass_probability: float = 0.0
    lowpass_hz: tuple[float, float] = (3500.0, 11000.0)

    def __post_init__(self):
        for name in ("noise_db", "mix_db", "reverb_s", "lowpass_hz"):
            value = tuple(float(v) for v in getattr(self, name))
            object.__setattr__(self, name, value)
            if len(value) != 2 or value[0] > value[1]:
                raise ParameterError(f"{name} must be (low, high), got {value}")
        if min(self.tilt_db, self.shift_frames, self.eq_db, self.mel_shift, self.gain_db, self.max_frames) < 0:
            raise ParameterError(f"tilt_db, eq_db, mel_shift, gain_db and shift_frames must be ≥ 0, got {self}")
        if not 0.0 < self.crop_fraction <= 1.0 or not 0.0 <= self.tempo < 0.5:
            raise ParameterError(f"crop_fraction must be in (0, 1] and tempo in [0, 0.5), got {self}")
        if not all(0.0 <= p <= 1.0 for p in (self.noise_probability, self.mix_probability, self.reverb_probability,
                                             self.lowpass_probability)):
            raise ParameterError(f"probabilities must be in [0, 1], got {self}")
        if self.reverb_s[0] <= 0 or self.lowpass_hz[0] <= 0:
            raise ParameterError(f"reverb_s and lowpass_hz must be positive, got {self.reverb_s}, {self.lowpass_hz}")

    @property
    def active(self) -> bool:
        return bool(self.tilt_db or self.eq_db or self.mel_shift or self.shift_frames or self.crop_fraction < 1.0
                    or self.noise_probability or self.gain_db or self.max_frames or self.tempo or self.mix_probability
                    or self.reverb_probability or self.lowpass_probability)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    @classmethod
    def light(cls) -> "AugmentConfig":
        """Tilt, EQ, ±2 mel bins, time shift and noise; no crops (a crop can remove a weak label's only event)."""
        return cls(tilt_db=10.0, eq_db=8.0, mel_shift=2, shift_frames=4, noise_probability=0.5)

    @classmethod
    def recommended(cls) -> "AugmentConfig":
        """Everything (shipped experts, the wizard's recommended preset): gain, tilt/EQ, pitch, tempo,
        shift and crops, mixing with other classes and noise, a synthetic room."""
        return cls(tilt_db=8.0, eq_db=6.0, mel_shift=2, shift_frames=8, crop_fraction=0.6, noise_probability=0.3,
                   gain_db=12.0, max_frames=108, tempo=0.1, mix_probability=0.3, reverb_probability=0.3)

    @classmethod
    def named(cls, name: str) -> "AugmentConfig":
        """The preset ``name``: one of :data:`AUGMENT_PRESETS` (``none``: no augmentation, ``light``, ``recommended``: everything)."""
        if name not in AUGMENT_PRESETS:
            raise ParameterError(f"augmentation preset must be one of {AUGMENT_PRESETS}, got {name!r}")
        return {"none": cls, "light": cls.light, "recommended": cls.recommended}[name]()


AUGMENT_PRESETS = ("none", "light", "recommended")
LR_SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class NegativeConfig:
    """Clips that belong to no class, added to every expert's training and validation clips.

    ``fraction`` negatives per real clip, shared among digital ``silence``,
    white/pink/brown ``noise`` at an RMS level in ``noise_dbfs`` and
    ``quiet`` copies of the clips whose loudest frames lie ``quiet_db`` below
    the front end's ``silence_db`` (near-silence, which ``frame_max`` would
    otherwise lift to full scale). Off: ``fraction=0``.
    """

    fraction: float = 0.25
    silence: float = 1.0
    noise: float = 2.0
    quiet: float = 2.0
    noise_dbfs: tuple[float, float] = (-90.0, -10.0)
    quiet_db: tuple[float, float] = (15.0, 60.0)

    def __post_init__(self):
        for name in ("noise_dbfs", "quiet_db"):
            value = tuple(float(v) for v in getattr(self, name))
            object.__setattr__(self, name, value)
            if len(value) != 2 or value[0] > value[1]:
                raise ParameterError(f"{name} must be (low, high), got {value}")
        if not 0.0 <= self.fraction <= 2.0 or min(self.silence, self.noise, self.quiet) < 0:
            raise ParameterError(f"fraction must be in [0, 2] and the shares ≥ 0, got {self}")
        if self.fraction and not (self.silence or self.noise or self.quiet):
            raise ParameterError(f"negatives need a positive share of silence, noise or quiet clips, got {self}")
        if self.quiet_db[0] < 0:
            raise ParameterError(f"quiet_db must be ≥ 0 dB below silence_db, got {self.quiet_db}")

    @property
    def active(self) -> bool:
        return self.fraction > 0

    @classmethod
    def off(cls) -> "NegativeConfig":
        return cls(fraction=0.0)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass(frozen=True)
class TrainingConfig:
    """Every setting of one training run (experts, RELNET and the baselines)."""

    max_epochs: int = 1000
    patience: int = 50
    min_delta: float = 0.05
    batch_size: int = 100
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    average_epochs: float = 0.0  # weights averaged (EMA) over about this many epochs (0: off); validated and kept
    lr_schedule: str = "constant"  # or "cosine": the rate falls along half a cosine to 0 at max_epochs' last batch
    epoch_repeats: int = 1  # each epoch passes every training clip this many times, each time augmented anew
    source_balance: int = 1  # a class's clips from its smaller sources repeated up to this many times an epoch
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    balance: str = "weights"
    val_by: str = "group"  # early-stopping clips: whole groups, or whole sources (packages) — "source"
    seed: int = 0
    test_groups: tuple[str, ...] = ()
    hidden: int = _NET.hidden
    filters: tuple[int, ...] = _NET.filters
    augment: AugmentConfig = AugmentConfig()
    negatives: NegativeConfig = NegativeConfig()

    def __post_init__(self):
        object.__setattr__(self, "filters", tuple(int(f) for f in self.filters))
        object.__setattr__(self, "test_groups", tuple(str(g) for g in self.test_groups))
        if isinstance(self.augment, dict):
            object.__setattr__(self, "augment", AugmentConfig(**self.augment))
        elif isinstance(self.augment, str):  # a preset name: "none" or "light"
            object.__setattr__(self, "augment", AugmentConfig.named(self.augment))
        if isinstance(self.negatives, dict):
            object.__setattr__(self, "negatives", NegativeConfig(**self.negatives))
        if self.max_epochs < 1 or self.patience < 1 or self.batch_size < 1:
            raise ParameterError(f"max_epochs, patience and batch_size must be ≥ 1, got {self}")
        if self.min_delta < 0 or self.learning_rate <= 0 or self.weight_decay < 0:
            raise ParameterError(f"min_delta ≥ 0, learning_rate > 0 and weight_decay ≥ 0 needed, got {self}")
        for name in ("epoch_repeats", "source_balance"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
                raise ParameterError(f"{name} must be an integer in [1, 100], got {value!r}")
        if not 0.0 <= self.average_epochs <= 1000.0:
            raise ParameterError(f"average_epochs must be in [0, 1000], got {self.average_epochs}")
        if not 0.0 <= self.val_fraction < 1.0 or not 0.0 <= self.test_fraction < 1.0:
            raise ParameterError(f"val_fraction and test_fraction must be in [0, 1), got "
                                 f"{self.val_fraction}, {self.test_fraction}")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ParameterError("val_fraction + test_fraction leaves too few training clips")
        if self.val_by not in ("group", "source"):
            raise ParameterError(f"val_by must be 'group' or 'source', got {self.val_by!r}")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ParameterError(f"lr_schedule must be one of {LR_SCHEDULES}, got {self.lr_schedule!r}")
        if self.balance not in ("weights", "none"):
            raise ParameterError(f"balance must be 'weights' or 'none', got {self.balance!r}")
        if self.hidden < 1 or any(f < 1 for f in self.filters):
            raise ParameterError(f"hidden and filters must be positive, got {self.hidden}, {self.filters}")

    @classmethod
    def paper(cls, **changes) -> "TrainingConfig":
        """The paper's settings (no augmentation; the silence/noise negatives stay on)."""
        return cls(**changes)

    @classmethod
    def quick(cls, **changes) -> "TrainingConfig":
        """The shipped experts' settings, with ``changes``: Adam lr 0.002, batches of 32, up to 60
        epochs, patience 15, any improvement counts (``make retrain`` raises the epochs and patience)."""
        return cls(**dict(dict(learning_rate=2e-3, batch_size=32, max_epochs=60, patience=15, min_delta=0.0),
                          **changes))

    @classmethod
    def recommended(cls, **changes) -> "TrainingConfig":
        """The wizard's recommended preset: the shipped experts' settings (full augmentation, negatives,
        weights averaged over about 8 epochs)."""
        base = dict(max_epochs=150, patience=25, min_delta=0.0, batch_size=32, learning_rate=2e-3, average_epochs=8.0,
                    augment=AugmentConfig.recommended(), negatives=NegativeConfig())
        base.update(changes)
        return cls(**base)

    def replace(self, **changes) -> "TrainingConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["filters"] = list(self.filters)
        d["test_groups"] = list(self.test_groups)
        d["augment"] = self.augment.to_dict()
        d["negatives"] = self.negatives.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainingConfig":
        d = known_fields(cls, d, what="training config")
        if "augment" in d:
            d["augment"] = AugmentConfig(**d["augment"])
        # files written before negatives existed were trained without them
        d["negatives"] = NegativeConfig(**d["negatives"]) if "negatives" in d else NegativeConfig.off()
        return cls(**d)
