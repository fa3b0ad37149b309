"""The generated electronic, metal and orchestral phrases (train-only renders of the genre family)."""

import numpy as np
import pytest

from benchmarks.genre_phrases import GENERATORS, PROGRAMS, electronic_phrase, metal_phrase, orchestral_phrase

DRUMS = {electronic_phrase: "some", metal_phrase: "all", orchestral_phrase: "none"}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_phrases_are_seeded_in_range_and_fill_the_clip(name):
    gen = GENERATORS[name]
    with_drums = 0
    for seed in range(60):
        kind, ev = gen(np.random.default_rng(seed), length_s=5.0)
        assert (kind, ev) == gen(np.random.default_rng(seed), length_s=5.0)
        assert ev and all(0 <= k <= 127 and 1 <= v <= 127 and 0 < d <= 8.0 and 0 <= t < 6.0
                          for t, _, _, k, d, v in ev)
        tonal = [e for e in ev if e[1] != 9]
        assert tonal and {p for _, _, p, *_ in tonal} <= PROGRAMS[name]  # only the class's GM programs
        assert all(24 <= k <= 108 for _, _, _, k, _, _ in tonal)  # playable registers
        assert min(t for t, *_ in tonal) < 0.1 and max(t + d for t, _, _, _, d, _ in tonal) > 3.5  # the whole clip
        with_drums += any(e[1] == 9 for e in ev)
    assert {"all": with_drums == 60, "some": 30 <= with_drums < 60, "none": with_drums == 0}[DRUMS[gen]]


def test_programs_per_class_are_the_genre_instruments():
    assert PROGRAMS["metal"] <= {29, 30, 33, 34} and {29, 30} <= PROGRAMS["metal"]
    assert PROGRAMS["electronic"] <= {38, 39} | set(range(80, 96))
    assert PROGRAMS["orchestral"] <= set(range(40, 62)) | set(range(68, 74))
    for name, gen in GENERATORS.items():
        used = {p for s in range(80) for _, ch, p, *_ in gen(np.random.default_rng(s))[1] if ch != 9}
        assert len(used) >= 0.6 * len(PROGRAMS[name])  # the programs vary


def test_tempos_keys_and_kinds_vary():
    for gen in GENERATORS.values():
        kinds = {gen(np.random.default_rng(s))[0].split("-")[0] for s in range(60)}
        assert len(kinds) == 3
        lows = {min(k for _, ch, _, k, *_ in gen(np.random.default_rng(s))[1] if ch != 9) % 12 for s in range(60)}
        assert len(lows) >= 6
    # metal is fast: its guitar onsets are at most a beat of 100 bpm apart
    for s in range(30):
        on = sorted({t for t, ch, p, *_ in metal_phrase(np.random.default_rng(s))[1] if p in (29, 30)})
        assert max(np.diff(on)) <= 4 * 0.6 + 1e-9
