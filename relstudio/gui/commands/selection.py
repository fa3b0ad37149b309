"""Selection commands: play, loop, zoom to, export and mark the document's range selection; Escape.

The range itself is ``doc.range_selection``
(:class:`~relstudio.gui.selection.RangeSelection`), set by Shift+drag in a view
or a drag in the time ruler. Looping is a flag of the selection: while it is on,
playing the selection wraps seamlessly, and a new selection replaces the loop
at once. Marks go through the document's review API (``doc.review.mark``), one
per segment whose centre lies inside the selection.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import RelstudioError
from relstudio.core.fileio import atomic_write_bytes
from relstudio.gui.selection import clip_labels, write_clip
from relstudio.gui.views.common import format_time

CLIP_FILTER = "WAV audio (*.wav);;FLAC audio (*.flac)"
NO_SELECTION = "no selection: Shift+drag over a view (or drag in the time ruler) first"


class SelectionCommands:
    def __init__(self, *, doc, player, timeline, dialogs, status):
        self.doc, self.player, self.timeline = doc, player, timeline
        self.dialogs, self.status = dialogs, status
        self.sel = doc.range_selection
        self.sel.changed.connect(self._selection_changed)

    def _span(self):
        if self.sel.span is None:
            self.status.showMessage(NO_SELECTION, 5000)
        return self.sel.span

    def span_text(self) -> str:
        a, b = self.sel.span
        return f"{format_time(a, decimals=2)}–{format_time(b, decimals=2)}"

    def select_all(self) -> None:
        if self.doc.track is not None:
            self.sel.set(0.0, self.doc.track.clip.duration)

    def play_selection(self) -> None:
        span = self._span()
        if span is not None:
            self.player.play_ranges([span], loop=self.sel.loop)
            if self.player.state == "playing":  # else the player said why not
                self.status.showMessage(("looping " if self.sel.loop else "playing ") + self.span_text(), 4000)

    def set_loop(self, on: bool) -> None:
        """Loop the selection (on: starts it when nothing plays; off: the current pass finishes)."""
        self.sel.set_loop(on)
        if on and self.sel.span is not None and not self.player.looping:
            self.play_selection()
        else:
            self.player.set_loop(on)

    def zoom_to_selection(self) -> None:
        if self._span() is not None:
            self.timeline.zoom_to_selection()

    def escape(self) -> None:
        """Stop playback; when nothing plays, clear the selection."""
        if self.player.state == "playing":
            self.player.stop()
        else:
            self.sel.clear()

    def _selection_changed(self, span) -> None:
        if self.player.looping:
            if span is None:
                self.player.set_loop(False)
            else:
                self.player.play_ranges([span], loop=True)

    # -- export -----------------------------------------------------------------------
    def export_selection(self) -> None:
        """The selected audio as WAV or FLAC and, beside it, the highlighted passages inside it as Audacity labels."""
        span = self._span()
        if span is None or self.doc.track is None:
            return
        clip = self.doc.track.clip
        stem = f"{Path(clip.name).stem}-{span[0]:.1f}-{span[1]:.1f}"
        chosen = self.dialogs.save_file("Export selection", CLIP_FILTER, stem + ".wav")
        if not chosen:
            return
        path = Path(chosen) if Path(chosen).suffix.lower() in (".wav", ".flac") else Path(chosen + ".wav")
        try:
            samples, rate = clip.load_original()
            written = [write_clip(samples, rate, span, path)]
            cur, view = self.doc.relevance.segments(), self.doc.relevance.view()
            if cur is not None and view is not None:  # the passages the relevance view highlights
                labels = path.with_suffix(".txt")
                atomic_write_bytes(labels, clip_labels(cur, view.passages, span).encode("utf-8"))
                written.append(labels)
        except (RelstudioError, OSError) as exc:
            self.dialogs.error("Export failed", str(exc))
            return
        self.status.showMessage("exported " + " and ".join(str(p) for p in written), 8000)

    # -- review -----------------------------------------------------------------------
    def mark_selection(self, positive: bool = True) -> int:
        """Ask for a class and mark every segment of the selection as (not) that class; returns how many."""
        if self._span() is None:
            return 0
        segments = self.sel.segments()
        if not segments:
            self.status.showMessage("no analysed segment inside the selection", 5000)
            return 0
        cur = self.doc.current()
        peak = max(segments, key=lambda k: cur.relevance[k]) if cur is not None and cur.experts else segments[0]
        name = self.dialogs.text("Mark selection", f"The selection {self.span_text()} is "
                                 + ("" if positive else "not ") + "class:", self.doc.review.winner_class(peak) or "")
        if not name:
            return 0
        done = sum(bool(self.doc.review.mark(k, name, positive)) for k in segments)
        self.status.showMessage(f"marked {done} segments in {self.span_text()} as {'' if positive else 'not '}{name}",
                                5000)
        return done
