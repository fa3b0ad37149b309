"""Model files entering the library from the window: imports (Open, drag-drop) and freshly trained experts.

Expert files go through :meth:`Document.import_expert`; RELNET and classifier
files are checked (header) and copied into the user's expert folder, where
the classification panel finds them. Trained experts are listed and enabled
on the open track at once.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.core.classification import MODEL_SUFFIXES, copy_to_user_folder
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import EXPERT_SUFFIX

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


def import_model(doc, path):
    """Import ``path``; returns the expert's LibraryEntry or the RELNET/classifier's ClassifierInfo.

    Raises :class:`ParameterError` for any other ``*.safetensors`` file and
    :class:`~relstudio.core.errors.ExpertFileError` for a broken model.
    """
    from relstudio.core.experts.relnet_file import read_classifier_info

    path = Path(path)
    if path.name.endswith(EXPERT_SUFFIX):
        return doc.import_expert(path)
    if not path.name.endswith(MODEL_SUFFIXES):
        raise ParameterError(f"{path}: not an expert file nor another relstudio model (expected a name ending in "
                             f"{', '.join(ALL_MODEL_SUFFIXES)})")
    dest = copy_to_user_folder(path)
    _ensure_listed(doc, dest.parent)
    doc.library.rescan()
    doc.libraryChanged.emit()
    return read_classifier_info(dest)


def adopt_trained(doc, folder, paths=()) -> list[str]:
    """List the experts in ``folder`` and enable ``paths`` (default: all of them) on the open track."""
    folder = Path(folder)
    _ensure_listed(doc, folder)
    doc.library.rescan()
    doc.libraryChanged.emit()
    wanted = {Path(p).resolve() for p in paths} if paths else None
    fps = [e.info.fingerprint for e in doc.library.usable()
           if (e.path.resolve() in wanted if wanted is not None else e.path.resolve().parent == folder.resolve())]
    if fps:
        doc.set_enabled(list(doc.enabled) + [f for f in fps if f not in doc.enabled])
    return fps
