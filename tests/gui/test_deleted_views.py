"""A view or panel deleted before its Document: the Document's later signals reach no deleted widget.

Slots that are lambdas stay connected after their widget's C++ object is gone (PySide cannot tell what
they use), so a later signal raised "Internal C++ object already deleted" (CI, test_gui_corpus). Views
connect methods instead, which Qt disconnects when their object is deleted.
"""

from __future__ import annotations

import shiboken6

from relstudio.gui.document import Document


def test_signals_after_the_widgets_are_deleted_raise_nothing(qtbot, library, cache, tmp_path):
    from relstudio.gui.panels.expert_panel import ExpertPanel
    from relstudio.gui.views.relevance import RelevanceView

    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    panel, view = ExpertPanel(doc), RelevanceView(doc)
    for w in (panel, view):
        shiboken6.delete(w)  # its C++ side (and its children: the "loading experts…" label) is gone
    doc.engineReady.emit()
    doc.thresholdChanged.emit(0.5)
    doc.runner.busyChanged.emit(False)
    doc.classification.highlightChanged.emit()
    doc.message.emit("a message after the views are gone")
    qtbot.wait(10)  # pytest-qt fails the test on any exception a slot raised
