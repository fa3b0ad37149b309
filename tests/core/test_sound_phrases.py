"""The generated organ and drum phrases (train-only renders of the sound family)."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from benchmarks.sound_phrases import drum_phrase, midi_file, organ_phrase


@pytest.mark.parametrize("gen", [organ_phrase, drum_phrase])
def test_phrases_are_seeded_and_playable(gen):
    for seed in range(40):
        kind, ev = gen(np.random.default_rng(seed), length_s=5.0)
        assert (kind, ev) == gen(np.random.default_rng(seed), length_s=5.0)
        assert ev and all(0 <= k <= 127 and 1 <= v <= 127 and d > 0 and t >= 0 for t, _, _, k, d, v in ev)
        assert min(t for t, *_ in ev) < 0.5  # sound from the start of the clip
        if gen is drum_phrase:
            assert {ch for _, ch, *_ in ev} == {9}
        else:
            assert 9 not in {ch for _, ch, *_ in ev} and {p for _, _, p, *_ in ev} <= {16, 19, 20}


def test_phrases_vary_in_kind_and_register():
    kinds = {organ_phrase(np.random.default_rng(s))[0].split("-")[0] for s in range(60)}
    assert kinds == {"chorale", "held", "melody", "run"}
    kits = {drum_phrase(np.random.default_rng(s))[0] for s in range(60)}
    assert len({k.split("-")[0] for k in kits}) == 6 and len({k.split("-")[1] for k in kits}) >= 5


def _note_ons(data: bytes):
    """(tick, channel, key) of every note-on in a format-0 file that uses no running status."""
    track, i, tick, out = data[22:], 0, 0, []
    while i < len(track):
        delta = 0
        while True:
            b = track[i]
            i += 1
            delta = (delta << 7) | (b & 0x7F)
            if b < 0x80:
                break
        tick += delta
        status = track[i]
        if status == 0xFF:
            i += 3 + track[i + 2]
        elif status & 0xF0 == 0xC0:
            i += 2
        else:
            if status & 0xF0 == 0x90:
                out.append((tick, status & 0x0F, track[i + 1]))
            i += 3
    return out


def test_midi_file_places_each_phrase_in_its_own_clip():
    phrases = [drum_phrase(np.random.default_rng(s))[1] for s in range(3)]
    data = midi_file(phrases, length_s=5.0, gap_s=1.0)
    assert data[:4] == b"MThd" and data == midi_file(phrases, length_s=5.0, gap_s=1.0)
    ons = _note_ons(data)
    assert len(ons) == sum(sum(t < 5.0 for t, *_ in p) for p in phrases)
    assert all((t / 960) % 6.0 < 5.0 for t, _, _ in ons)  # nothing starts in the gaps


@pytest.mark.skipif(not shutil.which("fluidsynth"), reason="fluidsynth is not installed")
def test_render_extras_are_normalised_train_clips(tmp_path):
    import soundfile as sf

    from benchmarks.render_instruments import SOUNDFONTS
    from benchmarks.sound_renders import render_extras
    from relstudio.core.training.dataset import read_dataset

    fonts = [n for n, (f, _, _) in SOUNDFONTS.items() if Path(f).exists()][:1]
    if not fonts:
        pytest.skip("no allowed soundfont installed")
    out = render_extras(tmp_path / "x", clips=2, seed=5, soundfonts=fonts, log=lambda s: None)
    ds = read_dataset(out)
    assert ds.classes == ("drums", "organ") and len(ds) == 4
    x, rate = sf.read(str(ds.clips[0].path))
    assert rate == 44100 and len(x) == 5 * 44100 and np.abs(x).max() == pytest.approx(10 ** (-1 / 20), abs=2e-3)


def test_instrument_variants_are_other_programs_of_the_class():
    from benchmarks.instrument_extras import VARIANTS
    from benchmarks.instrument_phrases import INSTRUMENTS

    for name, programs in VARIANTS.items():
        assert INSTRUMENTS[name][0] not in programs and all(0 <= p < 128 for p in programs)
    assert len(VARIANTS["piano"]) >= 2 and len(VARIANTS["guitar"]) >= 2


@pytest.mark.skipif(not shutil.which("fluidsynth"), reason="fluidsynth is not installed")
def test_instrument_variant_clips_are_train_only_with_the_soundfont_as_source(tmp_path, monkeypatch):
    from benchmarks.render_instruments import SOUNDFONTS, SOURCE_OF
    from benchmarks.shipped_data import family_dataset

    fonts = [n for n, (f, _, _) in SOUNDFONTS.items() if Path(f).exists()]
    if len(fonts) < len(SOUNDFONTS):
        pytest.skip("not every allowed soundfont is installed")
    import benchmarks.instrument_extras as ie
    from benchmarks.render_instruments import render

    base = render(tmp_path / "r", clips=1, seed=2, log=lambda s: None)
    monkeypatch.setattr(ie, "default_out", lambda: tmp_path / "x")  # a private cache for this test
    ds = family_dataset("instrument", tmp_path, base, extras=1)
    extra = [c for c in ds.clips if c.train_only]
    assert extra and {c.source for c in extra} <= set(SOURCE_OF.values())
    assert {c.label for c in extra} == {"piano", "guitar", "violin", "trumpet", "flute"}
    assert sum(not c.train_only for c in ds.clips) == 6 * len(SOUNDFONTS)
