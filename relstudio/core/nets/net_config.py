"""The expert network's shape settings (torch-free, so configs and the CLI can read the defaults)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from relstudio.core.errors import ParameterError


@dataclass(frozen=True)
class ExpertCNNConfig:
    filters: tuple[int, ...] = (42, 42, 16)
    hidden: int = 100
    n_outputs: int = 2

    def __post_init__(self):
        object.__setattr__(self, "filters", tuple(int(f) for f in self.filters))
        if self.hidden <= 0 or self.n_outputs < 2 or any(f <= 0 for f in self.filters):
            raise ParameterError(f"filters and hidden must be positive and n_outputs ≥ 2, got {self}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["filters"] = list(self.filters)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ExpertCNNConfig":
        if not isinstance(d, dict) or set(d) - {"filters", "hidden", "n_outputs"}:
            raise ParameterError(f"malformed network config: {d!r}")
        return cls(**d)
