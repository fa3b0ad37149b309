"""Track classification for the collection table: a RELNET (or other classifier file) when one
matches the experts, else SUM fusion of the experts (in :func:`~.excerpts.summarise`).

A RELNET's relevance branch is exactly the experts' R_max, which the analysis
already holds, so only its classifier branch runs again here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from relstudio.core.errors import IncompatibleExpertError

METHOD_NAMES = {"relnet": "RELNET", "convnet": "CONVNET", "convkong": "CONV-KONG"}


def find_relnet(expert_fingerprints, folders=None) -> Path | None:
    """A RELNET file in ``folders`` (default: shipped + user experts) trained on exactly these experts."""
    from relstudio.core.classification import find_relnets
    from relstudio.core.paths import shipped_experts_dir, user_experts_dir

    want = set(expert_fingerprints)
    for info in find_relnets(folders if folders is not None else (shipped_experts_dir(), user_experts_dir())):
        if {fp for _, fp in info.experts} == want and len(info.experts) == len(want):
            return info.path
    return None


def check_classifier(path, expert_infos) -> str:
    """Header check of a classifier file against the run's experts; returns its method name."""
    from relstudio.core.experts.relnet_file import read_classifier_info
    from relstudio.core.nets.relnet import RELNET

    info = read_classifier_info(path)
    frontend = expert_infos[0].frontend
    if info.frontend != frontend:
        raise IncompatibleExpertError(info.path, "front end differs from the experts' ("
                                      + "; ".join(frontend.differences(info.frontend)) + ")")
    have = {e.fingerprint for e in expert_infos}
    missing = [f"{lab} ({fp})" for lab, fp in info.experts if fp not in have] if info.kind == RELNET else []
    if missing:
        raise IncompatibleExpertError(info.path, f"RELNET needs experts that are not in this run: {', '.join(missing)}")
    return METHOD_NAMES.get(info.kind, info.kind.upper())


def load_classifier(path, experts, *, device="cpu"):
    """A callable ``(analysis, clip) -> (label, {class: p}, method)`` from a classifier file.

    A RELNET's experts must all be among ``experts`` (by fingerprint); the
    analysis's probabilities of those experts give its segment weights.
    """
    import torch

    from relstudio.core.experts.relnet_file import load_classifier as load_file, read_classifier_info
    from relstudio.core.frontend import features, to_tensor
    from relstudio.core.nets.expert_cnn import clip_output
    from relstudio.core.nets.relnet import RELNET, _EPS
    from relstudio.core.relevance import relevance

    method = check_classifier(path, [e.info for e in experts])
    info = read_classifier_info(path)
    frontend = experts[0].info.frontend
    if info.kind == RELNET:
        have = {e.fingerprint: e for e in experts}
        model = load_file(path, experts=[have[fp] for _, fp in info.experts], device=device)
    else:
        model = load_file(path, device=device)
    module, classes = model.module, list(info.classes)
    own = [fp for _, fp in info.experts]

    def classify(analysis, clip):
        with torch.inference_mode():
            x = features(to_tensor(clip.samples, device), frontend)[None]
            if info.kind == RELNET:
                seg = module.classifier.segment_probs(x)  # (1, S, C)
                weight = torch.from_numpy(relevance(analysis.select(own).probs)).to(seg) + _EPS
                n = min(seg.shape[1], weight.shape[0])
                out = clip_output(seg[:, :n] * weight[None, :n, None])
            else:
                out = module(x)
        p = out[0].float().cpu().numpy()
        return classes[int(np.argmax(p))], {c: float(v) for c, v in zip(classes, p)}, method

    return classify
