"""Review commands: mark segments "is / is not class X" (Y / X / Delete) and a segment's context menu.

The marks themselves live in ``doc.review``
(:class:`~relstudio.gui.review.ReviewState`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from relstudio.gui.wording import time_span


class ReviewCommands:
    def __init__(self, *, doc, dialogs, status, play_segment, parent):
        """``play_segment(k)``: what the menu's "Play segment" does; ``parent``: the widget menus belong to."""
        self.doc, self.dialogs, self.status = doc, dialogs, status
        self.play_segment, self.parent = play_segment, parent

    def review_segment(self) -> int:
        """The segment the review keys act on: the selected one, else the one under the cursor."""
        k = self.doc.selected if self.doc.selected >= 0 else self.doc.segment_at(self.doc.position)
        if k >= 0:
            self.doc.select_segment(k)
        return k

    def _mark(self, k: int, label: str | None, positive: bool) -> None:
        if k < 0 or not label:
            self.status.showMessage("nothing to mark: select a segment of an analysed track first", 5000)
            return
        if self.doc.review.mark(k, label, positive):
            t0, t1 = self.doc.review.span(k)
            self.status.showMessage(f"marked {time_span(t0, t1)} as {'' if positive else 'not '}{label}", 5000)

    def mark_winner(self, positive: bool = True) -> None:
        """Y: the selected segment is its winning expert's class; X: it is not."""
        k = self.review_segment()
        self._mark(k, self.doc.review.winner_class(k) if k >= 0 else None, positive)

    def mark_as(self, k: int | None = None, positive: bool = True) -> None:
        """Ask for a class name and mark the segment with it."""
        k = self.review_segment() if k is None else k
        if k < 0:
            self._mark(k, None, positive)
            return
        suggestion = self.doc.review.winner_class(k) or ""
        name = self.dialogs.text("Mark segment", "This segment is " + ("" if positive else "not ") + "class:",
                                 suggestion)
        if name:
            self._mark(k, name, positive)

    def clear_marks(self) -> None:
        k = self.review_segment()
        if k >= 0 and self.doc.review.marks_for(k):
            self.doc.review.clear(k)
            self.status.showMessage("marks removed", 3000)

    def review_menu(self, k: int) -> QMenu:
        """The context menu of segment ``k``: is / is not each known class, other class, clear, play."""
        menu = QMenu(self.parent)
        review = self.doc.review
        winner = review.winner_class(k)
        if winner:
            menu.addAction(f"Is {winner}\tY", lambda: self._mark(k, winner, True))
            menu.addAction(f"Is not {winner}\tX", lambda: self._mark(k, winner, False))
            menu.addSeparator()
        for title, positive in (("Is class", True), ("Is not class", False)):
            sub = menu.addMenu(title)
            for c in review.known_classes():
                sub.addAction(c, lambda c=c, p=positive: self._mark(k, c, p))
            sub.addSeparator()
            sub.addAction("Other class…", lambda p=positive: self.mark_as(k, p))
        marks = review.marks_for(k)
        if marks:
            menu.addSeparator()
            for m in marks:
                text = f"Remove “{'' if m.positive else 'not '}{m.label}”"
                menu.addAction(text, lambda m=m: review.clear(k, m.label))
        menu.addSeparator()
        menu.addAction("Play segment\tReturn", lambda: self.play_segment(k))
        return menu

    def show_review_menu(self, k: int, screen_pos) -> None:
        menu = self.review_menu(k)
        menu.aboutToHide.connect(menu.deleteLater)  # deferred: the chosen action runs first
        menu.popup(screen_pos.toPoint() if hasattr(screen_pos, "toPoint") else screen_pos)
