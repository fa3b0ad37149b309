"""Generated organ and drum phrases as multi-channel Standard MIDI files (no MIDI file from any package).

An event is ``(time_s, channel, program, key, duration_s, velocity)``; channel 9
is the General MIDI drum channel (its ``program`` picks the kit).

- **organ** (church / reed / drawbar organ, GM 19, 20, 16): four-voice chorales
  (block chords with a pedal bass), held chords and held keys with their octave
  (a registration, as the GrandOrgue samples), a melody over a held chord,
  manual runs; several registers, all legato (organs do not decay).
- **drums** (channel 9): rock, half-time, jazz ride, four-on-the-floor,
  breakbeat and tom/hand-percussion grooves with fills and crashes, at
  70–180 bpm, with random velocities and kits (standard, room, power,
  electronic, TR-808, jazz, brush).

Everything comes from ``numpy``'s seeded generator: the same seed writes the same bytes.
"""

from __future__ import annotations

import struct

import numpy as np

from benchmarks.instrument_phrases import vlq

ORGANS = (19, 19, 19, 20, 16)  # church organ most often
ORGAN_KINDS = ("chorale", "held", "melody", "run")
KITS = (0, 8, 16, 24, 25, 32, 40)
DRUM_KINDS = ("rock", "halftime", "jazz", "four", "break", "toms")
MAJOR, MINOR = (0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10)


def organ_phrase(rng: np.random.Generator, *, length_s: float = 5.0) -> tuple[str, list[tuple]]:
    """One organ phrase: its kind and its events (start, channel, program, key, duration, velocity)."""
    kind = ORGAN_KINDS[int(rng.integers(len(ORGAN_KINDS)))]
    prog = int(rng.choice(ORGANS))
    root = int(rng.integers(12))
    scale = MAJOR if rng.random() < 0.5 else MINOR
    lo = int(rng.integers(48, 62))  # the manual's register
    keys = [k for k in range(lo, lo + 20) if (k - root) % 12 in scale]
    vel = int(rng.integers(70, 121))
    beat = 60.0 / float(rng.uniform(50, 110))
    octave = rng.random() < 0.5  # a 4' stop: every manual key also an octave up
    ev = []

    def note(t, k, d):
        ev.append((t, 0, prog, int(k), d, vel))
        if octave and k + 12 <= 108:
            ev.append((t, 0, prog, int(k + 12), d, vel))

    if kind in ("chorale", "held"):
        step = beat * (2.0 if kind == "chorale" else float(rng.uniform(2.5, 5.0)))
        t = 0.0
        while t < length_s:
            r = int(rng.integers(max(1, len(keys) - 5)))
            chord = keys[r:r + 6:2] if kind == "chorale" or rng.random() < 0.6 else keys[r:r + 1]
            for k in chord:
                note(t, k, step)
            ev.append((t, 1, prog, chord[0] - 24 + 12 * int(rng.integers(0, 2)), step, vel))  # pedal
            t += step
    else:
        r = int(rng.integers(max(1, len(keys) - 5)))
        if kind == "melody":  # a melody over a held chord
            for k in keys[r:r + 5:2]:
                ev.append((0.0, 1, prog, k - 12, length_s, vel))
        t, pos = 0.0, int(rng.integers(len(keys)))
        step = beat * float(rng.choice([0.25, 0.5, 1.0])) * (0.5 if kind == "run" else 1.0)
        while t < length_s:
            pos = int(np.clip(pos + (rng.choice([-1, 1]) if kind == "run" else rng.choice([-2, -1, 0, 1, 2])),
                              0, len(keys) - 1))
            d = step * float(rng.choice([1.0, 1.0, 2.0])) if kind == "melody" else step
            note(t, keys[pos] + 12 * (kind == "melody"), d)
            t += d
    return f"{kind}-p{prog}", ev


