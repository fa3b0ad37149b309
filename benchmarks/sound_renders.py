"""Train-only organ and drum clips rendered from the allowed soundfonts (``make retrain`` uses them).

    .venv/bin/python benchmarks/sound_renders.py [--family sound|genre] [--out DIR] [--clips 24] [--force]

``--family genre`` renders the genre family's phrases (:mod:`benchmarks.genre_phrases`) the same way.

The sound family's across-sources folds hold out whole packages; with
``grandorgue-demo`` held out, two thirds of the organ clips are gone. These
renders — phrases of :mod:`benchmarks.sound_phrases` played by the soundfonts
of :mod:`benchmarks.render_instruments` (FluidR3, FluidR3Mono, GeneralUser,
TimGM6mb; nothing else) — are added to every fold's training set and to the
shipped files' as **train-only** clips (``ClipRecord.train_only``): never
validated, held out or scored, so the across-sources accuracy still measures
only real ``sound2`` clips. Each clip is 5 s, mono 44.1 kHz, peak-normalised
to −1 dBFS as ``sound2``, 16-bit FLAC; ``source_pkg`` is the soundfont's
package (both FluidR3 packages for either), so a fold that holds out a
``MIDI+soundfont`` render of ``sound2`` trains on no render of that
soundfont (:func:`~relstudio.core.training.cross_source.extra_rows`); a clip whose render is near-silent
(a kit a soundfont lacks) is left out. Phrase ``i`` of class ``c`` with
soundfont ``f`` uses seed ``seed·100000 + c·10000 + f·1000 + i``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.render_instruments import (MANIFEST_HEADER, RATE, SOUNDFONTS, open_stage, publish_stage,  # noqa: E402
                                           render_command, render_one)
from benchmarks.sound_phrases import drum_phrase, midi_file, organ_phrase  # noqa: E402

GENERATORS = {"drums": drum_phrase, "organ": organ_phrase}
LENGTH_S, GAP_S = 5.0, 1.0
CLIPS = 24  # phrases per class and soundfont: 2 × 4 × 24 = 192 clips (make retrain's too: its EXTRAS["sound"])
VERSION = 2
PEAK = 10 ** (-1 / 20)
# FluidR3Mono re-cuts FluidR3's samples: a clip of either names both packages, so holding out one drops both.
FLUID = "fluid-soundfont-gm+fluidr3mono-gm-soundfont"


def default_out(family: str = "sound") -> Path:
    from benchmarks.render_instruments import default_out as instruments

    return instruments().with_name(f"{family}_extras")


def generators(family: str = "sound") -> dict:
    """The phrase generators of ``family``'s train-only renders, by class."""
    if family == "genre":
        from benchmarks.genre_phrases import GENERATORS as genre

        return genre
    return GENERATORS


def render_extras(out: Path, *, classes=tuple(GENERATORS), clips: int = CLIPS, seed: int = 11,
                  soundfonts=tuple(SOUNDFONTS), log=print, family: str = "sound") -> Path:
    """Render (or reuse, when the stamp matches) ``family``'s train-only clips in ``out``; returns the folder."""
    import soundfile as sf

    out = Path(out)
    gens = generators(family)
    stamp = {"version": VERSION, "clips": clips, "seed": seed, "classes": sorted(classes),
             "soundfonts": list(soundfonts)}
    want = json.dumps(stamp if family == "sound" else {**stamp, "family": family}, sort_keys=True)
    stage = open_stage(out, want, what=f"the {family} extras")
    if stage is None:
        return out
    rows = [MANIFEST_HEADER]
    per = int(LENGTH_S * RATE)
    for c, name in enumerate(sorted(classes)):
        (stage / name).mkdir(parents=True, exist_ok=True)
        for f, sf_name in enumerate(soundfonts):
            path, pkg, licence = SOUNDFONTS[sf_name]
            phrases = [gens[name](np.random.default_rng(seed * 100000 + c * 10000 + f * 1000 + i),
                                        length_s=LENGTH_S) for i in range(clips)]
            audio = render_one(midi_file([ev for _, ev in phrases], length_s=LENGTH_S, gap_s=GAP_S), path,
                               int(clips * (LENGTH_S + GAP_S) * RATE))
            kept = 0
            for i, (kind, _) in enumerate(phrases):
                a = int(i * (LENGTH_S + GAP_S) * RATE)
                x = audio[a:a + per].astype(np.float64)
                peak = float(np.abs(x).max())
                if peak < 1e-3 or np.sqrt(np.mean(x ** 2)) < 10 ** (-50 / 20):
                    continue  # silent: the soundfont lacks this kit or program
                rel = f"{name}/{name}_render_{sf_name}_{i:03d}_{kind}.flac"
                sf.write(str(stage / rel), (x * (PEAK / peak)).astype(np.float32), RATE, subtype="PCM_16")
                src = FLUID if pkg in FLUID.split("+") else pkg
                rows.append(f"{rel},{name},render-{name}-{sf_name},{src},{Path(path).name}+generated{i},"
                            f"{i * (LENGTH_S + GAP_S):.1f},{LENGTH_S:.1f},{licence}")
                kept += 1
            log(f"  rendered {kept}/{clips} {name} phrases with {sf_name}")
    return publish_stage(stage, out, rows=rows, stamp=want)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="sound", choices=("sound", "genre"))
    parser.add_argument("--out", default=None, help="default: the family's cache folder")
    parser.add_argument("--clips", type=int, default=CLIPS, help="phrases per class and soundfont")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--force", action="store_true", help="render again even if the stamp matches")
    args = parser.parse_args(argv)
    out = Path(args.out or default_out(args.family))
    return render_command("sound_renders", out, force=args.force,
                          render_set=lambda: render_extras(out, classes=tuple(generators(args.family)),
                                                           clips=args.clips, seed=args.seed, family=args.family))


if __name__ == "__main__":
    raise SystemExit(main())
