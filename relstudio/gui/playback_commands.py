"""What the window does with the player: segments, highlighted passages, seeking, the margin.

A mixin of :class:`~relstudio.gui.main_window.MainWindow` (it uses ``self.doc``,
``self.player``, ``self.settings``, ``self.status`` and ``self.act``).
"""

from __future__ import annotations

TOP_K_FALLBACK = 5


class PlaybackCommands:
    def set_margin(self, seconds: float) -> None:
        self.margin = max(0.0, float(seconds))
        self.settings.setValue("playback/margin", self.margin)
        if hasattr(self, "act") and abs(self.act.margin_spin.value() - self.margin) > 1e-9:
            self.act.margin_spin.setValue(self.margin)

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
