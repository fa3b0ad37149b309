"""Exports from the window: segment tables through ``core.export``, the views as PNG/SVG.

Every file is written to a temporary name in the target folder and renamed,
so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from relstudio.core.errors import ParameterError
from relstudio.core.fileio import atomic_write_bytes

SEGMENT_FORMATS = {  # fmt: (menu text, suffix, file-dialog filter)
    "csv": ("CSV table…", ".csv", "CSV (*.csv)"),
    "json": ("JSON…", ".json", "JSON (*.json)"),
    "audacity": ("Audacity labels…", ".txt", "Audacity label track (*.txt)"),
    "sv": ("Sonic Visualiser regions…", ".csv", "Sonic Visualiser CSV (*.csv)"),
    "raven": ("Raven selection table…", ".txt", "Raven selection table (*.txt)"),
}


def with_suffix(path, suffix: str) -> Path:
    path = Path(path)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def export_segments(doc, path, fmt: str) -> Path:
    """Write the enabled experts' segments and passages of ``doc`` as ``fmt``, read under the window's
    relevance settings (resolution, passage rules) at its threshold."""
    from relstudio.core.export import write_segments

    cur = doc.relevance.segments()
    if cur is None or not cur.experts:
        raise ParameterError("nothing to export: open a track and enable at least one expert")
    if fmt not in SEGMENT_FORMATS:
        raise ParameterError(f"unknown export format {fmt!r}")
    path = with_suffix(path, SEGMENT_FORMATS[fmt][1])
    atomic_write_bytes(path, write_segments(cur, fmt=fmt, threshold=doc.threshold).encode("utf-8"))
    return path


def _via_temp(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        if not os.path.exists(tmp) or os.path.getsize(tmp) == 0:
            raise ParameterError(f"{path}: the image could not be written")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def export_widget_png(widget, path) -> Path:
    """The widget exactly as on screen (all three views) as PNG."""
    path = with_suffix(path, ".png")
    pixmap = widget.grab()
    return _via_temp(path, lambda tmp: pixmap.save(tmp, "PNG"))


def export_plot(plot_widget, path) -> Path:
    """One plot (e.g. the relevance view) as ``.svg`` (vector) or ``.png`` (twice the screen size).

    SVG is rendered through ``QSvgGenerator`` from the plot's scene: pyqtgraph's
    own SVGExporter fails on the closed paths recent Qt versions write
    (pyqtgraph issue #3495). PNG uses pyqtgraph's ImageExporter.
    """
    path = Path(path)
    if path.suffix.lower() not in (".svg", ".png"):
        path = with_suffix(path, ".svg")
    if path.suffix.lower() == ".png":
        import pyqtgraph.exporters as ex

        exporter = ex.ImageExporter(plot_widget.getPlotItem())
        exporter.parameters()["width"] = max(1600, int(plot_widget.width()) * 2)
        return _via_temp(path, lambda tmp: exporter.export(tmp))
    return _via_temp(path, lambda tmp: _render_svg(plot_widget, tmp))


def _render_svg(view, filename: str) -> None:
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = QRectF(view.viewport().rect())
    gen = QSvgGenerator()
    gen.setFileName(filename)
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(rect)
    gen.setTitle("relstudio relevance")
    painter = QPainter(gen)
    try:
        view.render(painter, rect, view.viewport().rect())
    finally:
        painter.end()
