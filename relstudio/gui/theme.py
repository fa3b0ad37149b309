"""A dark theme: Fusion palette, a small stylesheet, and pyqtgraph's defaults."""

from __future__ import annotations

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
    app.setStyleSheet(STYLESHEET)
    pg.setConfigOptions(antialias=True, foreground=TEXT_DIM, background=PLOT_BG)
