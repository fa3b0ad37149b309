"""Playback commands: play a segment or the highlighted passages, seek, reveal a segment, the margin."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

TOP_K_FALLBACK = 5


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

    def reveal_segment(self, k: int) -> None:
        """Select segment ``k`` and scroll the timeline to it when it is out of view (zoom kept)."""
        a = self.doc.analysis
        if a is None or not 0 <= k < a.n_segments:
            return
        self.doc.select_segment(k)
        t0, t1 = self.timeline.view_range()
        c = float(a.centres[k])
        if not t0 <= c <= t1:
            w = t1 - t0
            self.timeline.set_view_range(c - w / 2, c + w / 2)

    def play_range(self, start: float, end: float) -> None:
        """Show ``start``–``end`` with two seconds around it and play it (a collection excerpt)."""
        self.doc.viewRangeRequested.emit(max(0.0, start - 2.0), end + 2.0)
        self.player.play_ranges([(start, end)], margin=self.margin)

    def highlighted_ranges(self) -> list[tuple[float, float]]:
        """Regions above the threshold; when none, the top-k segments (in time order)."""
        from relstudio.core.export import highlighted_regions

        cur = self.doc.current()
        if cur is None or not cur.experts:
            return []
        regions = [(a, b) for a, b, _w, _p in highlighted_regions(cur, self.doc.threshold)]
        if not regions:
            top = sorted(cur.top_segments(TOP_K_FALLBACK))
            regions = [(float(cur.times[k, 0]), float(cur.times[k, 1])) for k in top]
        return regions

    def play_highlighted(self) -> None:
        ranges = self.highlighted_ranges()
        if not ranges:
            self.status.showMessage("nothing to play: no analysis with enabled experts yet", 5000)
            return
        self.player.play_ranges(ranges, margin=self.margin)

    def jump_highlighted(self, direction: int) -> None:
        """Play the next (+1) or previous (−1) highlighted region after/before the cursor."""
        ranges = self.highlighted_ranges()
        t = self.doc.position
        if direction > 0:
            pick = next(((a, b) for a, b in ranges if a - self.margin > t + 0.05), None)
        else:
            before = [(a, b) for a, b in ranges if b + self.margin < t - 0.05]
            pick = before[-1] if before else None
        if pick is None:
            self.status.showMessage("no further highlighted region", 3000)
            return
        self.doc.select_segment(self.doc.segment_at((pick[0] + pick[1]) / 2))
        self.player.play_ranges([pick], margin=self.margin)
