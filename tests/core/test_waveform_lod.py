"""Level-of-detail pyramids: exact extremes, bounded point counts, peaks kept."""

import numpy as np
import pytest

from relstudio.core.errors import ParameterError
from relstudio.core.waveform_lod import MinMaxPyramid, SpectrogramPyramid, peak_envelope


@pytest.fixture(scope="module")
def signal():
    rng = np.random.default_rng(7)
    return rng.standard_normal(1_000_003).astype(np.float32)


@pytest.mark.parametrize("t0,t1,pixels", [(0.0, 62.5, 1000), (3.3, 9.1, 777), (5.0, 6.0, 700), (10.0, 10.02, 500),
                                         (61.0, 70.0, 300)])
def test_envelope_columns_hold_the_exact_extremes(signal, t0, t1, pixels):
    rate = 16000
    pyr = MinMaxPyramid(signal, rate=rate)
    times, lo, hi = pyr.envelope(t0, t1, pixels=pixels)
    assert len(times) == len(lo) == len(hi) <= pixels + 2 or lo is hi
    if lo is hi:  # zoomed in: the raw samples of the range
        s0 = int(np.floor(t0 * rate))
        np.testing.assert_array_equal(lo, signal[s0:s0 + len(lo)])
        return
    starts = np.round(times * rate).astype(int)
    ends = np.append(starts[1:], min(len(signal), starts[-1] + (starts[1] - starts[0])))
    for i in np.linspace(0, len(starts) - 1, 25).astype(int):
        chunk = signal[starts[i]:ends[i]]
        assert lo[i] == chunk.min() and hi[i] == chunk.max()
    assert lo.min() <= signal[int(t0 * rate):int(min(t1, pyr.duration) * rate)].min()


def test_hour_long_signal_costs_screen_resolution_only():
    rate = 44100
    x = np.zeros(3600 * rate, np.float32)
    x[123_456_789] = 1.0  # one click in an hour
    pyr = MinMaxPyramid(x, rate=rate)
    times, lo, hi = pyr.envelope(0.0, 3600.0, pixels=1200)
    assert len(hi) <= 1200 and hi.max() == 1.0  # the click survives the overview
    times, lo, hi = pyr.envelope(2799.0, 2800.0, pixels=1200)
    assert len(hi) <= 1200 and hi.max() == 1.0


def test_spectrogram_window_pools_by_max_and_covers_the_range():
    img = np.zeros((4, 10_000), np.float32)
    img[2, 7_777] = 9.0
    pyr = SpectrogramPyramid(img, frame_seconds=0.01)
    part, x0, width = pyr.window(0.0, 100.0, columns=500)
    assert part.shape[0] == 4 and part.shape[1] <= 1000 and part.max() == 9.0
    assert x0 <= 0.0 and x0 + width >= 99.99
    part, x0, width = pyr.window(77.0, 78.0, columns=500)
    assert part.shape[1] == int(round(width / 0.01)) and x0 <= 77.0 and x0 + width >= 78.0


def test_peak_envelope_keeps_the_highest_point_of_each_run():
    x = np.arange(10_000) * 0.1
    y = np.zeros(10_000)
    y[4321] = 0.9
    xs, ys = peak_envelope(x, y, 0.0, 1000.0, bins=100)
    assert len(xs) <= 101 and ys.max() == 0.9 and xs[np.argmax(ys)] == x[4321]
    xs, ys = peak_envelope(x, y, 430.0, 434.0, bins=100)
    np.testing.assert_array_equal(xs, x[4299:4342])  # few visible points: all of them, plus one each side


def test_bad_input_is_named():
    with pytest.raises(ParameterError, match="1-D"):
        MinMaxPyramid(np.zeros((2, 2)), rate=10)
    with pytest.raises(ParameterError, match="frame_seconds"):
        SpectrogramPyramid(np.zeros((2, 2)), frame_seconds=0)
