"""A dark theme: Fusion palette, a small stylesheet, and pyqtgraph's defaults.

Check boxes (in lists, menus and dialogs) get a light frame and an accent fill
with a white tick, spin boxes and combo boxes light arrows: the stylesheet's
indicator rules (:func:`stylesheet`) draw them from small SVG files written
once into a folder of their own (:func:`indicator_images`).
"""

from __future__ import annotations

import getpass
import tempfile
from pathlib import Path

from relstudio.core.fileio import atomic_write_bytes

WINDOW = "#1b1d23"
PANEL = "#22252d"
BASE = "#16181d"
PLOT_BG = "#121419"
TEXT = "#dde1e8"
TEXT_DIM = "#9aa1ad"
AXIS = "#4a505c"
ACCENT = "#4f8cff"
CURSOR = "#ffd54a"
WAVEFORM = "#6fb3ff"
CURVE = "#f4f6fa"
COMPARE = "#8fd3ff"
THRESHOLD = "#ff9f43"
INDICATOR_FRAME = "#8a93a3"

_SVG = {
    "check": f'<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14"><path d="M3 7.5 L6 10.5 L11.5 4" '
             f'fill="none" stroke="#ffffff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    "up": f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="6"><path d="M0 6 L5 0 L10 6 Z" fill="{TEXT}"/></svg>',
    "down": f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="6"><path d="M0 0 L5 6 L10 0 Z" '
            f'fill="{TEXT}"/></svg>',
}

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QDockWidget {{ color: {TEXT}; font-weight: 600; }}
QDockWidget::title {{ background: {PANEL}; padding: 5px 8px; }}
QToolBar {{ background: {PANEL}; border: 0; spacing: 4px; padding: 3px; }}
QToolButton {{ color: {TEXT}; padding: 4px 8px; border-radius: 4px; }}
QToolButton:hover {{ background: #2f3440; }}
QToolButton:checked {{ background: #31456b; }}
QToolButton:disabled {{ color: #5c626e; }}
QStatusBar {{ background: {PANEL}; color: {TEXT_DIM}; }}
QStatusBar QLabel {{ color: {TEXT_DIM}; padding: 0 6px; }}
QTreeWidget, QListWidget, QPlainTextEdit, QTextBrowser {{ background: {BASE}; color: {TEXT};
    border: 1px solid #2c303a; alternate-background-color: #1a1c22; }}
QTreeWidget::item {{ padding: 3px 0; }}
QTreeWidget::item:selected {{ background: #2a3d62; }}
QHeaderView::section {{ background: {PANEL}; color: {TEXT_DIM}; border: 0; padding: 4px; }}
QGroupBox {{ color: {TEXT_DIM}; border: 1px solid #2c303a; border-radius: 4px; margin-top: 14px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QPushButton {{ background: #2b2f39; color: {TEXT}; border: 1px solid #3a3f4b; border-radius: 4px; padding: 4px 10px; }}
QPushButton:hover {{ background: #343a46; }}
QPushButton:disabled {{ color: #5c626e; }}
QComboBox, QDoubleSpinBox, QSpinBox, QLineEdit {{ background: {BASE}; color: {TEXT}; border: 1px solid #3a3f4b;
    border-radius: 3px; padding: 2px 6px; }}
QProgressBar {{ background: {BASE}; border: 1px solid #3a3f4b; border-radius: 3px; color: {TEXT}; text-align: center;
    max-height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QSplitter::handle {{ background: #2a2e37; }}
QMenu {{ background: {PANEL}; color: {TEXT}; border: 1px solid #3a3f4b; }}
QMenu::item:selected {{ background: #2a3d62; }}
QMenuBar {{ background: {PANEL}; color: {TEXT}; }}
QMenuBar::item:selected {{ background: #2a3d62; }}
QLabel#hint {{ color: {TEXT_DIM}; }}
"""

_INDICATORS = """
QCheckBox::indicator, QAbstractItemView::indicator, QGroupBox::indicator, QMenu::indicator:non-exclusive {{
    width: 13px; height: 13px; border: 1px solid {frame}; border-radius: 3px; background: {base}; }}
QCheckBox::indicator:checked, QAbstractItemView::indicator:checked, QGroupBox::indicator:checked,
QMenu::indicator:non-exclusive:checked {{ background: {accent}; border-color: {accent}; image: url({check}); }}
QCheckBox::indicator:disabled, QAbstractItemView::indicator:disabled {{ border-color: #4a505c; }}
QCheckBox {{ color: {text}; spacing: 6px; }}
QAbstractSpinBox {{ padding-right: 18px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border; width: 16px;
    background: #2b2f39; border-left: 1px solid #3a3f4b; }}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 3px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; border-bottom-right-radius: 3px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{ background: #3a4150; }}
QAbstractSpinBox::up-arrow {{ image: url({up}); width: 9px; height: 6px; }}
QAbstractSpinBox::down-arrow, QComboBox::down-arrow {{ image: url({down}); width: 9px; height: 6px; }}
QComboBox::drop-down {{ border: 0; width: 18px; }}
"""


def indicator_images(folder: Path | None = None) -> dict[str, Path]:
    """The tick and arrow SVGs (written once into ``folder``, default a per-user temp folder)."""
    folder = Path(folder) if folder else Path(tempfile.gettempdir()) / f"relstudio-theme-{getpass.getuser()}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, svg in _SVG.items():
        path = folder / f"{name}.svg"
        if not path.exists() or path.read_text() != svg:
            atomic_write_bytes(path, svg.encode("utf-8"))  # other windows may be reading the folder
        paths[name] = path
    return paths


def stylesheet(folder: Path | None = None) -> str:
    """The whole stylesheet: :data:`STYLESHEET` plus the check-box and arrow rules."""
    images = {k: p.as_posix() for k, p in indicator_images(folder).items()}
    return STYLESHEET + _INDICATORS.format(frame=INDICATOR_FRAME, base=BASE, accent=ACCENT, text=TEXT, **images)


def apply(app) -> None:
    """Dark Fusion palette and stylesheet on ``app``; pyqtgraph antialiasing."""
    import pyqtgraph as pg
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW, QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE, QPalette.ColorRole.AlternateBase: "#1a1c22",
        QPalette.ColorRole.ToolTipBase: PANEL, QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Text: TEXT, QPalette.ColorRole.Button: PANEL,
        QPalette.ColorRole.ButtonText: TEXT, QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.PlaceholderText: TEXT_DIM,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c626e"))
    app.setPalette(pal)
    app.setStyleSheet(stylesheet())
    pg.setConfigOptions(antialias=True, foreground=TEXT_DIM, background=PLOT_BG)
