"""The training data of each shipped family, as one :class:`Dataset` (``make retrain``).

- ``sound``: ``sound2`` (drums, electronic, metal, organ, speech — many packages each).
- ``genre``: ``sound2`` (electronic, metal, orchestral) + ``genre`` without the demo song's group.
- ``instrument``: the phrases :mod:`benchmarks.render_instruments` renders from FluidR3,
  FluidR3Mono, GeneralUser and TimGM6mb.

Clips keep their manifest ``source_pkg`` for the cross-source validation; relative
names carry the set (``sound2/metal/…``), so the held-out lists stay readable.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from relstudio.core.training.dataset import Dataset, read_dataset

DEMO_GROUP = "Feelings"
FAMILIES = {
    "sound": dict(title="Sound classes", classes=("drums", "electronic", "metal", "organ", "speech"),
                  sets=("sound2",), extras=("drums", "organ"), colours={"speech": "#ff5370", "metal": "#5c7cfa", "electronic": "#3ddc84",
                                             "organ": "#ffa040", "drums": "#c77dff"}),
    "instrument": dict(title="Instruments", classes=("clarinet", "flute", "guitar", "piano", "trumpet", "violin"),
                       sets=("rendered",), colours={"piano": "#42d4f4", "guitar": "#f032e6", "violin": "#e6d84a",
                                                    "flute": "#4fd1c5", "trumpet": "#d4a373", "clarinet": "#ff7b7b"}),
    "genre": dict(title="Genre viewpoint", classes=("electronic", "metal", "orchestral"), sets=("sound2", "genre"),
                  extras=("electronic", "metal", "orchestral"),
                  colours={"metal": "#4dabf7", "orchestral": "#ffd43b", "electronic": "#ff6bcb"}),
}


def family_dataset(name: str, data_dir: Path, render_dir: Path | None = None, *, extras: int = 0,
                   extra_classes: tuple[str, ...] | None = None) -> Dataset:
    """The clips of family ``name`` (the demo song's group is never among them).

    ``extras``: add the family's train-only renders, ``extras`` phrases per class (instrument: per
    variant program) and soundfont — organ and drums for ``sound`` (:mod:`benchmarks.sound_renders`), electronic,
    metal and orchestral for ``genre`` (:mod:`benchmarks.genre_phrases`),
    neighbouring GM programs for ``instrument`` (:mod:`benchmarks.instrument_extras`);
    ``extra_classes``: only these classes' renders (default: all the family's).
    """
    spec = FAMILIES[name]
    if spec["sets"] == ("rendered",):
        ds = read_dataset(render_dir, classes=spec["classes"])
        # the source is the soundfont family (group): FluidR3Mono re-cuts FluidR3's samples, so they go together
        clips = [dataclasses.replace(c, source=c.group) for c in ds.clips]
        if extras:
            from benchmarks.instrument_extras import default_out, render_variants

            extra = read_dataset(render_variants(default_out(), clips=int(extras)))
            clips += [dataclasses.replace(c, source=c.group, train_only=True) for c in extra.clips]
        return Dataset(ds.root, f"rendered-{name}", tuple(clips), ds.classes)
    clips = []
    for set_name in spec["sets"]:
        ds = read_dataset(Path(data_dir) / set_name)
        clips += [c for c in ds.clips if c.label in spec["classes"] and c.group != DEMO_GROUP]
    if extras and spec.get("extras"):
        from benchmarks.sound_renders import default_out, render_extras

        folder = render_extras(default_out(name), classes=spec["extras"], clips=int(extras), family=name)
        keep = set(extra_classes or spec["extras"])
        clips += [dataclasses.replace(c, train_only=True) for c in read_dataset(folder).clips if c.label in keep]
    return Dataset(Path(data_dir), "+".join(spec["sets"]), tuple(clips), tuple(spec["classes"]))
