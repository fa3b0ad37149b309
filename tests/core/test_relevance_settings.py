import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relstudio.core.errors import ParameterError
from relstudio.core.relevance_settings import RESOLUTIONS, SEGMENT, RelevanceSettings, check_resolution


def test_defaults_round_trip_through_json():
    s = RelevanceSettings()
    assert (s.relative_floor_db, s.absolute_floor_db, s.ramp_db, s.window_seconds, s.min_gap, s.min_passage) == \
        (-45.0, -70.0, 6.0, 1.0, 0.5, 1.0)
    for other in (s, RelevanceSettings.raw(), s.replace(resolution="segment", min_gap=0.0)):
        assert RelevanceSettings.from_dict(json.loads(json.dumps(other.to_dict()))) == other
    assert RelevanceSettings.raw().window_seconds is None and not RelevanceSettings.raw().audibility


def test_resolution_spellings():
    assert check_resolution("Segment") == SEGMENT
    assert check_resolution("2s") == 2.0 and check_resolution(5) == 5.0 and check_resolution("0.5") == 0.5
    for bad in ("3", 0.25, "fast", True, None):
        with pytest.raises(ParameterError, match="resolution"):
            check_resolution(bad)


def test_bad_values_are_named():
    with pytest.raises(ParameterError, match=r"unknown relevance-settings fields \['floor'\]"):
        RelevanceSettings.from_dict({"floor": -40})
    with pytest.raises(ParameterError, match="relative_floor_db.*12"):
        RelevanceSettings(relative_floor_db=12)
    with pytest.raises(ParameterError, match="ramp_db"):
        RelevanceSettings(ramp_db=0)
    with pytest.raises(ParameterError, match="min_gap.*'x'"):
        RelevanceSettings(min_gap="x")
    with pytest.raises(ParameterError, match="audibility"):
        RelevanceSettings(audibility="yes")
    with pytest.raises(ParameterError, match="relevance-settings must be a JSON object"):
        RelevanceSettings.from_dict([1])


values = st.one_of(st.none(), st.booleans(), st.integers(-300, 700), st.floats(allow_nan=True),
                   st.text(max_size=6), st.sampled_from(RESOLUTIONS))
keys = st.sampled_from(["audibility", "relative_floor_db", "absolute_floor_db", "ramp_db", "resolution",
                        "reference_percentile", "min_gap", "min_passage", "top_fraction", "bogus"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=5))
def test_from_dict_accepts_or_names_the_problem(d):
    try:
        s = RelevanceSettings.from_dict(d)
    except ParameterError as exc:
        assert any(k in str(exc) for k in d), (d, exc)
        return
    assert RelevanceSettings.from_dict(s.to_dict()) == s
