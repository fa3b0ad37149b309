"""Generated electronic, metal and orchestral phrases (train-only renders of the genre family).

Events as :mod:`benchmarks.sound_phrases` (``(time_s, channel, program, key,
duration_s, velocity)``, channel 9 = drums), written by its :func:`midi_file`:

- **electronic** (110–140 bpm): a synth bass (GM 38, 39, 87) on the beat or off it,
  an arpeggiated or sequenced synth lead (GM 80–86), a synth pad (GM 88–95) holding
  the chords, over four-on-the-floor or breakbeat drums of an electronic,
  TR-808 or standard kit; now and then the drums or the pad drop out.
- **metal** (100–200 bpm): distortion / overdrive guitars (GM 30, 29) playing power
  chords (root, fifth, octave) in palm-muted eighths or sixteenths and riffs, a
  picked or finger bass (GM 34, 33) on the roots, fast kick / snare patterns
  (double kick, blast beats) with crashes and rides.
- **orchestral** (50–120 bpm, no drum kit): string sections (GM 48–51, 40–45)
  holding chords or tremolo, a melody on brass (GM 56–61) or woodwinds (GM 68–73),
  a low string or brass bass, sometimes timpani (GM 47) on the roots.

Keys, modes, registers and velocities vary; the same seed gives the same phrase.
"""

from __future__ import annotations

import numpy as np

from benchmarks.sound_phrases import MAJOR, MINOR, drum_track, groove

LEADS, PADS, SYNTH_BASSES = tuple(range(80, 87)), tuple(range(88, 96)), (38, 39, 87)
GUITARS, BASSES = (30, 30, 29), (34, 33)
STRINGS, MELODY = (48, 48, 49, 50, 51, 40, 41, 42, 44, 45), tuple(range(56, 62)) + tuple(range(68, 74))
LOW = (42, 43, 58, 57, 70)  # cello, contrabass, tuba, trombone, bassoon
ELECTRONIC_KITS, METAL_KITS = (24, 25, 25, 0, 8), (0, 16, 16, 8)
PROGRAMS = {"electronic": set(LEADS + PADS + SYNTH_BASSES), "metal": set(GUITARS + BASSES),
            "orchestral": set(STRINGS + MELODY + LOW + (47,))}


def _scale(rng: np.random.Generator, *, minor: float) -> tuple[int, tuple[int, ...]]:
    return int(rng.integers(12)), MINOR if rng.random() < minor else MAJOR


