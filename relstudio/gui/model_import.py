"""Model files entering the library from the window: imports (Open, drag-drop) and freshly trained experts.

Expert files are copied into the user's folder and listed (greyed with a
reason when unusable); RELNET and classifier files are checked (header) and
copied there too, where the classification panel finds them. Trained experts
are listed in the library but never change the open view: the user adds them
(:func:`add_to_view`) from the notification or the wizard's results page. Each function takes the
:class:`~relstudio.gui.document.Document` whose library it changes.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import EXPERT_SUFFIX
from relstudio.core.experts.library import CLASSIFIER_SUFFIXES as MODEL_SUFFIXES, copy_to_user_folder

ALL_MODEL_SUFFIXES = (EXPERT_SUFFIX,) + MODEL_SUFFIXES


def is_model_file(path) -> bool:
    """True for names ending in ``.expert.safetensors``, ``.relnet.safetensors`` or ``.classifier.safetensors``."""
    return Path(path).name.endswith(ALL_MODEL_SUFFIXES)


def _ensure_listed(doc, folder: Path) -> None:
    folder = folder.resolve()
    for known, _origin in doc.library.folders:
        try:
            folder.relative_to(known.resolve())
            return
        except ValueError:
            continue
    doc.library.folders.append((folder, "user"))


def import_expert(doc, path):
    """Copy an expert file into the user's folder and list it; returns its LibraryEntry (maybe unusable)."""
    dest = copy_to_user_folder(path)
    if all(folder.resolve() != dest.parent.resolve() for folder, _ in doc.library.folders):
        doc.library.folders.append((dest.parent, "user"))
    doc.library.rescan()
    entry = next((e for e in doc.library.entries if e.path.resolve() == dest.resolve()), None)
    entry = entry or doc.library.add(dest)
    doc.libraryChanged.emit()
    return entry


def import_model(doc, path):
    """Import ``path``; returns the expert's LibraryEntry or the RELNET/classifier's ClassifierInfo.

    Raises :class:`ParameterError` for any other ``*.safetensors`` file and
    :class:`~relstudio.core.errors.ExpertFileError` for a broken model.
    """
    from relstudio.core.experts.relnet_file import read_classifier_info

    path = Path(path)
    if path.name.endswith(EXPERT_SUFFIX):
        return import_expert(doc, path)
    if not path.name.endswith(MODEL_SUFFIXES):
        raise ParameterError(f"{path}: not an expert file nor another relstudio model (expected a name ending in "
                             f"{', '.join(ALL_MODEL_SUFFIXES)})")
    dest = copy_to_user_folder(path)
    _ensure_listed(doc, dest.parent)
    doc.library.rescan()
    doc.libraryChanged.emit()
    return read_classifier_info(dest)


def adopt_trained(doc, folder, paths=()) -> list[str]:
    """List the experts in ``folder`` in the library; returns the fingerprints of ``paths`` (default: all of
    them). The open view (enabled experts, threshold) is left as it is."""
    folder = Path(folder)
    _ensure_listed(doc, folder)
    doc.library.rescan()
    doc.libraryChanged.emit()
    wanted = {Path(p).resolve() for p in paths} if paths else None
    fps = [e.info.fingerprint for e in doc.library.usable()
           if (e.path.resolve() in wanted if wanted is not None else e.path.resolve().parent == folder.resolve())]
    return fps


def add_to_view(doc, fingerprints) -> None:
    """Enable ``fingerprints`` on the open track beside the experts already enabled."""
    doc.set_enabled(list(doc.enabled) + [f for f in fingerprints if f not in doc.enabled])
