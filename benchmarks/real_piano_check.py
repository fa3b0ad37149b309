"""The instrument folds' experts on recorded piano music (``sound2/piano``, no renders): how often each rule calls it piano.

    .venv/bin/python benchmarks/real_piano_check.py build/experiments/<tag> [--data ../shared/data]

The instrument folds are trained and validated on dry soundfont renders only; these 46 clips are
piano-dominant game-music recordings (rooms, mixing, other instruments quietly beside), so they
show what a training change does to music that was recorded rather than rendered. Needs the folds
saved by ``loso_experiment.py --family instrument --demo``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.progress import run_task
    from relstudio.core.training.cross_source import RULES, clip_decisions, segment_probs, window_segments
    from relstudio.core.training.dataset import read_dataset
    from relstudio.core.training.evaluate import expert_class
    from relstudio.core.training.feature_cache import extract_features

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folds")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args(argv)
    ds = read_dataset(Path(args.data) / "sound2", classes=("piano", "organ"))  # a data set needs two classes
    ds = ds.subset([i for i, c in enumerate(ds.clips) if c.label == "piano" and "_render_" not in c.path.name])
    folds = {p.name: [load_expert(e) for e in sorted(p.glob("*.expert.safetensors"))]
             for p in sorted(Path(args.folds).iterdir()) if p.is_dir()}
    frontend = next(iter(folds.values()))[0].info.frontend  # one retrain: every fold has the same front end
    fs = run_task(extract_features(ds, frontend, folder=ROOT / "build" / "retrain" / "features"))
    out = {}
    for name, experts in folds.items():
        classes = [expert_class(e) for e in experts]
        probs = segment_probs(experts, fs, range(len(fs.clip_index)))
        calls = {r: Counter() for r in RULES}
        for p in probs:
            for r, k in clip_decisions(p, window_segments(frontend)).items():
                calls[r][classes[k]] += 1
        out[name] = {r: dict(sorted(c.items())) for r, c in calls.items()}
    piano = {r: round(sum(f[r].get("piano", 0) for f in out.values()) / max(1, len(ds) * len(out)), 3) for r in RULES}
    print(json.dumps({"clips": len(ds), "piano_share": piano, "folds": out}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
