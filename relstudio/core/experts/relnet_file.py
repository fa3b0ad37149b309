"""RELNET, CONVNET and CONV-KONG model files: the safe expert format with a classifier inside.

``<name>.relnet.safetensors`` (RELNET) and ``<name>.classifier.safetensors``
(CONVNET / CONV-KONG) hold the trainable weights only, plus JSON metadata:
kind, classes, front end, network config, training settings, data summary,
model card and — for RELNET — the experts of its relevance branch by label
and fingerprint. Loading a RELNET with any other set of experts is refused
(:class:`IncompatibleExpertError` naming the missing and unexpected ones).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from relstudio import __version__
from relstudio.core.errors import ExpertFileError, IncompatibleExpertError, ParameterError
from relstudio.core.experts.model_file import load_tensors, read_header, save_model, weights_digest
from relstudio.core.frontend import FrontendConfig

RELNET_SUFFIX = ".relnet.safetensors"
CLASSIFIER_SUFFIX = ".classifier.safetensors"
FORMAT = "relstudio-classifier"


@dataclass(frozen=True, eq=False)
class ClassifierInfo:
    path: Path
    kind: str
    classes: tuple[str, ...]
    frontend: FrontendConfig
    net: object
    fingerprint: str
    experts: tuple[tuple[str, str], ...] = ()  # (label, fingerprint), RELNET only
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Classifier:
    info: ClassifierInfo
    module: object  # RelNet | ConvNet | ConvKong in eval mode


def _fingerprint(weights_sha256: str, meta: dict) -> str:
    blob = json.dumps([weights_sha256, meta["kind"], meta["classes"], meta["frontend"], meta["net"],
                       meta.get("experts", [])], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def suffix_for(kind: str) -> str:
    return RELNET_SUFFIX if kind == "relnet" else CLASSIFIER_SUFFIX


def save_classifier(path, module, *, classes, experts=(), description: str = "", training: dict | None = None,
                    data: dict | None = None, licence: str = "", model_card: dict | None = None) -> ClassifierInfo:
    """Save a trained RelNet / ConvNet / ConvKong; ``experts`` are the RELNET's loaded experts."""
    from relstudio.core.nets.net_config import KINDS, RELNET

    kind = getattr(module, "kind", None)
    if kind not in KINDS:
        raise ParameterError(f"cannot save a {type(module).__name__} as a classifier file")
    path = Path(path)
    if not path.name.endswith(suffix_for(kind)):
        raise ParameterError(f"{kind} files must end in {suffix_for(kind)!r}: {path}")
    classes = [str(c) for c in classes]
    if len(classes) != module.n_classes:
        raise ParameterError(f"{len(classes)} class names for a {module.n_classes}-class model")
    refs = [[e.label, e.fingerprint] for e in experts]
    if kind == RELNET and len(refs) != module.relevance_branch.n:
        raise ParameterError(f"RELNET has {module.relevance_branch.n} experts but {len(refs)} were named")
    tensors = {k: v.detach().cpu().numpy() for k, v in module.trainable_state().items()}
    meta = {"format": FORMAT, "format_version": 1, "kind": kind, "classes": classes,
            "frontend": module.frontend.to_dict(), "net": module.net.to_dict(), "experts": refs,
            "description": description, "training": training or {}, "data": data or {}, "licence": licence,
            "model_card": model_card or {}, "app_version": __version__}
    meta["fingerprint"] = _fingerprint(weights_digest(tensors), meta)
    save_model(path, tensors, meta)
    return read_classifier_info(path)


def read_classifier_info(path) -> ClassifierInfo:
    from relstudio.core.nets.net_config import KINDS
    from relstudio.core.schemas import validated
    from relstudio.core.schemas.models import ClassifierMeta, frontend_and_net

    path = Path(path)
    meta, _ = read_header(path)
    if meta.get("format") != FORMAT:
        raise ExpertFileError(path, f"not a RELNET/classifier file (format {str(meta.get('format'))[:80]!r})")
    if meta.get("kind") not in KINDS:
        raise ExpertFileError(path, f"unknown classifier kind {str(meta.get('kind'))[:80]!r} "
                                    f"(this version knows {KINDS})")
    checked = validated(ClassifierMeta, meta, path=path, error=ExpertFileError)
    for i, ref in enumerate(checked.experts):
        if len(ref) != 2:
            raise ExpertFileError(path, f"field 'experts.{i}': need [label, fingerprint], got {len(ref)} values")
    frontend, net = frontend_and_net(meta, path)
    return ClassifierInfo(path, checked.kind, tuple(checked.classes), frontend, net, checked.fingerprint,
                          tuple((a, b) for a, b in checked.experts), meta)


def check_experts(info: ClassifierInfo, experts) -> list:
    """The given experts in the file's order; refuses any other set (by fingerprint)."""
    want = [fp for _, fp in info.experts]
    have = {e.fingerprint: e for e in experts}
    missing = [f"{lab} ({fp})" for lab, fp in info.experts if fp not in have]
    extra = [f"{e.label} ({e.fingerprint})" for e in experts if e.fingerprint not in want]
    if missing or extra or len(have) != len(list(experts)):
        raise IncompatibleExpertError(
            info.path, "RELNET was trained with other experts: "
            + (f"missing {', '.join(missing)}" if missing else "")
            + ("; " if missing and extra else "") + (f"not part of it {', '.join(extra)}" if extra else "")
            + ("" if missing or extra else "an expert was given twice"))
    return [have[fp] for fp in want]


def load_classifier(path, *, experts=(), frontend: FrontendConfig | None = None, device=None) -> Classifier:
    """Load a classifier file; a RELNET needs exactly the experts it was trained with (loaded)."""
    import torch

    from relstudio.core.nets.relnet import RELNET, ConvKong, ConvNet, RelNet

    info = read_classifier_info(path)
    if frontend is not None and info.frontend != frontend:
        raise IncompatibleExpertError(info.path, "front end differs (" + "; ".join(frontend.differences(info.frontend)) + ")")
    n = len(info.classes)
    if info.kind == RELNET:
        ordered = check_experts(info, experts)
        module = RelNet(info.frontend, [e.module for e in ordered], n, info.net)
        if device is None:
            device = next(ordered[0].module.parameters()).device
        target = module.classifier
    else:
        module = (ConvNet if info.kind == "convnet" else ConvKong)(info.frontend, n, info.net)
        target = module
    expected = {k: tuple(v.shape) for k, v in target.state_dict().items()}
    meta, arrays = load_tensors(info.path, expected)
    if _fingerprint(meta["weights_sha256"], meta) != info.fingerprint:
        raise ExpertFileError(info.path, "fingerprint does not match the weights (file was modified)")
    target.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in arrays.items()})
    module.eval()
    if device is not None:
        module.to(device)
    return Classifier(info, module)


def find_experts(info: ClassifierInfo, library) -> list:
    """Library entries of a RELNET's experts (by fingerprint); refuses when one is not there."""
    by_fp = {e.info.fingerprint: e for e in library.usable()}
    missing = [f"{lab} ({fp})" for lab, fp in info.experts if fp not in by_fp]
    if missing:
        raise IncompatibleExpertError(info.path, f"its experts are not in the library: {', '.join(missing)}")
    return [by_fp[fp] for _, fp in info.experts]
