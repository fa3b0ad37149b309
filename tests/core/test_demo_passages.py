"""``relstudio demo`` on the shipped demo track with the shipped experts: passages, not the fade-out (issue 13)."""

from pathlib import Path

import pytest

from relstudio.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "trained_experts"
DEMO = ROOT / "resources" / "demo" / "feelings.ogg"
FADE_FROM = 283.0  # the last 5 s of the 288-s track fade out


@pytest.mark.slow
def test_demo_top_ten_are_passages_and_not_the_fade(capsys):
    if not DEMO.exists() or not any(SHIPPED.glob("*.expert.safetensors")):
        pytest.skip("no demo track or shipped experts")
    assert main(["demo", "--library", str(SHIPPED), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    table = out.split("winner\n", 1)[1].split("\n\n", 1)[0].splitlines()
    spans = []
    for line in table:
        span, peak, mean, winner = line.split(maxsplit=3)
        start, end = (int(m) * 60 + float(s) for m, s in (t.split(":") for t in span.split("–")))
        spans.append((start, end))
        assert end - start >= 1.0 - 1e-6 and float(peak) >= float(mean) > 0 and winner != "silence"
    assert len(spans) == 10
    assert all(end <= FADE_FROM for _, end in spans), spans
    ordered = sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:]))
    passages = int(out.split(" passages (", 1)[0].rsplit("\n", 1)[1])
    assert passages / (288.0 / 60) <= 6.0  # at most 6 passages a minute under the default settings
