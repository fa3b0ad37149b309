"""Menus, toolbar and keyboard shortcuts of the main window (shortcuts are shown in the menus)."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QToolBar, QWidget

from relstudio.gui import icons, relevance_actions
from relstudio.gui.document import auto_threshold_text
from relstudio.gui.exports import SEGMENT_FORMATS


def _action(window, text, slot, shortcut=None, *, checkable=False, checked=False, tip="", icon=None):
    act = QAction(text, window)
    if shortcut:
        seqs = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
        act.setShortcuts([QKeySequence(s) for s in seqs])
    if checkable:
        act.setCheckable(True)
        act.setChecked(checked)
        act.toggled.connect(slot)
    else:
        act.triggered.connect(lambda _checked=False: slot())
    keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    tip = tip or act.text().replace("&", "").rstrip("…")
    act.setToolTip(f"{tip} ({keys})" if keys else tip)
    act.setStatusTip(tip)
    if icon is not None:
        act.setIcon(icons.icon(icon))
    window.addAction(act)  # shortcuts work whichever panel has the focus
    return act


def build(w, *, doc, timeline, player, settings, dialogs, files, playback, review, models, docks,
          selection, reset_layout) -> SimpleNamespace:
    """The actions of window ``w``, bound to the command objects; ``docks``: (dock, shortcut) pairs;
    ``selection``: the :class:`~relstudio.gui.commands.selection.SelectionCommands`."""
    a = SimpleNamespace()
    tl = timeline
    # File
    a.open = _action(w, "&Open audio…", files.open_dialog, QKeySequence.StandardKey.Open, icon="open",
                     tip="Open an audio file (or drop one on the window)")
    a.open_session = _action(w, "Open &session…", files.open_session_dialog, "Ctrl+Shift+O")
    a.save_session = _action(w, "&Save session", lambda: files.save_session(), QKeySequence.StandardKey.Save)
    a.save_session_as = _action(w, "Save session &as…", lambda: files.save_session(ask=True), "Ctrl+Shift+S")
    a.exports = {fmt: _action(w, text, lambda f=fmt: files.export_segments(f), "Ctrl+E" if fmt == "csv" else None)
                 for fmt, (text, _s, _f) in SEGMENT_FORMATS.items()}
    a.export_png = _action(w, "View as &PNG…", lambda: files.export_view("png"), "Ctrl+Shift+E")
    a.export_svg = _action(w, "Relevance plot as &SVG…", lambda: files.export_view("svg"), "Ctrl+Alt+E")
    a.quit = _action(w, "&Quit", w.close, QKeySequence.StandardKey.Quit)
    # Experts
    a.import_expert = _action(w, "&Import model…", models.import_dialog, "Ctrl+I",
                              tip="Import expert, RELNET or classifier files into your library")
    a.model_card = _action(w, "Show &model card", lambda: models.show_model_card(), "Ctrl+M")
    a.rescan = _action(w, "&Rescan library", doc.rescan_library, "F5")
    a.keep_viewpoint = _action(w, "&Keep current experts as viewpoint…", models.keep_viewpoint, "Ctrl+K")
    a.clear_compare = _action(w, "&Hide compared viewpoint", lambda: doc.set_compare(None), "Ctrl+Shift+K")
    a.analyse = _action(w, "&Analyse again", doc.analyse, "Ctrl+R",
                        tip="Run what is missing (after a cancel): the spectrogram or experts not yet run")
    a.cancel = _action(w, "&Cancel analysis", doc.cancel, "Ctrl+.")
    a.train = _action(w, "&Train new experts…", lambda: models.open_training_wizard(), "Ctrl+Shift+T",
                      tip="Train experts (and RELNET) on a labelled folder or CSV, in the background")
    # Review
    a.mark_yes = _action(w, "Segment &is its winner's class", lambda: review.mark_winner(True), "Y",
                         tip="Mark the selected segment as the class of the expert that wins it")
    a.mark_no = _action(w, "Segment is &not its winner's class", lambda: review.mark_winner(False), "X",
                        tip="Mark the selected segment as not the class of the expert that wins it")
    a.mark_as = _action(w, "Segment is &class…", lambda: review.mark_as(None, True), "Shift+Y")
    a.mark_not_as = _action(w, "Segment is n&ot class…", lambda: review.mark_as(None, False), "Shift+X")
    a.clear_marks = _action(w, "&Remove the segment's marks", review.clear_marks, ["Delete", "Backspace"])
    # Playback
    a.play = _action(w, "&Play / pause", player.toggle, "Space", icon="play")
    a.stop = _action(w, "&Stop", selection.escape, "Escape", icon="stop",
                     tip="Stop playback (when nothing plays: clear the selection)")
    a.rewind = _action(w, "Go to &start", lambda: playback.seek(0.0), "Home", icon="start")
    a.play_selected = _action(w, "Play selected &segment", playback.play_selected, ["Return", "Enter"])
    a.play_highlighted = _action(w, "Play &highlighted passages", playback.play_highlighted, "H", icon="highlighted",
                                 tip="Play the highlighted passages from the cursor on, one after another")
    a.next_highlighted = _action(w, "&Next passage", lambda: playback.jump_passage(+1), "N")
    a.prev_highlighted = _action(w, "P&revious passage", lambda: playback.jump_passage(-1), "Shift+N")
    _selection_actions(w, a, selection, doc.range_selection)
    # View
    a.zoom_in = _action(w, "Zoom &in", tl.zoom_in, ["Ctrl+=", "Ctrl++", "+", "="], icon="zoom_in")
    a.zoom_out = _action(w, "Zoom &out", tl.zoom_out, ["Ctrl+-", "-"], icon="zoom_out")
    a.fit = _action(w, "&Fit track", tl.fit, ["Ctrl+0", "F"], icon="fit")
    a.scroll_left = _action(w, "Scroll &left", lambda: tl.scroll(-0.25), "Left")
    a.scroll_right = _action(w, "Scroll &right", lambda: tl.scroll(0.25), "Right")
    a.follow = _action(w, "F&ollow playback", tl.set_follow, "L", checkable=True, icon="follow",
                       checked=str(settings.value("playback/follow", True)).lower() != "false")
    a.raise_threshold = _action(w, "Raise threshold", lambda: doc.set_threshold(doc.threshold + 0.02), "Ctrl+Up")
    a.lower_threshold = _action(w, "Lower threshold", lambda: doc.set_threshold(doc.threshold - 0.02), "Ctrl+Down")
    a.auto_threshold = _action(w, f"&Automatic threshold ({auto_threshold_text()})", lambda: doc.set_threshold(None),
                               "Ctrl+T")
    a.show_wave = _action(w, "Show &waveform", tl.waveform.setVisible, "Ctrl+1", checkable=True, checked=True)
    a.show_spec = _action(w, "Show s&pectrogram", tl.spectrogram.setVisible, "Ctrl+2", checkable=True, checked=True)
    a.shortcuts = _action(w, "&Keyboard shortcuts", lambda: show_shortcuts(w, dialogs), "F1")
    a.relevance = relevance_actions.build(w, doc=doc, relevance_view=tl.relevance)
    a.docks = [_dock_toggle(w, dock, keys) for dock, keys in docks]
    a.reset_layout = _action(w, "&Reset layout", reset_layout, "Ctrl+Shift+R",
                             tip="Panels back to their places and sizes; the views get their room back")
    _menus(w, a, files)
    _toolbar(w, a, playback)
    return a


def _menus(w, a, files) -> None:
    bar = w.menuBar()
    m = bar.addMenu("&File")
    m.addAction(a.open)
    a.recent_menu = m.addMenu("Open &recent")
    a.recent_menu.aboutToShow.connect(lambda: _fill_recent(files, a.recent_menu))
    m.addSeparator()
    for act in (a.open_session, a.save_session, a.save_session_as):
        m.addAction(act)
    m.addSeparator()
    ex = m.addMenu("&Export segments")
    for act in a.exports.values():
        ex.addAction(act)
    m.addAction(a.export_png)
    m.addAction(a.export_svg)
    m.addSeparator()
    m.addAction(a.quit)
    m = bar.addMenu("&Experts")
    for act in (a.import_expert, a.model_card, a.rescan, None, a.train, None, a.keep_viewpoint, a.clear_compare, None,
                a.analyse, a.cancel):
        m.addSeparator() if act is None else m.addAction(act)
    m = bar.addMenu("&Review")
    for act in (a.mark_yes, a.mark_no, None, a.mark_as, a.mark_not_as, None, a.clear_marks):
        m.addSeparator() if act is None else m.addAction(act)
    m = bar.addMenu("&Playback")
    for act in (a.play, a.stop, a.rewind, None, a.play_selected, a.play_highlighted, a.next_highlighted,
                a.prev_highlighted):
        m.addSeparator() if act is None else m.addAction(act)
    m = bar.addMenu("&Selection")
    for act in (a.select_all, a.play_selection, a.loop_selection, a.zoom_selection, None, a.export_selection, None,
                a.mark_selection, a.mark_selection_not):
        m.addSeparator() if act is None else m.addAction(act)
    m = bar.addMenu("&View")
    for act in (a.zoom_in, a.zoom_out, a.fit, a.scroll_left, a.scroll_right, None, a.follow, None,
                a.raise_threshold, a.lower_threshold, a.auto_threshold, None, a.show_wave, a.show_spec, *a.docks,
                a.reset_layout):
        m.addSeparator() if act is None else m.addAction(act)
    m.addSeparator()
    relevance_actions.add_menu(m, a.relevance)
    m = bar.addMenu("&Help")
    m.addAction(a.shortcuts)


def _selection_actions(w, a, selection, sel) -> None:
    """Select all, play, loop (ticked while on), zoom to, export and mark the range selection."""
    a.select_all = _action(w, "Select &all", selection.select_all, "Ctrl+A")
    a.play_selection = _action(w, "&Play selection", selection.play_selection, "Shift+Space",
                               tip="Play the selection (Shift+drag over a view or drag in the time ruler to select)")
    a.loop_selection = _action(w, "&Loop selection", selection.set_loop, "Ctrl+L", checkable=True,
                               tip="Play the selection again and again, seamlessly")
    sel.loopChanged.connect(a.loop_selection.setChecked)
    a.zoom_selection = _action(w, "&Zoom to selection", selection.zoom_to_selection, "Z")
    a.export_selection = _action(w, "&Export selection…", selection.export_selection, "Ctrl+Shift+X",
                                 tip="The selected audio as WAV/FLAC, with its highlighted passages as labels beside it")
    a.mark_selection = _action(w, "&Mark selection as class…", lambda: selection.mark_selection(True), "Alt+Y")
    a.mark_selection_not = _action(w, "Mark selection as &not class…", lambda: selection.mark_selection(False),
                                   "Alt+X")
    needs_span = (a.play_selection, a.loop_selection, a.zoom_selection, a.export_selection, a.mark_selection,
                  a.mark_selection_not)

    def enable(span) -> None:
        for act in needs_span:
            act.setEnabled(span is not None)

    enable(sel.span)
    sel.changed.connect(enable)


def _dock_toggle(w, dock, keys) -> QAction:
    """The View menu's "<Panel> panel" entry: ticked while the dock shows; turning it on raises the dock."""
    toggle = dock.toggleViewAction()
    toggle.setText(f"{dock.windowTitle()} panel")
    toggle.setShortcut(QKeySequence(keys))
    toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel ({keys})")
    toggle.toggled.connect(lambda on: dock.raise_() if on else None)
    w.addAction(toggle)
    return toggle


