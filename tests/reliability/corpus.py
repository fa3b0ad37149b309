"""The bad-input corpus (``tests/data/bad``) as importable cases, and small helpers over it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
AUDIO_DIR = BAD / "audio"
EXPERT_DIR = BAD / "experts"
GOOD_EXPERT = EXPERT_DIR / "good.expert.safetensors"


def _load_generator():
    name = "relstudio_bad_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BAD / "make_corpus.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file executes
        spec.loader.exec_module(module)
    return sys.modules[name]


generator = _load_generator()
AUDIO_CASES = generator.AUDIO_CASES
EXPERT_CASES = generator.EXPERT_CASES
RELNET_CASES = generator.RELNET_CASES
MARKER = generator.MARKER
ANALYSED = [c for c in AUDIO_CASES if c.outcome == "analysed"]
REFUSED_AUDIO = [c for c in AUDIO_CASES if c.outcome == "refused"]
BAD_EXPERTS = [c for c in EXPERT_CASES if c.outcome != "ok"]


def case_id(case) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "_", case.name)


def matches(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None
