"""``<name>.expert.safetensors``: one expert's weights and its model card.

Metadata (JSON): format, architecture, label, description, colour, front end,
network config, training settings and data summary, licence of the data,
app version, weights checksum and fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from relstudio import __version__
from relstudio.core.errors import ExpertFileError, IncompatibleExpertError, ParameterError
from relstudio.core.experts.model_file import load_tensors, read_header, save_model
from relstudio.core.frontend import FrontendConfig

EXPERT_SUFFIX = ".expert.safetensors"
FORMAT = "relstudio-expert"


@dataclass(frozen=True, eq=False)
class ExpertInfo:
    """What the header of an expert file says (no weights loaded)."""

    path: Path
    label: str
    description: str
    fingerprint: str
    frontend: FrontendConfig
    net: "object"
    colour: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.label


@dataclass(frozen=True, eq=False)
class Expert:
    info: ExpertInfo
    module: "object"  # ExpertCNN in eval mode

    @property
    def fingerprint(self) -> str:
        return self.info.fingerprint

    @property
    def label(self) -> str:
        return self.info.label


def expert_fingerprint(weights_sha256: str, frontend: FrontendConfig, net_dict: dict) -> str:
    blob = json.dumps([weights_sha256, frontend.to_dict(), net_dict], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def save_expert(path, module, *, label: str, description: str = "", colour: str = "",
                training: dict | None = None, data: dict | None = None, licence: str = "",
                model_card: dict | None = None) -> ExpertInfo:
    """Save an :class:`~relstudio.core.nets.expert_cnn.ExpertCNN` as an expert file."""
    from relstudio.core.nets.net_config import ARCHITECTURE

    if not label or not isinstance(label, str):
        raise ParameterError(f"an expert needs a non-empty label, got {label!r}")
    path = Path(path)
    if not path.name.endswith(EXPERT_SUFFIX):
        raise ParameterError(f"expert files must end in {EXPERT_SUFFIX!r}: {path}")
    tensors = {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}
    meta = {
        "format": FORMAT, "format_version": 1, "architecture": ARCHITECTURE,
        "label": label, "description": description, "colour": colour,
        "frontend": module.frontend.to_dict(), "net": module.net.to_dict(),
        "training": training or {}, "data": data or {}, "licence": licence,
        "model_card": model_card or {}, "app_version": __version__,
    }
    from relstudio.core.experts.model_file import weights_digest

    meta["fingerprint"] = expert_fingerprint(weights_digest(tensors), module.frontend, meta["net"])
    save_model(path, tensors, meta)
    return read_expert_info(path)


def _info_from_meta(path: Path, meta: dict) -> ExpertInfo:
    from relstudio.core.nets.net_config import ARCHITECTURE
    from relstudio.core.schemas import validated
    from relstudio.core.schemas.models import ExpertMeta, frontend_and_net

    if meta.get("format") != FORMAT:
        raise ExpertFileError(path, f"not an expert file (format {str(meta.get('format'))[:80]!r})")
    if meta.get("architecture") != ARCHITECTURE:
        raise ExpertFileError(path, f"unknown architecture {str(meta.get('architecture'))[:80]!r} "
                                    f"(this version knows {ARCHITECTURE!r})")
    checked = validated(ExpertMeta, meta, path=path, error=ExpertFileError)
    if not checked.label.strip():
        raise ExpertFileError(path, "expert has an empty label")
    frontend, net = frontend_and_net(meta, path)
    return ExpertInfo(path, checked.label, checked.description, checked.fingerprint, frontend, net,
                      checked.colour, meta)


def read_expert_info(path) -> ExpertInfo:
    """Read an expert's header only (fast; used to list a library)."""
    path = Path(path)
    meta, _ = read_header(path)
    return _info_from_meta(path, meta)


def check_frontend(info: ExpertInfo, frontend: FrontendConfig | None) -> None:
    if frontend is not None and info.frontend != frontend:
        diffs = "; ".join(frontend.differences(info.frontend))
        raise IncompatibleExpertError(info.path, f"front end differs from the analysis ({diffs})")


def _verified_weights(info: ExpertInfo, module=None) -> dict:
    """The file's arrays after checking names, shapes, checksum and fingerprint against ``info``."""
    from relstudio.core.nets.net_config import expert_shapes

    if module is None:  # shapes from the config: listing a library needs no torch
        expected = expert_shapes(info.frontend, info.net)
    else:
        expected = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    meta, arrays = load_tensors(info.path, expected)
    if expert_fingerprint(meta["weights_sha256"], info.frontend, meta["net"]) != info.fingerprint:
        raise ExpertFileError(info.path, "fingerprint does not match the weights (file was modified)")
    return arrays


def verify_expert(path_or_info) -> ExpertInfo:
    """Check a whole expert file (header, tensor shapes, checksum, fingerprint) without keeping it."""
    info = path_or_info if isinstance(path_or_info, ExpertInfo) else read_expert_info(path_or_info)
    _verified_weights(info)
    return info


def load_expert(path, *, frontend: FrontendConfig | None = None, device=None) -> Expert:
    """Load and verify an expert; refuse it when its front end differs from ``frontend``."""
    info = read_expert_info(path)  # a malformed or oversized header is refused before torch is imported
    check_frontend(info, frontend)
    import torch

    from relstudio.core.nets.expert_cnn import ExpertCNN

    arrays = _verified_weights(info)  # shapes checked on a meta-device net before any real tensor exists
    module = ExpertCNN(info.frontend, info.net)
    module.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in arrays.items()})
    module.eval()
    if device is not None:
        module.to(device)
    return Expert(info, module)
