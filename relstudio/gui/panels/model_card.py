"""The model card of an expert file: its metadata JSON shown as a readable page (and raw)."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QTabWidget, QTextBrowser, QVBoxLayout

from relstudio.core.errors import RelstudioError
from relstudio.gui.wording import precision, score


NAMES = {  # metadata keys whose words alone would not say it
    "gain_check_12db": "Same winners at −12 / 0 / +12 dB", "fusion_map@3": "Fusion MAP@3", "relnet_map@3": "RELNET MAP@3",
    "segment_winners_held_out": "Segment winners (held-out clips)", "held_out_split": "Held-out split",
    "n_fft": "FFT size", "n_mels": "Mel bands", "fmin": "Lowest frequency (Hz)", "fmax": "Highest frequency (Hz)",
    "hop_length": "Hop (samples)", "db_ref": "dB reference", "top_db": "Top dB", "mel_htk": "HTK mel scale",
    "amin": "Smallest amplitude", "level_window": "Level reference window (frames each side)",
    "silence_db": "Level reference floor (dBFS)", "val_fraction": "Validation fraction", "lr": "Learning rate",
}


def readable(key: str) -> str:
    """A metadata key as words: ``gain_check_12db`` → ``Same winners at −12 / 0 / +12 dB``,
    ``best_val_loss`` → ``Best validation loss``, ``map@3`` stays ``MAP@3``."""
    if key in NAMES:
        return NAMES[key]
    words = re.sub(r"(\d+)db\b", r"\1 dB", key).replace("_", " ").replace("map@", "MAP@")
    words = re.sub(r"\bval\b", "validation", words)
    return words[:1].upper() + words[1:]


def _value(key, v, within: dict | None = None) -> str:
    """A metadata value as text: scores with 3 decimals, undefined ones (NaN, precision of nothing) as —."""
    if key == "precision" and within is not None and "tp" in within:
        return precision(within)
    if isinstance(v, float):
        return score(v) if math.isnan(v) or abs(v) < 1000 else str(v)
    return str(v)


def _rows(d: dict) -> str:
    out = []
    for k, v in d.items():
        if isinstance(v, dict):
            v = ", ".join(f"{readable(str(kk)).lower()}: {_value(kk, vv, v)}" for kk, vv in v.items()) if v else "—"
        elif isinstance(v, float):
            v = _value(k, v)
        elif isinstance(v, list):
            v = ", ".join(str(x) for x in v) if v else "—"
        out.append(f"<tr><td style='color:#9aa1ad; padding-right:14px' title='{html.escape(str(k))}'>"
                   f"{html.escape(readable(str(k)))}</td>"
                   f"<td>{html.escape(str(v))}</td></tr>")
    return "<table cellspacing=2>" + "".join(out) + "</table>"


def card_html(meta: dict, *, path: str = "", error: str = "") -> str:
    """An HTML page of an expert's metadata: identity first, then card, training, data, front end."""
    colour = meta.get("colour") or "#888"
    parts = [f"<h2><span style='color:{html.escape(colour)}'>■</span> {html.escape(str(meta.get('label', '?')))}</h2>"]
    if meta.get("description"):
        parts.append(f"<p>{html.escape(str(meta['description']))}</p>")
    if error:
        parts.append(f"<p style='color:#ff8a70'><b>Unusable:</b> {html.escape(error)}</p>")
    ident = {"file": path, "fingerprint": meta.get("fingerprint", "—"), "architecture": meta.get("architecture", "—"),
             "family": meta.get("family", "—"), "licence": meta.get("licence") or "—",
             "app version": meta.get("app_version", "—")}
    parts.append(_rows(ident))
    for key, title in (("model_card", "Model card"), ("training", "Training"), ("data", "Data"),
                       ("net", "Network"), ("frontend", "Front end")):
        value = meta.get(key)
        if isinstance(value, dict) and value:
            parts.append(f"<h3>{title}</h3>" + _rows(value))
    return "<div style='font-size:10pt'>" + "".join(parts) + "</div>"


class ModelCardDialog(QDialog):
    def __init__(self, path, *, error: str = "", parent=None):
        super().__init__(parent)
        from relstudio.core.experts.model_file import read_header

        path = Path(path)
        self.setWindowTitle(f"Model card — {path.name}")
        self.resize(620, 640)
        try:
            meta, _ = read_header(path)
        except RelstudioError as exc:
            meta, error = {"label": path.name}, error or str(exc)
        self.meta = meta
        tabs = QTabWidget()
        page = QTextBrowser()
        page.setHtml(card_html(meta, path=str(path), error=error))
        raw = QPlainTextEdit(json.dumps(meta, indent=2, sort_keys=True, default=str))
        raw.setReadOnly(True)
        tabs.addTab(page, "Card")
        tabs.addTab(raw, "Metadata (JSON)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
