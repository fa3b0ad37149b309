"""Schemas of the model files' JSON: expert, RELNET and classifier metadata, and the safetensors tensor table.

The models check types and ranges only; the configs they feed
(:class:`~relstudio.core.frontend.FrontendConfig`,
:class:`~relstudio.core.nets.net_config.ExpertCNNConfig`) keep their
cross-field rules (bands inside the mel bins, one filter count per band).
:func:`check_parameter_count` sizes the network from the metadata alone, so a
file declaring millions of hidden units is refused before any tensor exists.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from relstudio.core.errors import ExpertFileError
from relstudio.core.schemas import validated

MAX_PARAMETERS = 50_000_000
MAX_TENSORS = 256
_DTYPE_BYTES = {"F32": 4}

Text = Field(default="", max_length=20_000)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class _Open(BaseModel):
    """Top-level metadata: unknown keys are kept (newer versions may add some)."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


class FrontendSchema(_Strict):
    """``FrontendConfig`` fields; a missing one takes the config's default (``None`` here means missing), except
    ``level_window``: files written before it existed referenced each frame to itself (0)."""

    sample_rate: int = Field(None, ge=1000, le=768_000)
    n_fft: int = Field(None, ge=16, le=65_536)
    hop_length: int = Field(None, ge=1, le=65_536)
    window: Literal["hann"] = None
    n_mels: int = Field(None, ge=1, le=1024)
    fmin: float = Field(None, ge=0.0, le=384_000.0)
    fmax: float = Field(None, gt=0.0, le=384_000.0)
    mel_htk: bool = None
    mel_norm: Optional[Literal["slaney"]] = "slaney"
    power: float = Field(None, gt=0.0, le=4.0)
    center: bool = None
    pad_mode: Literal["constant"] = None
    db_ref: float = Field(None, gt=0.0, le=1e12)
    amin: float = Field(None, gt=0.0, le=1.0)
    top_db: float = Field(None, ge=0.0, le=1000.0)
    level_norm: Literal["frame_max", "none"] = None
    dynamic_range_db: float = Field(None, gt=0.0, le=1000.0)
    silence_db: float = Field(None, ge=-1000.0, le=1000.0)
    level_window: int = Field(None, ge=0, le=4096)
    bands: list[list[int]] = Field(None, min_length=1, max_length=32)
    conv_kernel: int = Field(None, ge=1, le=64)
    pool_size: int = Field(None, ge=1, le=4096)
    pool_stride: int = Field(None, ge=1, le=4096)


class NetSchema(_Strict):
    """Every field is required: :meth:`ExpertCNNConfig.to_dict` writes them all."""

    filters: list[Annotated[int, Field(ge=1, le=4096)]] = Field(min_length=1, max_length=32)
    hidden: int = Field(ge=1, le=65_536)
    n_outputs: int = Field(ge=2, le=4096)


class _ModelMeta(_Open):
    format: str = Field(max_length=64)
    format_version: int = Field(1, ge=1, le=1000)
    frontend: dict
    net: dict
    fingerprint: str = Field(min_length=1, max_length=128)
    weights_sha256: str = Field(min_length=1, max_length=128)
    description: str = Text
    licence: str = Text
    app_version: str = Field("", max_length=64)
    training: dict[str, Any] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)
    model_card: dict[str, Any] = Field(default_factory=dict)


class ExpertMeta(_ModelMeta):
    architecture: str = Field(max_length=64)
    label: str = Field(min_length=1, max_length=200)
    colour: str = Field("", max_length=64)


class ClassifierMeta(_ModelMeta):
    kind: str = Field(max_length=64)
    classes: list[str] = Field(min_length=2, max_length=4096)
    experts: list[list[str]] = Field(default_factory=list, max_length=4096)


class TensorSpec(_Strict):
    dtype: str = Field(max_length=16)
    shape: list[int] = Field(max_length=8)
    data_offsets: list[int] = Field(min_length=2, max_length=2)


def frontend_and_net(meta: dict, path):
    """The ``(FrontendConfig, ExpertCNNConfig)`` of metadata, checked (types, ranges, one filter count per
    band) and sized before any network exists (torch-free); errors name the field."""
    from relstudio.core.errors import ParameterError
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.nets.net_config import ExpertCNNConfig

    validated(FrontendSchema, meta["frontend"], path=path, error=ExpertFileError, prefix="frontend")
    validated(NetSchema, meta["net"], path=path, error=ExpertFileError, prefix="net")
    try:
        frontend = FrontendConfig.from_dict(meta["frontend"])
    except (ParameterError, TypeError, ValueError) as exc:
        raise ExpertFileError(path, f"field 'frontend': {exc}") from exc
    try:
        net = ExpertCNNConfig.from_dict(meta["net"])
    except (ParameterError, TypeError, ValueError) as exc:
        raise ExpertFileError(path, f"field 'net': {exc}") from exc
    check_parameter_count(frontend, net, path)
    return frontend, net


def check_parameter_count(frontend, net, path) -> int:
    """Parameters of the expert network ``net`` on ``frontend`` (from its shape table, without building it);
    refuses more than 50 M."""
    from math import prod

    from relstudio.core.errors import ParameterError
    from relstudio.core.nets.net_config import expert_shapes

    try:
        total = sum(prod(shape) for shape in expert_shapes(frontend, net).values())
    except ParameterError as exc:
        raise ExpertFileError(path, f"field 'net.filters': {exc}") from exc
    if total > MAX_PARAMETERS:
        raise ExpertFileError(path, f"the network declares {total:,} parameters, more than {MAX_PARAMETERS:,} "
                                    "(refused before building it)")
    return total


def check_tensor_table(header: dict, data_len: int, path) -> None:
    """Each tensor's dtype, shape and byte range in the file, before any tensor is read."""
    if len(header) > MAX_TENSORS:
        raise ExpertFileError(path, f"file lists {len(header)} tensors, more than {MAX_TENSORS}")
    for name, spec in header.items():
        if not isinstance(spec, dict) or spec.get("dtype") not in _DTYPE_BYTES:
            shown = spec.get("dtype") if isinstance(spec, dict) else spec
            raise ExpertFileError(path, f"tensor {name!r} has unsupported dtype {shown!r}")
        t = validated(TensorSpec, spec, path=path, error=ExpertFileError, prefix=f"tensor {name}")
        start, end = t.data_offsets
        if not 0 <= start <= end <= data_len:
            raise ExpertFileError(path, f"tensor {name!r} points outside the file (truncated?)")
        count = 1
        for n in t.shape:
            if n < 0:
                raise ExpertFileError(path, f"tensor {name!r} has a negative dimension in shape {t.shape}")
            count *= n
        if count * _DTYPE_BYTES[t.dtype] != end - start:
            raise ExpertFileError(path, f"tensor {name!r} has shape {tuple(t.shape)} but {end - start} bytes")
