"""Unsaved changes: what a session would save against what was last saved or opened; the
Save / Discard / Cancel prompt; the autosave recovery file.

The comparison covers what a session restores and the user made: review marks,
enabled experts, viewpoints and the compared one, the threshold, the range
selection and the zoom of the views (the width of the visible range; scrolling
while following the playback is not a change). Every ``AUTOSAVE_MS`` a changed state is written,
atomically, to :func:`recovery_path` in the user data folder; a clean quit
removes it, so finding it at the next start means the last run did not end
well. The user is then offered to restore it in a non-modal note (Restore /
Discard it / Close) once the window is up, so nothing waits on an answer (a
scripted or unattended start goes on); the file is first moved to
:func:`offered_path`, where this run's autosaves cannot overwrite it, and
stays there, offered again at the next start, until the user restores or
discards it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from relstudio.gui import session
from relstudio.gui.dialogs import CANCEL, DISCARD, SAVE

AUTOSAVE_MS = 60_000
RESTORE, DROP = "Restore", "Discard it"


def recovery_path() -> Path:
    from relstudio.core.paths import user_data_dir

    return user_data_dir() / "recovery" / ("autosave" + session.SUFFIX)


def offered_path() -> Path:
    """Where a recovery file waits while it is offered (this run autosaves to :func:`recovery_path`)."""
    return recovery_path().with_name("previous" + session.SUFFIX)


class UnsavedChanges(QObject):
    def __init__(self, *, doc, dialogs, state, save, session_path, parent=None):
        """``state(with_track=)``: the session dict of the window now; ``save()``: save the session (True when saved);
        ``session_path()``: the open session file or None."""
        super().__init__(parent)
        self.doc, self.dialogs, self.state, self.save, self.session_path = doc, dialogs, state, save, session_path
        self.baseline: dict | None = None
        self.forced = False  # a change not seen in the state (the track was located elsewhere, a recovery)
        doc.trackChanged.connect(self._track_changed)  # a method: disconnected when this object is deleted
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    # -- what changed ---------------------------------------------------------------------
    def snapshot(self) -> dict:
        s = dict(self.state(with_track=False))  # the track is compared by its path (no hashing of the file)
        view = s.pop("view", None)
        s["zoom"] = round(view[1] - view[0], 1) if view else None
        for key in ("margin", "track", "experts", "format", "version"):
            s.pop(key, None)
        s["track_path"] = str(self.doc.path) if self.doc.path else None
        return s

    def mark_clean(self) -> None:
        self.baseline, self.forced = self.snapshot(), False

    def mark_changed(self) -> None:
        self.forced = True

    def _track_changed(self) -> None:
        QTimer.singleShot(0, self._track_settled)

    def _track_settled(self) -> None:
        forced = self.forced
        self.mark_clean()
        self.forced = forced

    def is_dirty(self) -> bool:
        if self.doc.track is None:
            return False
        return self.forced or self.baseline is None or self.snapshot() != self.baseline

    def confirm(self, before: str) -> bool:
        """Ask Save / Discard / Cancel when something is unsaved; True when the caller may go on."""
        if not self.is_dirty():
            return True
        where = self.session_path()
        name = where.name if where is not None else (Path(self.doc.path).name if self.doc.path else "this track")
        answer = self.dialogs.unsaved("Unsaved changes", f"Save the changes to {name} (review marks, experts, "
                                                         f"viewpoints, threshold, selection, zoom) before {before}?")
        if answer == SAVE:
            return bool(self.save())
        return answer == DISCARD

    # -- autosave and recovery --------------------------------------------------------------
    def autosave(self) -> Path | None:
        """Write the changed state to the recovery file (nothing when unchanged); returns its path."""
        if not self.is_dirty():
            return None
        where = self.session_path()
        state = {**self.state(), "recovered_from": str(where) if where is not None else None}
        return session.write_session(recovery_path(), state)

    def discard_recovery(self) -> None:
        recovery_path().unlink(missing_ok=True)

    def window_closed(self) -> None:
        """The window closed cleanly: no recovery file, and no more autosaves (a closed window that lives on,
        e.g. until the event loop deletes it, must not write one later)."""
        self.timer.stop()
        self.discard_recovery()

    def offer_recovery(self, open_session) -> bool:
        """At start-up: when a recovery file is left over, offer (without waiting) to restore it through
        ``open_session(path)``; True when one was offered."""
        left, offered = recovery_path(), offered_path()
        if left.is_file():
            left.replace(offered)  # a newer leftover wins; this run's autosaves go to recovery_path()
        if not offered.is_file():
            return False

        def restore():
            open_session(offered)
            offered.unlink(missing_ok=True)
            self.mark_changed()

        self.dialogs.notify("Recover unsaved work", "relstudio did not close properly last time. Restore the "
                            "unsaved work it kept (marks, experts, viewpoints, threshold, selection)?",
                            {RESTORE: restore, DROP: lambda: offered.unlink(missing_ok=True)})
        return True


__all__ = ["UnsavedChanges", "recovery_path", "offered_path", "SAVE", "DISCARD", "CANCEL"]
