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
                   extra_classes: tuple[str, ...] | None = None, train_sets: tuple[str, ...] = ()) -> Dataset:
    """The clips of family ``name`` (the demo song's group is never among them).

    ``extras``: add the family's train-only renders, ``extras`` phrases per class (instrument: per
    variant program) and soundfont — organ and drums for ``sound`` (:mod:`benchmarks.sound_renders`), electronic,
    metal and orchestral for ``genre`` (:mod:`benchmarks.genre_phrases`),
    neighbouring GM programs for ``instrument`` (:mod:`benchmarks.instrument_extras`);
    ``extra_classes``: only these classes' renders (default: all the family's);
    ``train_sets``: further data sets whose clips of the family's classes are train-only: ``main``, or
    ``main:drums,organ`` for only those classes.
    """
    spec = FAMILIES[name]
    if spec["sets"] == ("rendered",):
        ds = read_dataset(render_dir, classes=spec["classes"])
        # the source is the soundfont family: FluidR3Mono re-cuts FluidR3's samples, so they go together
        clips = [dataclasses.replace(c, source=_font_source(c)) for c in ds.clips]
        for set_name, classes in [_set_classes(s, spec) for s in train_sets]:  # instr_*: other phrases
            extra = [c for c in read_dataset(Path(data_dir) / set_name).clips if c.label in classes]
            clips += [dataclasses.replace(c, source=_font_source(c), train_only=True) for c in extra]
        if extras:
            from benchmarks.instrument_extras import default_out, render_variants

            extra = read_dataset(render_variants(default_out(), clips=int(extras)))
            clips += [dataclasses.replace(c, source=c.group, train_only=True) for c in extra.clips]
        return Dataset(ds.root, f"rendered-{name}", tuple(clips), ds.classes)
    clips = []
    for set_name, classes in [(s, spec["classes"]) for s in spec["sets"]] + [_set_classes(s, spec) for s in train_sets]:
        ds = read_dataset(Path(data_dir) / set_name)
        only = set_name not in spec["sets"]
        clips += [dataclasses.replace(c, train_only=only) for c in ds.clips
                  if c.label in classes and c.group != DEMO_GROUP]
    if extras and spec.get("extras"):
        from benchmarks.sound_renders import default_out, render_extras

        folder = render_extras(default_out(name), classes=spec["extras"], clips=int(extras), family=name)
        keep = set(extra_classes or spec["extras"])
        clips += [dataclasses.replace(c, train_only=True) for c in read_dataset(folder).clips if c.label in keep]
    return Dataset(Path(data_dir), "+".join(spec["sets"]), tuple(clips), tuple(spec["classes"]))


def training_lanes(names: list[str], jobs: int) -> list[list[str]]:
    """Families dealt into ``jobs`` lanes that ``make retrain`` trains side by side, the costliest first
    (sound alone beside instrument + genre)."""
    cost = {"sound": 3, "instrument": 2, "genre": 1}
    lanes: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(names))))]
    for name in sorted(names, key=lambda n: -cost.get(n, 1)):
        min(lanes, key=lambda lane: sum(cost.get(n, 1) for n in lane)).append(name)
    return [lane for lane in lanes if lane]


def _font_source(clip) -> str:
    """``instr_fluid``'s group FluidR3_GM → ``fluidr3``; ``openttd-openmsx+timgm6mb-soundfont`` →
    ``openttd-openmsx+timgm6mb``: a fold that holds out a soundfont drops every clip rendered with it."""
    from benchmarks.render_instruments import SOUNDFONTS, SOURCE_OF

    if clip.group in SOURCE_OF:
        return SOURCE_OF[clip.group]
    family_of_package = {pkg: SOURCE_OF[name] for name, (_, pkg, _) in SOUNDFONTS.items()}
    return "+".join(family_of_package.get(p, p) for p in (clip.source or "").split("+"))


def _set_classes(entry: str, spec: dict) -> tuple[str, tuple[str, ...]]:
    """``main`` → (main, the family's classes); ``main:drums,organ`` → (main, (drums, organ))."""
    name, _, only = entry.partition(":")
    classes = tuple(c for c in only.split(",") if c) or spec["classes"]
    unknown = set(classes) - set(spec["classes"])
    if unknown:
        raise ValueError(f"train set {entry!r}: {', '.join(sorted(unknown))} is no class of this family")
    return name, classes
