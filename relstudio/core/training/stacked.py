"""N one-vs-all experts trained together as one batched network.

All experts see the same input, so each band's N convolutions run as one
convolution with N·f output channels; the per-expert FC and output layers
run as batched matrix products. Every parameter has the expert index as its
first dimension, so per-expert early stopping can keep and restore each
expert's best weights independently, and :meth:`StackedExperts.expert`
gives back a plain :class:`~relstudio.core.nets.expert_cnn.ExpertCNN`
(the layout ``load_expert`` reads). Training N experts this way equals
training each alone with the same batches (Adam is element-wise).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig, pad_to_segment


def _init(shape, fan_in: int, generator: torch.Generator) -> torch.Tensor:
    """PyTorch's default Conv/Linear initialisation: U(−1/√fan_in, 1/√fan_in)."""
    bound = 1.0 / math.sqrt(fan_in)
    return (torch.rand(shape, generator=generator) * 2.0 - 1.0) * bound


class StackedExperts(nn.Module):
    """``n`` two-way experts of one architecture; ``forward`` gives ``(B, n, S, 2)`` logits."""

    def __init__(self, frontend: FrontendConfig, net: ExpertCNNConfig, n: int, *, seed: int = 0):
        super().__init__()
        if n < 1:
            raise ParameterError(f"need at least one expert, got {n}")
        if len(net.filters) != len(frontend.bands):
            raise ParameterError(f"{len(net.filters)} filter counts for {len(frontend.bands)} bands")
        self.frontend, self.net, self.n = frontend, net, n
        g = torch.Generator().manual_seed(seed)
        k = frontend.conv_kernel
        self.conv_w = nn.ParameterList()
        self.conv_b = nn.ParameterList()
        for (lo, hi), f in zip(frontend.bands, net.filters):
            fan = (hi - lo) * k
            self.conv_w.append(nn.Parameter(_init((n, f, hi - lo, k), fan, g)))
            self.conv_b.append(nn.Parameter(_init((n, f), fan, g)))
        width = sum(net.filters)
        self.fc_w = nn.Parameter(_init((n, net.hidden, width), width, g))
        self.fc_b = nn.Parameter(_init((n, net.hidden), width, g))
        self.out_w = nn.Parameter(_init((n, net.n_outputs, net.hidden), net.hidden, g))
        self.out_b = nn.Parameter(_init((n, net.n_outputs), net.hidden, g))
        self.pool = nn.AvgPool1d(frontend.pool_size, frontend.pool_stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, n_mels, T)`` → ``(B, n, S, n_outputs)`` per-segment logits."""
        x = pad_to_segment(x, self.frontend)
        b = x.shape[0]
        parts = []
        for (lo, hi), w, bias in zip(self.frontend.bands, self.conv_w, self.conv_b):
            n, f = w.shape[0], w.shape[1]
            y = nn.functional.conv1d(x[:, lo:hi], w.reshape(n * f, hi - lo, -1), bias.reshape(n * f))
            parts.append(y.reshape(b, n, f, -1))
        feats = torch.relu(torch.cat(parts, dim=2))  # (B, n, F, T')
        t = feats.shape[-1]
        pooled = self.pool(feats.reshape(b, -1, t)).reshape(b, self.n, feats.shape[2], -1)  # (B, n, F, S)
        hidden = torch.relu(torch.einsum("bnfs,nhf->bnsh", pooled, self.fc_w) + self.fc_b[None, :, None])
        return torch.einsum("bnsh,nch->bnsc", hidden, self.out_w) + self.out_b[None, :, None]

    def expert(self, i: int) -> ExpertCNN:
        """Expert ``i`` as a stand-alone :class:`ExpertCNN` (CPU copy, eval mode)."""
        module = ExpertCNN(self.frontend, self.net)
        state = {}
        for b in range(len(self.frontend.bands)):
            state[f"convs.{b}.weight"] = self.conv_w[b][i]
            state[f"convs.{b}.bias"] = self.conv_b[b][i]
        state.update({"fc.weight": self.fc_w[i], "fc.bias": self.fc_b[i],
                      "out.weight": self.out_w[i], "out.bias": self.out_b[i]})
        module.load_state_dict({k: v.detach().cpu().clone() for k, v in state.items()})
        return module.eval()
