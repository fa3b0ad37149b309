"""Generated instrument phrases as Standard MIDI files (no MIDI file from any package).

A phrase is a list of notes ``(start_s, duration_s, key, velocity)``: scales,
arpeggios, block chords (piano and guitar), short melodies (a random walk on a
scale) and repeated notes, with several note lengths, velocities and registers
inside each instrument's range. Everything comes from ``numpy``'s seeded
generator, so the same seed always writes the same bytes.
"""

from __future__ import annotations

import struct

import numpy as np

# General MIDI program and playable key range of each class.
INSTRUMENTS = {
    "piano": (0, 28, 100),
    "guitar": (24, 40, 83),
    "violin": (40, 55, 96),
    "trumpet": (56, 52, 84),
    "clarinet": (71, 50, 89),
    "flute": (73, 60, 96),
}
POLYPHONIC = ("piano", "guitar")
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10), "dorian": (0, 2, 3, 5, 7, 9, 10),
          "pentatonic": (0, 2, 4, 7, 9), "chromatic": tuple(range(12))}
KINDS = ("scale", "arpeggio", "chords", "melody", "repeated")
TICKS = 480  # per quarter note; tempo fixed at 120 bpm, so one tick is 1/960 s


def _scale_keys(root: int, scale: tuple[int, ...], lo: int, hi: int) -> list[int]:
    return [k for k in range(lo, hi + 1) if (k - root) % 12 in scale]


def phrase(instrument: str, rng: np.random.Generator, *, length_s: float = 4.0) -> tuple[str, list[tuple]]:
    """One random phrase of ``instrument``: its kind and its notes (start, duration, key, velocity)."""
    _, lo, hi = INSTRUMENTS[instrument]
    kinds = KINDS if instrument in POLYPHONIC else tuple(k for k in KINDS if k != "chords")
    kind = kinds[int(rng.integers(len(kinds)))]
    scale = list(SCALES)[int(rng.integers(len(SCALES) - (kind == "chords")))]
    span = int(rng.integers(12, 25))  # a register: 1–2 octaves somewhere in the range
    base = int(rng.integers(lo, max(lo + 1, hi - span)))
    keys = _scale_keys(int(rng.integers(12)), SCALES[scale], base, min(hi, base + span)) or [base]
    beat = 60.0 / float(rng.uniform(70, 170))
    step = beat * float(rng.choice([0.25, 0.5, 1.0, 2.0], p=[0.2, 0.35, 0.3, 0.15]))
    legato = float(rng.uniform(0.5, 1.0))
    vel0 = int(rng.integers(45, 121))
    notes, t, i = [], 0.0, 0
    if kind == "scale":
        order = keys if rng.random() < 0.5 else keys[::-1]
        seq = [[k] for k in order]
    elif kind == "arpeggio":
        r = int(rng.integers(max(1, len(keys) - 4)))
        chord = keys[r::2][:4] or keys[:1]
        seq = [[k] for k in (chord + chord[-2:0:-1]) * 4]
    elif kind == "chords":
        seq = []
        for _ in range(8):
            r = int(rng.integers(max(1, len(keys) - 4)))
            seq.append(keys[r:r + 5:2])
        step = max(step, beat)
    elif kind == "melody":
        pos, seq = int(rng.integers(len(keys))), []
        for _ in range(32):
            pos = int(np.clip(pos + rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3]), 0, len(keys) - 1))
            seq.append([keys[pos]])
    else:  # repeated notes of one key, then another
        seq = [[keys[int(rng.integers(len(keys)))]]] * 8 + [[keys[int(rng.integers(len(keys)))]]] * 8
    while t < length_s and seq:
        dur = step * float(rng.choice([1.0, 1.0, 0.5, 2.0])) if kind == "melody" else step
        vel = int(np.clip(vel0 + rng.normal(0, 8), 20, 127))
        for k in seq[i % len(seq)]:
            notes.append((t, max(0.05, dur * legato), int(k), vel))
        t += dur
        i += 1
    return kind, notes


def vlq(n: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_bytes(program: int, phrases: list[list[tuple]], *, gap_s: float = 1.0, length_s: float = 4.0) -> bytes:
    """A format-0 MIDI file playing ``phrases`` one after the other, every ``length_s + gap_s`` seconds."""
    events = []  # (tick, order, bytes): note-offs before note-ons at one tick
    for j, notes in enumerate(phrases):
        t0 = j * (length_s + gap_s)
        for start, dur, key, vel in notes:
            if start >= length_s:
                continue
            on = round((t0 + start) * 960)
            off = round((t0 + min(start + dur, length_s + 0.5 * gap_s)) * 960)
            events.append((on, 1, bytes([0x90, key, vel])))
            events.append((max(off, on + 1), 0, bytes([0x80, key, 0])))
    end = round(len(phrases) * (length_s + gap_s) * 960)
    track = bytearray(b"\x00\xff\x51\x03" + (500000).to_bytes(3, "big") + b"\x00" + bytes([0xC0, program]))
    last = 0
    for tick, _, msg in sorted(events):
        track += vlq(tick - last) + msg
        last = tick
    track += vlq(max(0, end - last)) + b"\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS) + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)
