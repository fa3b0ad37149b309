"""The expert network of the paper's Fig. 1, and all enabled experts fused into one pass.

Input ``(batch, n_mels, frames)`` → three parallel 1-D convolutions over the
low/mid/high mel bands (kernel 4) → concatenation → ReLU → average pooling
(window 10, stride 5) gives segments → FC with HN units → per-segment softmax.
The clip output is the masked sum of segment probabilities, normalised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig

from relstudio.core.nets import EXPERT_CNN_ARCHITECTURE as ARCHITECTURE  # noqa: E402


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


class ExpertCNN(nn.Module):
    """Band-wise 1-D CNN with per-segment softmax (paper Fig. 1)."""

    def __init__(self, frontend: FrontendConfig, net: ExpertCNNConfig = ExpertCNNConfig()):
        super().__init__()
        if len(net.filters) != len(frontend.bands):
            raise ParameterError(f"{len(net.filters)} filter counts for {len(frontend.bands)} bands")
        self.frontend, self.net = frontend, net
        self.convs = nn.ModuleList(
            nn.Conv1d(hi - lo, f, frontend.conv_kernel) for (lo, hi), f in zip(frontend.bands, net.filters))
        self.pool = nn.AvgPool1d(frontend.pool_size, frontend.pool_stride)
        self.fc = nn.Linear(sum(net.filters), net.hidden)
        self.out = nn.Linear(net.hidden, net.n_outputs)

    def segment_logits(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, n_mels, T)`` → ``(B, S, n_outputs)`` logits per segment."""
        x = pad_to_segment(x, self.frontend)
        feats = torch.cat([conv(x[:, lo:hi]) for conv, (lo, hi) in zip(self.convs, self.frontend.bands)], 1)
        pooled = self.pool(torch.relu(feats)).transpose(1, 2)
        return self.out(torch.relu(self.fc(pooled)))

    def segment_probs(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.segment_logits(x), dim=-1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Clip-level probabilities ``(B, n_outputs)``."""
        return clip_output(self.segment_probs(x), mask)


def pad_to_segment(x: torch.Tensor, frontend: FrontendConfig) -> torch.Tensor:
    """Zero-pad inputs shorter than one segment (zeros are silence in feature space)."""
    need = frontend.segment_frames - x.shape[-1]
    return nn.functional.pad(x, (0, need)) if need > 0 else x


def clip_output(seg_probs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Masked sum of ``(B, S, C)`` segment probabilities, normalised to ``(B, C)``."""
    if mask is not None:
        seg_probs = seg_probs * mask[..., None].to(seg_probs.dtype)
    total = seg_probs.sum(dim=1)
    return total / total.sum(dim=-1, keepdim=True).clamp_min(1e-12)


def segment_mask(n_frames: torch.Tensor, n_segments: int, frontend: FrontendConfig) -> torch.Tensor:
    """``(B, S)`` bool mask: True for segments computed from real (unpadded) frames."""
    real = torch.clamp(n_frames, min=frontend.segment_frames)
    valid = (real - frontend.segment_frames) // frontend.pool_stride + 1
    return torch.arange(n_segments, device=n_frames.device)[None, :] < valid[:, None]


class FusedExperts(nn.Module):
    """N experts with one front end evaluated as one network.

    Each band's convolutions are concatenated along output channels, the FC
    layers become grouped 1×1 convolutions. Returns the *positive* probability
    ``(B, N, S)`` of every expert, equal to running each expert alone.
    """

    def __init__(self, experts: list[ExpertCNN]):
        super().__init__()
        if not experts:
            raise ParameterError("FusedExperts needs at least one expert")
        fe = experts[0].frontend
        if any(e.frontend != fe for e in experts) or any(e.net.n_outputs != 2 for e in experts):
            raise ParameterError("fused experts must share one front end and be two-way")
        self.frontend, n = fe, len(experts)
        self.n = n
        self.convs = nn.ModuleList()
        for b in range(len(fe.bands)):
            convs = [e.convs[b] for e in experts]
            conv = nn.Conv1d(convs[0].in_channels, sum(c.out_channels for c in convs), fe.conv_kernel)
            conv.weight.data = torch.cat([c.weight.data for c in convs], 0)
            conv.bias.data = torch.cat([c.bias.data for c in convs], 0)
            self.convs.append(conv)
        # channel order after concatenating bands: [band0: e0..eN][band1: e0..eN]…; regroup by expert
        order, offset = [], 0
        band_offsets = []
        for b in range(len(fe.bands)):
            band_offsets.append(offset)
            offset += sum(e.net.filters[b] for e in experts)
        for i, e in enumerate(experts):
            for b in range(len(fe.bands)):
                start = band_offsets[b] + sum(x.net.filters[b] for x in experts[:i])
                order.extend(range(start, start + e.net.filters[b]))
        self.register_buffer("order", torch.tensor(order, dtype=torch.long), persistent=False)
        self.pool = nn.AvgPool1d(fe.pool_size, fe.pool_stride)
        widths = {sum(e.net.filters) for e in experts}
        hiddens = {e.net.hidden for e in experts}
        if len(widths) != 1 or len(hiddens) != 1:
            raise ParameterError("fused experts must share filter counts and hidden size")
        width, hidden = widths.pop(), hiddens.pop()
        self.fc = nn.Conv1d(n * width, n * hidden, 1, groups=n)
        self.fc.weight.data = torch.cat([e.fc.weight.data for e in experts], 0)[..., None]
        self.fc.bias.data = torch.cat([e.fc.bias.data for e in experts], 0)
        # positive-minus-negative logit: softmax over 2 classes = sigmoid of the difference
        w = torch.cat([(e.out.weight.data[1] - e.out.weight.data[0])[None] for e in experts], 0)
        bias = torch.stack([e.out.bias.data[1] - e.out.bias.data[0] for e in experts])
        self.out = nn.Conv1d(n * hidden, n, 1, groups=n)
        self.out.weight.data = w[..., None]
        self.out.bias.data = bias

    @torch.inference_mode()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_to_segment(x, self.frontend)
        feats = torch.cat([conv(x[:, lo:hi]) for conv, (lo, hi) in zip(self.convs, self.frontend.bands)], 1)
        feats = feats.index_select(1, self.order)
        pooled = self.pool(torch.relu_(feats))
        hidden = torch.relu_(self.fc(pooled))
        return torch.sigmoid(self.out(hidden))
