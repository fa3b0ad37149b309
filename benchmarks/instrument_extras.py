"""Train-only instrument clips: the phrases of other GM programs of each class, from the allowed soundfonts.

    .venv/bin/python benchmarks/instrument_extras.py [--out DIR] [--clips 8] [--force]

The instrument set of :mod:`benchmarks.render_instruments` plays one GM
program per class (piano = 0, guitar = 24, …). These extras play the class's
neighbours — bright and electric grand piano, steel / jazz / clean electric
guitar, fiddle, muted trumpet, piccolo — with fresh phrases of
:mod:`benchmarks.instrument_phrases`, from the same soundfonts (FluidR3,
FluidR3Mono, GeneralUser, TimGM6mb; nothing else). They are **train-only**
(``ClipRecord.train_only``): never scored, and a fold that holds out a
soundfont trains on none of that soundfont's extras (their ``source_pkg`` is
the soundfont family, as the scored clips' source). Phrase ``i`` of program
``p`` with soundfont ``f`` uses seed ``seed·100000 + p·1000 + f·100 + i``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.instrument_phrases import midi_bytes, phrase  # noqa: E402
from benchmarks.render_instruments import (GAP_S, LENGTH_S, RATE, SOUNDFONTS, SOURCE_OF,  # noqa: E402
                                           MANIFEST_HEADER, default_out as instruments_out, open_stage, publish_stage,
                                           render_command, render_one)

VARIANTS = {"piano": (1, 2), "guitar": (25, 26, 27), "violin": (110,), "trumpet": (59,), "flute": (72,),
            "clarinet": ()}
CLIPS = 6  # phrases per variant program and soundfont
VERSION = 1


def default_out() -> Path:
    return instruments_out().with_name("instrument_extras")


def render_variants(out: Path, *, clips: int = CLIPS, seed: int = 9, soundfonts=tuple(SOUNDFONTS),
                    variants=None, log=print) -> Path:
    """Render (or reuse, when the stamp matches) the train-only variant clips in ``out``; returns the folder."""
    import soundfile as sf

    out, variants = Path(out), dict(VARIANTS if variants is None else variants)
    want = json.dumps({"version": VERSION, "clips": clips, "seed": seed, "soundfonts": list(soundfonts),
                       "variants": {k: list(v) for k, v in variants.items()}}, sort_keys=True)
    stage = open_stage(out, want, what="instrument variants")
    if stage is None:
        return out
    rows = [MANIFEST_HEADER]
    per = int(LENGTH_S * RATE)
    for name, programs in variants.items():
        (stage / name).mkdir(parents=True, exist_ok=True)
        for program in programs:
            for f, sf_name in enumerate(soundfonts):
                path, _, licence = SOUNDFONTS[sf_name]
                phrases = [phrase(name, np.random.default_rng(seed * 100000 + program * 1000 + f * 100 + i),
                                  length_s=LENGTH_S) for i in range(clips)]
                midi = midi_bytes(program, [n for _, n in phrases], gap_s=GAP_S, length_s=LENGTH_S)
                audio = render_one(midi, path, int(clips * (LENGTH_S + GAP_S) * RATE))
                for i, (kind, _) in enumerate(phrases):
                    a = int(i * (LENGTH_S + GAP_S) * RATE)
                    x = audio[a:a + per]
                    if np.abs(x).max() < 1e-3:
                        continue  # the soundfont lacks this program
                    rel = f"{name}/{name}_p{program}_{sf_name}_{i:03d}_{kind}.flac"
                    sf.write(str(stage / rel), np.clip(x, -1.0, 1.0), RATE, subtype="PCM_16")
                    src = SOURCE_OF[sf_name]
                    rows.append(f"{rel},{name},{src},{src},{Path(path).name}+program{program}+phrase{i},"
                                f"{i * (LENGTH_S + GAP_S):.1f},{LENGTH_S:.1f},{licence}")
            log(f"  rendered {name} program {program}")
    return publish_stage(stage, out, rows=rows, stamp=want)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(default_out()))
    parser.add_argument("--clips", type=int, default=CLIPS, help="phrases per variant program and soundfont")
    parser.add_argument("--force", action="store_true", help="render again even if the stamp matches")
    args = parser.parse_args(argv)
    out = Path(args.out)
    return render_command("instrument_extras", out, force=args.force,
                          render_set=lambda: render_variants(out, clips=args.clips))


if __name__ == "__main__":
    raise SystemExit(main())
