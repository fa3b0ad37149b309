"""The networks' settings and names (torch-free, so configs, file headers and the CLI need no torch)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from relstudio.core.errors import ParameterError

ARCHITECTURE = "expert_cnn/1"  # the expert files' "architecture" (read from headers without torch)
RELNET, CONVNET, CONVKONG = "relnet", "convnet", "convkong"  # classifier files' "kind"
KINDS = (RELNET, CONVNET, CONVKONG)


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


def expert_shapes(frontend, net: ExpertCNNConfig) -> dict[str, tuple[int, ...]]:
    """The tensor names and shapes of an ``ExpertCNN(frontend, net)`` state dict, without torch.

    Used to check an expert file's header before anything is loaded (``tests/core/test_expert_file.py``
    checks it against the module's ``state_dict``).
    """
    if len(net.filters) != len(frontend.bands):
        raise ParameterError(f"{len(net.filters)} filter counts for {len(frontend.bands)} bands")
    shapes: dict[str, tuple[int, ...]] = {}
    for i, ((lo, hi), f) in enumerate(zip(frontend.bands, net.filters)):
        shapes[f"convs.{i}.weight"], shapes[f"convs.{i}.bias"] = (f, hi - lo, frontend.conv_kernel), (f,)
    shapes.update({"fc.weight": (net.hidden, sum(net.filters)), "fc.bias": (net.hidden,),
                   "out.weight": (net.n_outputs, net.hidden), "out.bias": (net.n_outputs,)})
    return shapes
