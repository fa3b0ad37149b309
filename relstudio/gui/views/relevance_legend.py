"""The relevance view's legend: one rich-text row of curves and expert colours above the curve.

Each entry is one unbreakable run (its spaces are non-breaking), so a narrow
pane wraps between entries, never inside a name. The view reserves a band
above R = 1 as tall as the legend plus one row of peak labels
(:meth:`RelevanceView.fit_band`), so the legend never covers the curve; in a
pane too short for that the legend hides (the colours stay in the Experts panel).

One rich-text item instead of pyqtgraph's LegendItem: rebuilding that on every
expert toggle cost ~10 ms (a LabelItem and a layout pass per entry); this costs
well under 1 ms.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGraphicsTextItem

from relstudio.gui import theme


def _entry(colour: str, mark: str, text: str) -> str:
    body = html.escape(text).replace(" ", "&nbsp;")
    return (f'<span style="white-space:nowrap"><span style="color:{colour}; font-size:11pt">{mark}</span>'
            f'&nbsp;{body}</span>')


class Legend:
    """A text item parented to the plot's view box (pixels), at its top left."""

    def __init__(self, vb):
        self.item = QGraphicsTextItem()
        self.item.setParentItem(vb)
        self.item.setPos(4, 0)
        self.item.setZValue(40)
        self._shown = None
        self._documents: dict = {}  # (markup, width) → laid-out document: toggling an expert back costs no layout
        self.entries: list[str] = []  # plain texts, for tests

    def set_entries(self, entries, *, width: float) -> None:
        """``entries``: ``(colour, mark, text)``; ``text`` may hold ``<sub>`` (R<sub>max</sub>), nothing else."""
        parts = []
        for colour, mark, text in entries:
            sub = text.split("<sub>max</sub>")
            parts.append(_entry(colour, mark, "\x00".join(sub)).replace("\x00", "<sub>max</sub>"))
        markup = (f'<div style="color:{theme.TEXT}; font-size:9pt; background-color:rgba(18,20,25,170)">'
                  + " &nbsp; ".join(parts) + "</div>") if parts else ""
        self.entries = [text.replace("<sub>max</sub>", "max") for _c, _m, text in entries]
        key = (markup, int(width))
        if key != self._shown:
            self._shown = key
            document = self._documents.pop(key, None)
            if document is None:
                document = QTextDocument(self.item)
                document.setDefaultFont(self.item.font())
                document.setTextWidth(max(120.0, width - 8))
                document.setHtml(markup)
            self._documents[key] = document  # most recent last
            while len(self._documents) > 16:
                stale = self._documents.pop(next(iter(self._documents)))
                if stale is not document:
                    stale.deleteLater()
            self.item.setDocument(document)
        self.item.setVisible(bool(parts))

    def height(self) -> float:
        """Pixels the legend takes (0 when it has no entries)."""
        return float(self.item.boundingRect().height()) if self.entries else 0.0

    def rect(self) -> tuple[float, float, float, float] | None:
        """The legend's text in the plot's pixels ``(x, y, w, h)``, ``None`` when hidden."""
        if not self.item.isVisible():
            return None
        doc = self.item.document()
        r = self.item.mapRectToParent(self.item.boundingRect())
        return (r.x(), r.y(), min(r.width(), doc.idealWidth() + 8), r.height())
