"""``relstudio demo`` on the shipped demo track with the shipped experts: passages, never the fade-out (issue 13).

The demo fades out from 4:40.5 (−18 dBFS at 4:40, −23 at 4:41, −35 at 4:43, −51 at 4:45, silence from
4:46). Level-normalised features make the fade look like the music at full level, and the genre
experts were surest there (4:43–4:45 ranked first before fades carried less evidence,
``RelevanceSettings.fade_db``); now nothing of it is among the ten most relevant passages."""

from pathlib import Path

import pytest

from relstudio.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "trained_experts"
DEMO = ROOT / "resources" / "demo" / "feelings.ogg"
FADE_FROM = 280.5  # 4:40.5: from here the level falls steadily to silence


@pytest.mark.slow
def test_demo_top_ten_are_passages_and_not_the_fade_out(capsys):
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
