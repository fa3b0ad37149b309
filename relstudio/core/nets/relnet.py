"""Classifiers of the paper's §4: RELNET (Fig. 3) and the baselines CONVNET and CONV-KONG.

All take ``(B, n_mels, T)`` input and an optional ``(B, S)`` segment mask
and return clip-level class probabilities ``(B, C)``; masked (padded)
segments never count. Without a mask every segment counts, which is the
paper's "with padding" test condition.

- :class:`RelNet`: relevance branch = frozen experts → R_max per segment
  (Eq. 3, computed in torch exactly as :func:`relstudio.core.relevance.relevance`);
  classifier branch = the expert architecture with a C-way softmax per
  segment; output = relevance-weighted sum over segments, normalised.
- :class:`ConvNet`: the classifier branch alone.
- :class:`ConvKong`: Kong et al. (2018) decision-level attention with the
  three-band 1-D convolution front: per segment a sigmoid classifier and a
  class-wise attention (softmax over classes, clipped, normalised over
  segments); clip output = attention-weighted sum, normalised over classes
  for the categorical loss.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig, FusedExperts, clip_output, pad_to_segment
from relstudio.core.nets.net_config import CONVKONG, CONVNET, KINDS, RELNET  # noqa: F401 (re-exported)
EPS = 1e-7  # added to RELNET's segment weights (a silent clip falls back to equal weights) and attention


def relevance_torch(probs: torch.Tensor) -> torch.Tensor:
    """R_max per segment from positive probabilities ``(B, N, S)`` → ``(B, S)`` (paper Eq. 3)."""
    n = probs.shape[1]
    peak = probs.amax(dim=1)
    if n == 1:
        return peak
    total = probs.sum(dim=1, keepdim=True)
    dist = probs / total.clamp_min(1e-30)
    terms = torch.where(dist > 0, dist * torch.log(dist.clamp_min(1e-30)), torch.zeros_like(dist))
    h = (-terms.sum(dim=1) / math.log(n)).clamp(0.0, 1.0)
    r = torch.where(total[:, 0] > 0, 1.0 - h, torch.zeros_like(h))
    return r * peak


class ConvNet(ExpertCNN):
    """The expert architecture with a C-way softmax per segment (the paper's CONVNET)."""

    kind = CONVNET

    def __init__(self, frontend: FrontendConfig, n_classes: int, net: ExpertCNNConfig = ExpertCNNConfig()):
        if n_classes < 2:
            raise ParameterError(f"a classifier needs at least 2 classes, got {n_classes}")
        super().__init__(frontend, ExpertCNNConfig(net.filters, net.hidden, n_classes))
        self.n_classes = n_classes

    def trainable_state(self) -> dict:
        return self.state_dict()


class RelNet(nn.Module):
    """Relevance-weighted classifier (paper Fig. 3); the experts are frozen buffers."""

    kind = RELNET

    def __init__(self, frontend: FrontendConfig, experts: list[ExpertCNN], n_classes: int,
                 net: ExpertCNNConfig = ExpertCNNConfig()):
        super().__init__()
        if not experts:
            raise ParameterError("RELNET needs at least one expert")
        if any(e.frontend != frontend for e in experts):
            raise ParameterError("RELNET's experts must share its front end")
        self.frontend, self.n_classes = frontend, n_classes
        self.classifier = ConvNet(frontend, n_classes, net)
        self.net = self.classifier.net
        self.relevance_branch = FusedExperts(list(experts)).eval()
        for p in self.relevance_branch.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True):
        super().train(mode)
        self.relevance_branch.eval()
        return self

    def segment_relevance(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, S)`` R_max of the frozen experts (no gradient)."""
        return relevance_torch(self.relevance_branch(x)).clone()

    def segment_outputs(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-segment class probabilities ``(B, S, C)`` and relevance ``(B, S)``."""
        return self.classifier.segment_probs(x), self.segment_relevance(x)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        probs, rel = self.segment_outputs(x)
        weight = rel + EPS  # a clip where every expert says 0 falls back to equal weights
        if mask is not None:
            weight = weight * mask.to(weight.dtype)
        return clip_output(probs * weight[..., None])

    def trainable_state(self) -> dict:
        return self.classifier.state_dict()


class ConvKong(nn.Module):
    """CONV-KONG: Kong et al. 2018 attention on the three-band convolution front."""

    kind = CONVKONG

    def __init__(self, frontend: FrontendConfig, n_classes: int, net: ExpertCNNConfig = ExpertCNNConfig()):
        super().__init__()
        if n_classes < 2:
            raise ParameterError(f"a classifier needs at least 2 classes, got {n_classes}")
        if len(net.filters) != len(frontend.bands):
            raise ParameterError(f"{len(net.filters)} filter counts for {len(frontend.bands)} bands")
        self.frontend, self.n_classes = frontend, n_classes
        self.net = ExpertCNNConfig(net.filters, net.hidden, n_classes)
        self.convs = nn.ModuleList(
            nn.Conv1d(hi - lo, f, frontend.conv_kernel) for (lo, hi), f in zip(frontend.bands, net.filters))
        self.pool = nn.AvgPool1d(frontend.pool_size, frontend.pool_stride)
        self.fc = nn.Linear(sum(net.filters), net.hidden)
        self.cla = nn.Linear(net.hidden, n_classes)
        self.att = nn.Linear(net.hidden, n_classes)

    def segment_outputs(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-segment sigmoid class scores and attention, both ``(B, S, C)``."""
        x = pad_to_segment(x, self.frontend)
        feats = torch.cat([conv(x[:, lo:hi]) for conv, (lo, hi) in zip(self.convs, self.frontend.bands)], 1)
        hidden = torch.relu(self.fc(self.pool(torch.relu(feats)).transpose(1, 2)))
        att = torch.softmax(self.att(hidden), dim=-1).clamp(EPS, 1.0 - EPS)
        return torch.sigmoid(self.cla(hidden)), att

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        cla, att = self.segment_outputs(x)
        if mask is not None:
            att = att * mask[..., None].to(att.dtype)
        att = att / att.sum(dim=1, keepdim=True).clamp_min(1e-12)
        out = (cla * att).sum(dim=1)
        return out / out.sum(dim=-1, keepdim=True).clamp_min(1e-12)

    def trainable_state(self) -> dict:
        return self.state_dict()