def _chords(rng: np.random.Generator, *, root: int, scale, n: int) -> list[list[int]]:
    """``n`` triads (pitch classes above ``root``) on random degrees of ``scale``, the first on the tonic."""
    out = []
    for i in range(n):
        d = 0 if i == 0 else int(rng.choice([0, 3, 4, 5, 5, 2]))
        out.append([root + scale[(d + s) % 7] + 12 * ((d + s) // 7) for s in (0, 2, 4)])
    return out


def _within(ev: list[tuple], length_s: float) -> list[tuple]:
    """The events that start inside the clip (:func:`midi_file` drops the others anyway)."""
    return [e for e in ev if e[0] < length_s]


def _vel(rng: np.random.Generator, *, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def electronic_phrase(rng: np.random.Generator, *, length_s: float = 5.0) -> tuple[str, list[tuple]]:
    """Synth bass, lead and pad over electronic drums: its kind and events."""
    beat = 60.0 / float(rng.uniform(110, 140))
    root, scale = _scale(rng, minor=0.7)
    chords = _chords(rng, root=root, scale=scale, n=4)
    lead, pad, bass = int(rng.choice(LEADS)), int(rng.choice(PADS)), int(rng.choice(SYNTH_BASSES))
    kind = ("arp", "seq", "chords")[int(rng.integers(3))]
    reg, vel = int(rng.integers(57, 73)), _vel(rng, lo=75, hi=120)
    drums = rng.random() < 0.85
    ev, bar = [], 4 * beat
    for j, chord in enumerate(chords * 4):
        t0 = j * bar
        if t0 >= length_s:
            break
        if kind == "chords" or rng.random() < 0.5:
            ev += [(t0, 2, pad, reg - 12 + k, bar, vel - 15) for k in chord]
        step = beat / 4 if kind != "chords" else beat / 2
        tones = sorted(k % 12 for k in chord)  # close position above the lead's register
        pattern = [tones[i % 3] + 12 * ((i // 3) % 2) for i in range(8)] if kind == "arp" else \
            [int(rng.choice(tones)) + 12 * int(rng.integers(0, 2)) for _ in range(8)]
        for i in range(int(round(bar / step))):
            if kind == "chords" and rng.random() < 0.6:
                continue
            ev.append((t0 + i * step, 0, lead, reg + pattern[i % 8], step * 0.9, vel))
        off = rng.random() < 0.5
        for b in range(4):
            ev.append((t0 + b * beat + (beat / 2 if off else 0.0), 1, bass, 36 + chord[0] % 12, beat * 0.45, vel))
    if drums:
        style = "four" if rng.random() < 0.65 else "break"
        ev += drum_track(rng, bar=groove(style, rng), kit=int(rng.choice(ELECTRONIC_KITS)), beat=beat,
                         length_s=length_s)
        kind += f"-{style}"
    return f"{kind}-l{lead}", _within(ev, length_s)


def _metal_bar(rng: np.random.Generator) -> tuple[str, list[tuple[float, int, int]]]:
    style = ("double", "gallop", "blast", "rock")[int(rng.integers(4))]
    cym = int(rng.choice([42, 51, 46]))
    if style == "double":
        return style, [(b / 4, 36, 105) for b in range(16)] + [(1, 38, 120), (3, 38, 120)] + [
            (b / 2, cym, 85) for b in range(8)]
    if style == "gallop":
        return style, [(b + o, 36, 110) for b in range(4) for o in (0, 0.5, 0.75)] + [(1, 38, 120), (3, 38, 120)] + [
            (b, cym, 90) for b in range(4)]
    if style == "blast":
        return style, [(b / 2, 36, 110) for b in range(8)] + [(b / 2 + 0.25, 38, 110) for b in range(8)] + [
            (b / 2, cym, 90) for b in range(8)]
    return style, [(0, 36, 115), (0.5, 36, 105), (2, 36, 115), (2.5, 36, 105), (1, 38, 120), (3, 38, 120)] + [
        (b / 2, cym, 85) for b in range(8)]


def metal_phrase(rng: np.random.Generator, *, length_s: float = 5.0) -> tuple[str, list[tuple]]:
    """Distorted power chords and riffs, bass on the roots, fast drums: its kind and events."""
    beat = 60.0 / float(rng.uniform(100, 200))
    root = int(rng.integers(38, 48))  # drop D to B: the low guitar strings
    scale = (0, 1, 3, 5, 6, 7, 10) if rng.random() < 0.4 else MINOR  # phrygian/locrian colour or minor
    guitar, bass = int(rng.choice(GUITARS)), int(rng.choice(BASSES))
    kind = ("chug", "riff", "chords")[int(rng.integers(3))]
    vel, two = _vel(rng, lo=90, hi=127), rng.random() < 0.5  # a second guitar doubles an octave up
    step = beat / (4 if kind == "chug" and rng.random() < 0.5 else 2)
    ev, t, deg = [], 0.0, 0
    while t < length_s:
        if kind == "chords":
            deg, dur = int(rng.choice([0, 0, 5, 6, 3, 1])), step * float(rng.choice([2, 4]))
        elif kind == "riff":
            deg, dur = (0 if rng.random() < 0.5 else int(rng.integers(7))), step * float(rng.choice([1, 1, 2]))
        else:
            deg, dur = (deg if rng.random() < 0.8 else int(rng.choice([0, 3, 5]))), step
        k = root + scale[deg] + (12 if scale[deg] > 7 and kind == "chords" else 0)
        for iv in (0, 7, 12) if kind != "riff" or rng.random() < 0.5 else (0,):
            ev.append((t, 0, guitar, k + iv, dur * 0.9, vel))
            if two:
                ev.append((t, 1, guitar, k + iv + 12, dur * 0.9, vel - 10))
        ev.append((t, 2, bass, k - 12 if k - 12 >= 28 else k, dur * 0.9, vel - 5))
        t += dur
    style, bar = _metal_bar(rng)
    ev += drum_track(rng, bar=bar, kit=int(rng.choice(METAL_KITS)), beat=beat, length_s=length_s)
    return f"{kind}-{style}-g{guitar}", _within(ev, length_s)


def orchestral_phrase(rng: np.random.Generator, *, length_s: float = 5.0) -> tuple[str, list[tuple]]:
    """String chords, a brass or woodwind melody, a low bass and sometimes timpani (no drum kit)."""
    beat = 60.0 / float(rng.uniform(50, 120))
    root, scale = _scale(rng, minor=0.5)
    strings, melody, low = int(rng.choice(STRINGS)), int(rng.choice(MELODY)), int(rng.choice(LOW))
    kind = ("chorale", "melody", "tremolo")[int(rng.integers(3))]
    reg, vel = int(rng.integers(52, 67)), _vel(rng, lo=50, hi=115)
    chords = _chords(rng, root=root, scale=scale, n=6)
    dur = beat * float(rng.choice([2, 4]))
    ev, keys = [], [k for k in range(reg + 7, reg + 27) if (k - root) % 12 in scale]
    pos = int(rng.integers(len(keys)))
    timpani = rng.random() < 0.35
    for j, chord in enumerate(chords * 3):
        t0 = j * dur
        if t0 >= length_s:
            break
        step = beat / 4 if kind == "tremolo" else dur
        for i in range(int(round(dur / step))):
            ev += [(t0 + i * step, 0, strings, reg + k % 12 + 12 * (k % 12 < 5), step * 0.95, vel) for k in chord]
        ev.append((t0, 1, low, 36 + chord[0] % 12, dur, vel))
        if timpani:
            ev += [(t0 + b * beat / 2, 3, 47, 41 + chord[0] % 7, beat / 2, vel) for b in range(int(rng.integers(1, 5)))]
        if kind != "chorale":
            t = t0
            while t < t0 + dur:
                pos = int(np.clip(pos + rng.choice([-2, -1, 1, 2]), 0, len(keys) - 1))
                d = beat * float(rng.choice([0.5, 1.0, 1.0, 2.0]))
                ev.append((t, 2, melody, keys[pos], min(d, t0 + dur - t), vel))
                t += d
    return f"{kind}-s{strings}-m{melody}", _within(ev, length_s)


GENERATORS = {"electronic": electronic_phrase, "metal": metal_phrase, "orchestral": orchestral_phrase}
