"""Playback commands: play a segment, a passage or the highlighted passages from the cursor on (H),
step through passages (N, Shift+N), seek, reveal a segment or a passage, the margin.

Passages are ``doc.relevance.passages()``: the listenable stretches of the
relevance curve at the chosen resolution (``docs/relevance.md``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class PlaybackCommands(QObject):
    """Emits ``marginChanged(seconds)`` when the margin played around a segment changes (saved in ``settings``)."""

    marginChanged = Signal(float)

    def __init__(self, *, doc, player, timeline, settings, status, parent=None):
        super().__init__(parent)
        self.doc, self.player, self.timeline = doc, player, timeline
        self.settings, self.status = settings, status
        self.margin = float(settings.value("playback/margin", 0.25))

    def set_margin(self, seconds: float) -> None:
        margin = max(0.0, float(seconds))
        changed = abs(margin - self.margin) > 1e-9
        self.margin = margin
        self.settings.setValue("playback/margin", self.margin)
        if changed:
            self.marginChanged.emit(self.margin)

    def seek(self, t: float) -> None:
        self.player.seek(t)
        if self.player.state != "playing":
            self.doc.set_position(t)

    def play_segment(self, k: int) -> None:
        a = self.doc.analysis
        if a is None or not 0 <= k < a.n_segments:
            return
        self.doc.select_segment(k)
        t0, t1 = (float(v) for v in a.times[k])
        self.player.play_ranges([(t0, t1)], margin=self.margin)

    def play_selected(self) -> None:
        k = self.doc.selected if self.doc.selected >= 0 else self.doc.segment_at(self.doc.position)
        self.play_segment(k)

    def play_range(self, start: float, end: float) -> None:
        """Show ``start``–``end`` with two seconds around it and play it (a collection excerpt)."""
        self.doc.viewRangeRequested.emit(max(0.0, start - 2.0), end + 2.0)
        self.player.play_ranges([(start, end)], margin=self.margin)

    # -- passages (doc.relevance) ------------------------------------------------------
    def play_passage(self, passage) -> None:
        """Play one highlighted passage (a click on its peak, a listed passage); its peak segment is selected."""
        if passage is None:
            return
        self.doc.select_segment(self.doc.segment_at(passage.peak_time))
        self.player.play_ranges([(passage.start, passage.end)], margin=self.margin)

    def reveal_passage(self, passage) -> None:
        """Bring ``passage`` into view (zoom kept unless it is wider than the view) and put the cursor on it."""
        if passage is None:
            return
        self._show(passage)
        self.doc.select_segment(self.doc.segment_at(passage.peak_time))
        self.seek(passage.start)

    def _show(self, passage) -> None:
        t0, t1 = self.timeline.view_range()
        if not (t0 <= passage.start and passage.end <= t1):
            w = max(t1 - t0, 1.25 * passage.duration)
            c = (passage.start + passage.end) / 2
            self.timeline.set_view_range(c - w / 2, c + w / 2)

    def highlighted_ranges(self) -> list[tuple[float, float]]:
        """What H plays: the highlighted passages from the cursor on (the one under the cursor from the cursor)."""
        t = self.doc.position
        return [(max(p.start, t), p.end) for p in self.doc.relevance.passages() if p.end > t + 0.05]

    def play_highlighted(self) -> None:
        if self.doc.relevance.view() is None:
            self.status.showMessage("nothing to play: no analysis with enabled experts yet", 5000)
            return
        ranges = self.highlighted_ranges()
        if not ranges:
            self.status.showMessage("no highlighted passage after the cursor — Home goes to the start, "
                                    "Ctrl+Down lowers the threshold", 5000)
            return
        self.player.play_ranges(ranges, margin=self.margin)

    def _heard(self, passages, t: float):
        """The passage being heard at ``t`` (its margin included), else ``None``."""
        return next((p for p in passages if p.start - self.margin - 0.05 <= t < p.end + self.margin), None)

    def jump_passage(self, direction: int) -> None:
        """Play the next (+1) or previous (−1) highlighted passage from the one under the cursor (N, Shift+N)."""
        from relstudio.core.passages import next_passage

        passages = self.doc.relevance.passages()
        t = self.doc.position
        heard = self._heard(passages, t)
        pick = next_passage(passages, heard.start if heard else t, backwards=direction < 0)
        if pick is None:
            self.status.showMessage(f"no {'next' if direction > 0 else 'previous'} highlighted passage", 3000)
            return
        self._show(pick)
        self.play_passage(pick)
