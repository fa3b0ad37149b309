"""Track classification for the collection table: a RELNET (or other classifier file) when one
fits the experts exactly (the model library's rule, ``matching_relnet(..., exact=True)``), else SUM fusion of the experts (in :func:`~.excerpts.summarise`).

A RELNET's relevance branch is exactly the experts' R_max, which the analysis
already holds, so only its classifier branch runs again here; the analysis's
evidence keeps silent segments out of its clip scores.
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import IncompatibleExpertError

METHOD_NAMES = {"relnet": "RELNET", "convnet": "CONVNET", "convkong": "CONV-KONG"}


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
    analysis's probabilities of those experts give its segment weights, and
    :func:`relstudio.core.classification.run_relnet` runs its classifier branch.
    """
    import torch

    from relstudio.core.classification import clip_scores, run_relnet
    from relstudio.core.experts.relnet_file import load_classifier as load_file, read_classifier_info
    from relstudio.core.frontend import features, to_tensor
    from relstudio.core.nets.relnet import RELNET
    from relstudio.core.progress import run_task
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
        if info.kind == RELNET:
            weights = relevance(analysis.select(own).probs)
            p = clip_scores(*run_task(run_relnet(clip, module, weights=weights)), evidence=analysis.evidence)
        else:
            with torch.inference_mode():
                p = module(features(to_tensor(clip.samples, device), frontend)[None])[0].float().cpu().numpy()
        return classes[int(np.argmax(p))], {c: float(v) for c, v in zip(classes, p)}, method

    return classify
