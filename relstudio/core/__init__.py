"""Headless engine: audio → frontend → nets → experts → cache → relevance → analysis.

Nothing in this package imports Qt, pyqtgraph, superqt or sounddevice (an
import-linter contract enforces it).
"""