def _fill_recent(files, menu) -> None:
    menu.clear()
    for path in files.recent_files():
        menu.addAction(path, lambda p=path: files.open_path(p))
    if menu.isEmpty():
        menu.addAction("(none yet)").setEnabled(False)


def _toolbar(w, a, playback) -> None:
    tb = QToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.setMovable(False)
    tb.setIconSize(QSize(22, 22))
    w.addToolBar(tb)
    tb.addAction(a.open)
    tb.addSeparator()
    for act in (a.play, a.stop, a.rewind, a.play_highlighted, a.loop_selection):
        tb.addAction(act)
    tb.addSeparator()
    for act in (a.zoom_in, a.zoom_out, a.fit, a.follow):
        tb.addAction(act)
    tb.addSeparator()
    tb.addWidget(QLabel(" margin "))
    a.margin_spin = QDoubleSpinBox()
    a.margin_spin.setRange(0.0, 5.0)
    a.margin_spin.setSingleStep(0.05)
    a.margin_spin.setDecimals(2)
    a.margin_spin.setSuffix(" s")
    a.margin_spin.setValue(playback.margin)
    a.margin_spin.setToolTip("Audio added before and after a segment when it is played")
    a.margin_spin.valueChanged.connect(playback.set_margin)
    playback.marginChanged.connect(a.margin_spin.setValue)
    tb.addWidget(a.margin_spin)
    tb.addWidget(QLabel(" resolution "))
    tb.addWidget(a.relevance.combo)
    spacer = QWidget()
    spacer.setFixedWidth(12)
    tb.addWidget(spacer)
    a.play_label = QLabel()
    tb.addWidget(a.play_label)


def update_playback(a, *, player, doc) -> None:
    """Enable the playback actions ``a`` only with an output device and a track; play ↔ pause icon."""
    p = player
    ok = p.available and doc.track is not None
    for act in (a.play, a.stop, a.rewind, a.play_selected, a.play_highlighted, a.next_highlighted, a.prev_highlighted):
        act.setEnabled(ok)
    a.stop.setEnabled(doc.track is not None)  # Escape also clears the selection, with or without sound
    reason = p.unavailable_reason
    a.play_label.setText(f"  ⚠ playback off: {reason.split(' (')[0]}" if reason else "")
    a.play_label.setToolTip(reason)
    a.play_label.setStyleSheet("color: #ff9f43" if reason else "")
    a.play.setIcon(icons.icon("pause" if p.state == "playing" else "play"))
    a.play.setToolTip(("Pause" if p.state == "playing" else "Play") + " (Space)" if not reason else reason)


def show_shortcuts(w, dialogs) -> None:
    rows = []
    for act in w.actions():
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in act.shortcuts())
        if keys:
            name = act.text().replace("&", "")
            rows.append(f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{name}</td></tr>")
    dialogs.info("Keyboard shortcuts", "<table>" + "".join(rows) + "</table>")
