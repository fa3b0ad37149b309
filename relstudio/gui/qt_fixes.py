"""Work-arounds for bugs of the Qt binding, applied once when ``relstudio.gui`` is imported.

PySide6 6.12.0 on Python 3.11 drops references it does not own: every call of
a C++ method returning ``void`` drops one reference of ``None``, and every
``SignalInstance.emit()`` one of ``True`` (both are returned without being
incremented). From Python 3.12 ``None`` and ``True`` are immortal and nothing
happens; on 3.11 their counts reach zero after some thousands of calls — a few
minutes of panning — and the interpreter aborts ("none_dealloc: deallocating
None"). When such a leak is measured here, the object gets 2**40 extra
references: what Python 3.12 does by making it immortal. Nothing else changes.
"""

from __future__ import annotations

import sys

PIN = 1 << 40
PROBE_CALLS = 64


def leaks() -> dict[str, bool]:
    """Which singletons this PySide6 loses references of: ``{"None": …, "True": …}``."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    found = {}
    for name, obj, call in (("None", None, lambda: probe.setObjectName("probe")),
                            ("True", True, lambda: probe.ping.emit())):
        call()  # warm up: first calls create caches that hold references of their own
        before = sys.getrefcount(obj)
        for _ in range(PROBE_CALLS):
            call()
        found[name] = before - sys.getrefcount(obj) >= PROBE_CALLS // 2
    return found


def _pin(obj) -> bool:
    import ctypes

    before = sys.getrefcount(obj)
    cell = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of every object
    if cell.value != before - 1:  # not the layout we know (e.g. a debug build): leave it alone
        return False
    cell.value += PIN
    return True


def apply() -> list[str]:
    """Pin the singletons that leak; returns their names (empty when nothing leaks)."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return []
    objects = {"None": None, "True": True}
    return [name for name, leaking in leaks().items() if leaking and _pin(objects[name])]


PINNED = apply()