def groove(kind: str, rng: np.random.Generator) -> list[tuple[float, int, int]]:
    """One bar of (beat position 0–4, key, base velocity)."""
    hat = int(rng.choice([42, 42, 44, 46]))
    if kind == "rock":
        return [(b / 2, hat, 80) for b in range(8)] + [(0, 36, 110), (2, 36, 100), (2.5, 36, 90), (1, 38, 110),
                                                       (3, 38, 110)]
    if kind == "halftime":
        return [(b / 2, hat, 75) for b in range(8)] + [(0, 36, 110), (1.5, 36, 90), (2, 38, 115)]
    if kind == "jazz":
        return [(0, 51, 90), (1, 51, 90), (1 + 2 / 3, 51, 70), (2, 51, 90), (3, 51, 90), (3 + 2 / 3, 51, 70),
                (1, 44, 70), (3, 44, 70), (0, 35, 60)] + [(float(rng.integers(8)) / 2, 38, 55) for _ in range(2)]
    if kind == "four":
        return [(b, 36, 115) for b in range(4)] + [(b + 0.5, 46, 85) for b in range(4)] + [(1, 39, 100),
                                                                                        (3, 39, 100)]
    if kind == "break":
        return [(b / 2, hat, 85) for b in range(8)] + [(0, 36, 115), (1.75, 36, 95), (2.5, 36, 105),
                                                       (1, 38, 115), (3, 38, 115), (3.75, 38, 70)]
    toms = (41, 43, 45, 47, 48, 50, 60, 61, 62, 63, 64)
    return [(b / 2, int(rng.choice(toms)), 100) for b in range(8) if rng.random() < 0.8] + [(0, 36, 110)]


def drum_phrase(rng: np.random.Generator, *, length_s: float = 5.0) -> tuple[str, list[tuple]]:
    """One drum phrase on channel 9: its kind and events (start, 9, kit, key, duration, velocity)."""
    kind = DRUM_KINDS[int(rng.integers(len(DRUM_KINDS)))]
    kit = int(rng.choice(KITS))
    beat = 60.0 / float(rng.uniform(70, 180))
    return f"{kind}-k{kit}", drum_track(rng, bar=groove(kind, rng), kit=kit, beat=beat, length_s=length_s)


def drum_track(rng: np.random.Generator, *, bar: list[tuple[float, int, int]], kit: int, beat: float,
               length_s: float) -> list[tuple]:
    """``bar`` (beat position, key, velocity) repeated on channel 9 with fills, crashes and a little timing jitter."""
    fill_every = int(rng.choice([2, 4, 100]))
    ev, t, n = [], 0.0, 0
    while t < length_s:
        hits = bar
        if (n + 1) % fill_every == 0:  # a fill on the toms / snare in the last beat, a crash on the next one
            hits = [h for h in bar if h[0] < 3] + [(3 + i / 4, int(rng.choice([38, 45, 47, 48, 50])), 100)
                                                     for i in range(4)]
        if n % fill_every == 0 and n > 0:
            hits = hits + [(0, 49, 110)]
        for pos, key, v in hits:
            start = t + pos * beat + float(rng.normal(0, 0.004))
            ev.append((max(0.0, start), 9, kit, key, 0.1, int(np.clip(v + rng.normal(0, 10), 20, 127))))
        t += 4 * beat
        n += 1
    return ev


def midi_file(phrases: list[list[tuple]], *, length_s: float = 5.0, gap_s: float = 1.0) -> bytes:
    """A format-0 MIDI file (120 bpm, 960 ticks/s) playing ``phrases`` every ``length_s + gap_s`` s.

    Notes are cut at ``length_s`` (a phrase never sounds into the next one's
    clip); a program change precedes each phrase on every channel it uses.
    """
    events = []  # (tick, order, bytes): note-offs, then program changes, then note-ons at one tick
    for j, phrase in enumerate(phrases):
        t0 = j * (length_s + gap_s)
        for ch, prog in sorted({(e[1], e[2]) for e in phrase}):
            events.append((round(t0 * 960), 1, bytes([0xC0 | ch, prog])))
        for start, ch, _, key, dur, vel in phrase:
            if start >= length_s:
                continue
            on = round((t0 + start) * 960) + 1
            off = round((t0 + min(start + dur, length_s)) * 960)
            events.append((on, 2, bytes([0x90 | ch, key, vel])))
            events.append((max(off, on + 1), 0, bytes([0x80 | ch, key, 0])))
    end = round(len(phrases) * (length_s + gap_s) * 960)
    track = bytearray(b"\x00\xff\x51\x03" + (500000).to_bytes(3, "big"))
    last = 0
    for tick, _, msg in sorted(events):
        track += vlq(tick - last) + msg
        last = tick
    track += vlq(max(0, end - last)) + b"\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)
