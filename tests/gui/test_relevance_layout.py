"""The relevance pane's text on screen (issue 16, point 8): peak labels, the hover card, the legend.

Geometry is checked on the items' real bounding rects in the plot's pixels.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QEnterEvent

from relstudio.gui.views.label_layout import Label, inside, overlaps, place_card, place_labels
from tests.gui.conftest import FakeBackend, wait_idle
from tests.gui.test_window import _window


@pytest.fixture
def window(qtbot, library, cache, tmp_path, track):
    w = _window(qtbot, library, cache, tmp_path, FakeBackend())
    w.open_path(track)
    wait_idle(qtbot, w.doc)
    qtbot.wait(30)
    yield w
    w.close()


def _bounds(pane):
    return (0.0, 0.0, float(pane.vb.width()), float(pane.vb.height()))


def _check_labels(pane):
    rects = pane.labels.rects()
    bounds = _bounds(pane)
    for i, r in enumerate(rects):
        assert inside(r, bounds), (r, bounds)
        assert not any(overlaps(r, q) for q in rects[i + 1:]), rects
        thr = pane.threshold_label_rect()
        assert thr is None or not overlaps(r, thr), (r, thr)
        legend = pane.legend.rect()
        assert legend is None or not overlaps(r, legend), (r, legend)
    return rects


def test_peak_labels_never_overlap_and_stay_inside(qtbot, window):
    doc, pane, tl = window.doc, window.timeline.relevance, window.timeline
    doc.relevance.set_resolution("segment")  # many narrow passages: the hard case
    doc.relevance.set_settings(doc.relevance.settings.replace(min_passage=0.0, min_gap=0.0))
    rel = doc.relevance.view().windows.relevance
    for q in (0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.9):
        doc.set_threshold(float(np.quantile(rel, q)))
        if len(doc.relevance.passages()) >= 4:
            break
    assert len(doc.relevance.passages()) >= 4
    seen = 0
    for t0, t1 in ((0.0, 8.0), (0.0, 1.5), (6.5, 8.0), (3.0, 5.0)):  # the edges too
        tl.set_view_range(t0, t1)
        qtbot.wait(20)
        seen += len(_check_labels(pane))
    assert seen >= 4
    window.timeline.splitter.setSizes([300, 300, 140])  # a short pane
    qtbot.wait(40)
    _check_labels(pane)


def test_the_legend_never_covers_the_curve_nor_wraps_inside_a_name(qtbot, window):
    pane, splitter = window.timeline.relevance, window.timeline.splitter
    for sizes in ([120, 250, 380], [300, 300, 150], [400, 300, 90]):
        splitter.setSizes(sizes)
        qtbot.wait(40)
        one = pane.vb.mapFromView(QPointF(0.0, 1.0)).y()  # pixel row of R = 1: the curve stays below it
        legend = pane.legend.rect()
        assert legend is None or legend[1] + legend[3] <= one + 0.5, (sizes, legend, one)
    splitter.setSizes([120, 250, 380])
    entries = [("#fff", "■", "electronic (genre)"), ("#fff", "■", "orchestral (genre)"), ("#fff", "■", "metal (genre)"),
               ("#fff", "━━", "R<sub>max</sub> — 1-s windows")]
    pane.legend.set_entries(entries, width=230)  # narrow: the legend wraps, between entries only
    item = pane.legend.item
    block = item.document().begin()
    layout = block.layout()
    lines = [block.text()[layout.lineAt(i).textStart():layout.lineAt(i).textStart() + layout.lineAt(i).textLength()]
             for i in range(layout.lineCount())]
    assert len(lines) >= 2
    names = [e.replace(" ", "\xa0") for e in pane.legend.entries if "max" not in e]
    for name in names:
        assert any(name in line for line in lines), (name, lines)


def test_the_value_axis_shows_0_to_1_only(qtbot, window):
    from PySide6.QtGui import QImage, QPainter

    pane = window.timeline.relevance
    axis = pane.getPlotItem().getAxis("left")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    for sizes in ([120, 250, 380], [300, 300, 150]):
        window.timeline.splitter.setSizes(sizes)
        qtbot.wait(40)
        assert pane.y_top > 1.05  # the legend's band is still there above R = 1
        painter = QPainter(image)
        (_pen, a, b), _ticks, texts = axis.generateDrawSpecs(painter)
        painter.end()
        labels = [float(text) for _rect, _flags, text in texts]
        assert labels and max(labels) == 1.0 and min(labels) == 0.0  # no tick label above 1
        one = axis.mapFromScene(pane.vb.mapViewToScene(QPointF(0.0, 1.0))).y()
        assert min(a.y(), b.y()) == pytest.approx(one, abs=0.5)  # the axis line stops at R = 1


def _hover(qtbot, pane, t, y):
    qtbot.mouseMove(pane.viewport(), pane.view_to_widget(t, y))
    qtbot.wait(10)


def test_hover_card_stays_inside_hides_on_leave_and_does_not_move_with_zoom(qtbot, window):
    doc, pane, tl = window.doc, window.timeline.relevance, window.timeline
    d = doc.track.clip.duration
    _hover(qtbot, pane, d - 0.02, 0.5)  # at the right edge the card turns left
    assert pane.hover.box.isVisible()
    assert inside(pane.hover.rect(), _bounds(pane))
    _hover(qtbot, pane, 1.0, 0.5)
    before = pane.hover.rect()
    tl.zoom(2.0, centre=1.0)
    qtbot.wait(30)
    after = pane.hover.rect()
    assert pane.hover.box.isVisible() and after[:2] == pytest.approx(before[:2], abs=1.0)
    pane.leaveEvent(QEvent(QEvent.Type.Leave))
    assert not pane.hover.box.isVisible() and not pane.hover.line.isVisible()
    pane.enterEvent(QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))


def test_hover_card_keeps_off_the_curve_where_there_is_room(qtbot, window):
    pane = window.timeline.relevance
    window.timeline.splitter.setSizes([80, 80, 600])  # a tall pane: room above or below the curve
    qtbot.wait(40)
    for t in (0.5, 2.5, 4.5, 6.5):
        _hover(qtbot, pane, t, 0.5)
        x, y, w, h = pane.hover.rect()
        rows = pane.curve_rows(x, x + w)
        if rows is not None and (rows[0] - h - 8 > 0 or rows[1] + h + 8 < pane.vb.height()):
            assert y + h <= rows[0] or y >= rows[1], (t, (x, y, w, h), rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 850), st.floats(0, 300), st.floats(5, 200), st.floats(8, 30)),
                max_size=30),
       st.lists(st.tuples(st.floats(0, 780), st.floats(0, 280), st.floats(1, 200), st.floats(1, 40)), max_size=3))
def test_place_labels_keeps_boxes_apart_and_inside(labels, obstacles):
    bounds = (0.0, 0.0, 800.0, 300.0)
    spots = place_labels([Label(*lab) for lab in labels], bounds=bounds, obstacles=obstacles)
    placed = [s for s in spots if s is not None]
    for i, r in enumerate(placed):
        assert inside(r, bounds)
        assert not any(overlaps(r, q) for q in placed[i + 1:])
        assert not any(overlaps(r, o) for o in obstacles)
    if labels and labels[0][2] <= 796 and labels[0][3] + 4 <= min(300.0, labels[0][1]) and not obstacles:
        assert spots[0] is not None  # the best label always finds a place when it fits over its point


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 850), st.floats(20, 300), st.floats(5, 200), st.floats(8, 30),
                          st.integers(0, 2)), max_size=30))
def test_labels_of_one_key_never_stack_in_the_same_columns(labels):
    bounds = (0.0, 0.0, 800.0, 300.0)
    keys = [lab[4] for lab in labels]
    spots = place_labels([Label(*lab[:4]) for lab in labels], bounds=bounds, keys=keys)
    placed = [(s, k) for s, k in zip(spots, keys) if s is not None]
    for i, (r, k) in enumerate(placed):
        assert inside(r, bounds)
        for q, kq in placed[i + 1:]:
            assert not overlaps(r, q)
            assert kq != k or not (r[0] < q[0] + q[2] + 1.0 and q[0] < r[0] + r[2] + 1.0), (r, q, k)
    if labels and labels[0][2] <= 796 and labels[0][3] + 4 <= min(300.0, labels[0][1]):
        assert spots[0] is not None  # the best label is never left out for a later one


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 800), st.floats(0, 300), st.floats(10, 400), st.floats(10, 250))
def test_place_card_is_always_inside(mx, my, w, h):
    bounds = (0.0, 0.0, 800.0, 300.0)
    r = place_card(mouse=(mx, my), size=(w, h), bounds=bounds, avoid_y=(100.0, 200.0))
    assert inside(r, bounds)
