"""Collection panel: analyse a folder in the background and browse its tracks and excerpts.

The table fills row by row while the batch runs (rows stream out of the core
task's progress metrics), sorts by any column (class scores included) and
draws a small relevance sparkline per track. Activating a track or one of its
excerpts emits ``excerpt_activated(path, start, end)``; the window opens the
track there and plays it. All work is ``relstudio.core.collection`` run by a
:class:`~relstudio.gui.tasks.TaskRunner` lane of the panel's own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter, QTableView,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from relstudio.gui.panels.collection_table import (ROW_ROLE, SORT_ROLE, SPARK, CollectionModel, SparklineDelegate,
                                                    style_table)
from relstudio.gui.tasks import TaskRunner

class _Relay(QObject):
    """Carries rows from the worker thread to the GUI thread (queued signal)."""

    row = Signal(int, object)  # run id, row


def _streaming(task, relay: _Relay, run: int):
    """Pass ``task`` through, emitting every finished row as it comes."""
    try:
        while True:
            p = next(task)
            if "row" in p.metrics:
                relay.row.emit(run, p.metrics["row"])
            yield p
    except StopIteration as stop:
        return stop.value
    finally:
        task.close()


def _previews(tracks, experts, output, seconds, cache, device):
    """Load the experts, then :func:`~relstudio.core.collection.preview.make_previews` (a task)."""
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import expert_path
    from relstudio.core.collection.preview import make_previews
    from relstudio.core.experts.expert_file import load_expert

    loaded = [load_expert(expert_path(e), device=device) for e in experts]
    return (yield from make_previews(tracks, loaded, output=output, seconds=seconds,
                                     cache=cache if cache is not None else ProbabilityCache.default(), device=device))


class CollectionPanel(QWidget):
    """Open a folder → batch analysis filling the table; activate a track or excerpt to hear it."""

    excerpt_activated = Signal(str, float, float)
    finished = Signal(object)  # CollectionResults of a finished batch
    message = Signal(str)

    def __init__(self, experts=None, *, cache=None, device="cpu", parent=None):
        super().__init__(parent)
        self._experts = experts  # callable → expert files/entries; None: every usable expert of the library
        self.cache, self.device = cache, device
        self.results = None
        self._run = 0
        self.runner = TaskRunner(self)
        self.relay = _Relay(self)
        self.relay.row.connect(self.model_add)
        self.model = CollectionModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setItemDelegateForColumn(SPARK, SparklineDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        style_table(self.table)
        self.table.activated.connect(self._track_activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_excerpts())
        self.excerpts = QTreeWidget()
        self.excerpts.setHeaderLabels(["Excerpt", "Start", "End", "Winner", "Score"])
        self.excerpts.setRootIsDecorated(False)
        self.excerpts.itemActivated.connect(self._excerpt_activated)
        self.open_button = QPushButton("Open folder…")
        self.results_button = QPushButton("Open results…")
        self.preview_button = QPushButton("Previews…")
        self.preview_button.setToolTip("Write the most relevant 15 s of every track + an M3U playlist")
        self.preview_button.clicked.connect(self._choose_preview_folder)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.open_button.clicked.connect(self._choose_folder)
        self.results_button.clicked.connect(self._choose_results)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Open a folder to analyse every track in it.")
        self.status.setWordWrap(True)
        self.runner.progress.connect(lambda f, m: (self.progress.setValue(int(f * 1000)), self.status.setText(m)))
        self.runner.busyChanged.connect(self._busy)
        self.runner.failed.connect(lambda name, exc, tb: self.status.setText(f"{name} failed: {exc}"))
        buttons = QHBoxLayout()
        for b in (self.open_button, self.results_button, self.preview_button, self.cancel_button):
            buttons.addWidget(b)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.excerpts)
        split.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    # -- running ---------------------------------------------------------------------
    def expert_files(self) -> list:
        if self._experts is not None:
            return list(self._experts())
        from relstudio.core.experts.library import ExpertLibrary

        return ExpertLibrary().usable()

    def open_folder(self, folder, *, workers: int = 1) -> None:
        """Analyse every track under ``folder`` in the background (rows appear as they finish)."""
        from relstudio.core.cache import ProbabilityCache
        from relstudio.core.collection.batch import analyze_collection
        from relstudio.core.experts.expert_file import read_expert_info

        experts = self.expert_files()
        if not experts:
            self.status.setText("No usable experts: enable or import some first.")
            return
        infos = [read_expert_info(e.path if hasattr(e, "path") else e) for e in experts]
        self.model.reset([i.label for i in infos])
        self.excerpts.clear()
        cache = self.cache if self.cache is not None else ProbabilityCache.default()
        # one process: a GUI app must not spawn copies of itself (frozen bundles); torch uses the cores
        task = analyze_collection(folder, experts, cache=cache, workers=workers, device=self.device)
        self._run += 1
        self.runner.submit(_streaming(task, self.relay, self._run), name=f"collection {Path(folder).name}",
                           on_done=self._done)

    def model_add(self, run: int, row: dict) -> None:
        if run == self._run:  # rows of a superseded run never mix in
            self.model.add_row(row)

    def _done(self, results) -> None:
        self.results = results
        if len(results.rows) != len(self.model.rows):
            self.model.reset(results.labels, results.rows)
        s = results.stats
        text = (f"{len(results.rows)} tracks: {s.get('analysed', 0)} analysed, {s.get('reused', 0)} from the cache, "
                f"{s.get('failed', 0)} unreadable")
        if results.failures:
            text += " (" + ", ".join(Path(f["path"]).name for f in results.failures[:5]) + ")"
        self.status.setText(text)
        self.progress.setValue(1000)
        self.finished.emit(results)

    def show_results(self, results) -> None:
        """Show a finished table (e.g. read from ``collection.json``)."""
        self.results = results
        self.model.reset(results.labels, results.rows)
        self.status.setText(f"{len(results.rows)} tracks from {results.root}")

    def write_previews(self, output, *, seconds: float = 15.0) -> None:
        """Write previews of the table's tracks into ``output`` in the background."""
        if not self.model.rows:
            self.status.setText("Analyse a folder first.")
            return
        experts = self.expert_files()
        tracks = [r["path"] for r in self.model.rows]
        cache = self.cache
        self.runner.submit(_previews(tracks, experts, output, seconds, cache, self.device), name="previews",
                           on_done=lambda res: self.status.setText(
                               f"{len(res[0])} previews and previews.m3u written to {output}"))

    def _choose_preview_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the previews")
        if folder:
            self.write_previews(folder)

    def _busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.open_button.setEnabled(not busy)
        self.preview_button.setEnabled(not busy)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Analyse a folder of tracks")
        if folder:
            self.open_folder(folder)

    def _choose_results(self) -> None:
        from relstudio.core.collection.results import read_results
        from relstudio.core.errors import RelstudioError

        path, _ = QFileDialog.getOpenFileName(self, "Open a collection table", "", "Collection (collection.json)")
        if path:
            try:
                self.show_results(read_results(path))
            except RelstudioError as exc:
                self.status.setText(str(exc))

    # -- browsing --------------------------------------------------------------------
    def current_row(self) -> dict | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _show_excerpts(self) -> None:
        self.excerpts.clear()
        row = self.current_row()
        if row is None:
            return
        groups = [("best", row["excerpts"], "relevance")]
        groups += [(f"{lab}", ex, lab) for lab, ex in row.get("class_excerpts", {}).items()]
        for name, items, key in groups:
            for i, e in enumerate(items, 1):
                score = e["relevance"] if key == "relevance" else e["classes"].get(key, 0.0)
                item = QTreeWidgetItem([f"{name} #{i}", f"{e['start']:.2f}", f"{e['end']:.2f}", e["winner"],
                                        f"{score:.3f}"])
                item.setData(0, Qt.ItemDataRole.UserRole, (row["path"], float(e["start"]), float(e["end"])))
                self.excerpts.addTopLevelItem(item)

    def _track_activated(self, index) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return
        best = row["excerpts"][0] if row.get("excerpts") else {"start": 0.0, "end": row["duration"]}
        self.excerpt_activated.emit(row["path"], float(best["start"]), float(best["end"]))

    def _excerpt_activated(self, item, _column=0) -> None:
        path, start, end = item.data(0, Qt.ItemDataRole.UserRole)
        self.excerpt_activated.emit(path, start, end)

    def shutdown(self) -> None:
        self.runner.shutdown()
