"""Review layers: marks by time, merged regions, JSON round trip, clips cut from a track, the union dataset."""

import pytest

from relstudio.core.audio import load_audio
from relstudio.core.errors import DatasetError, ParameterError
from relstudio.core.progress import run_task
from relstudio.core.training.dataset import read_dataset
from relstudio.core.training.reviewed import (ReviewLabel, ReviewLayer, cut_reviewed, merged_regions, review_counts,
                                              union_dataset)
from tests.synth import noise, tone, write_wav
from tests.training_factory import make_dataset


def test_marks_replace_merge_and_round_trip(tmp_path):
    layer = ReviewLayer(tmp_path / "t.wav", "abc")
    layer = layer.with_mark(ReviewLabel(1.0, 1.3, "bird"))
    layer = layer.with_mark(ReviewLabel(1.0, 1.3, "bird", positive=False))  # same span and class: replaced
    assert [(m.label, m.positive) for m in layer.labels] == [("bird", False)]
    layer = layer.with_mark(ReviewLabel(1.0, 1.3, "frog"))
    layer = layer.with_mark(ReviewLabel(1.2, 1.5, "frog")).with_mark(ReviewLabel(1.5, 1.8, "frog"))
    layer = layer.with_mark(ReviewLabel(3.0, 3.3, "frog")).with_mark(ReviewLabel(0.1, 0.4, "wind", positive=False))
    assert merged_regions(layer) == [("frog", 1.0, 1.8), ("frog", 3.0, 3.3)]
    assert review_counts([layer]) == {"clips": {"frog": 2}, "unused_negative": 1, "other_classes": []}
    assert review_counts([layer], ["bird"])["other_classes"] == ["frog"]
    assert ReviewLayer.from_dict(layer.to_dict()) == layer
    assert layer.without(1.0, 1.3, "frog").marks_at(1.0, 1.3)[0].label == "bird"
    assert layer.without(1.0, 1.3).marks_at(1.0, 1.3) == []
    with pytest.raises(ParameterError, match="start < end"):
        ReviewLabel(2.0, 1.0, "x")
    with pytest.raises(ParameterError, match="class name"):
        ReviewLabel(0.0, 1.0, "a/b")
    with pytest.raises(ParameterError, match="field 'labels.0.end'"):
        ReviewLayer.from_dict({"labels": [{"start": 0.0}]})


def test_cut_clips_equal_the_track_and_join_the_dataset(tmp_path):
    x = tone(300, 2.0)
    x[8000:24000] = noise(1.0, seed=2)
    track = tmp_path / "song.wav"
    write_wav(track, x)
    clip = load_audio(track, rate=16000)
    layer = ReviewLayer(track, clip.content_hash, (ReviewLabel(0.5, 1.5, "noise"), ReviewLabel(0.0, 0.4, "tone")))
    clips = run_task(cut_reviewed([layer], folder=tmp_path / "cut", rate=16000))
    assert [(c.label, c.path.parent.name) for c in clips] == [("noise", "noise"), ("tone", "tone")]
    assert len({c.group for c in clips}) == 1  # one group per track
    cut = load_audio(clips[0].path, rate=16000)
    assert abs(cut.samples - clip.samples[8000:24000]).max() < 1e-6
    ds = read_dataset(make_dataset(tmp_path / "ds", per_class=3, groups=3))
    union = union_dataset(ds, clips, classes=("noise", "tone"))
    assert union.counts() == {"noise": 4, "tone": 4} and union.classes == ("noise", "tone")
    with pytest.raises(DatasetError, match="no clips for"):
        union_dataset(ds, clips, classes=("noise", "whale"))
    write_wav(track, x * 0.5)  # the file changed since it was reviewed
    with pytest.raises(DatasetError, match="changed since"):
        run_task(cut_reviewed([layer], folder=tmp_path / "again", rate=16000))
