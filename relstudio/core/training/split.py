"""Train / validation / test splits by group, never by clip.

Clips of one group (a song, a speaker, an organ stop, a drum kit) are
near-duplicates, so a group lands on one side only. Per class, whole groups
are held out until the held-out share is closest to the requested fraction;
at least one group is held out and at least one kept. A class with a single
group cannot be split by group: its clips are split one by one and the split
says so in ``notes``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from relstudio.core.errors import DatasetError, ParameterError


@dataclass(frozen=True)
class Split:
    """Clip indices of each side (sorted) and how each class was split."""

    train: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]
    by: dict = field(default_factory=dict)  # class → "group" | "clip"
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"n_train": len(self.train), "n_val": len(self.val), "n_test": len(self.test),
                "by": dict(self.by), "notes": list(self.notes)}


def _units(labels: list[str], groups: list[str], indices) -> tuple[dict, dict, dict, list[str]]:
    """Split units (groups, or single clips of one-group classes) among ``indices``."""
    per_class = defaultdict(set)
    for i in indices:
        per_class[labels[i]].add(groups[i])
    by, notes = {}, []
    members = defaultdict(list)
    for i in indices:
        if len(per_class[labels[i]]) >= 2:
            members[("g", groups[i])].append(i)
        else:
            members[("c", str(i))].append(i)
    for c in sorted(per_class):
        by[c] = "group" if len(per_class[c]) >= 2 else "clip"
        if by[c] == "clip":
            notes.append(f"class {c!r} has a single group ({next(iter(per_class[c]))}); split by clip")
    owner = {}
    for unit, idx in members.items():
        votes = defaultdict(int)
        for i in idx:
            votes[labels[i]] += 1
        owner[unit] = max(sorted(votes), key=lambda c: votes[c])
    return members, owner, by, notes


def _hold_out(labels, groups, indices, fraction: float, rng,
              forced=frozenset()) -> tuple[list[int], list[int], dict, list[str]]:
    members, owner, by, notes = _units(labels, groups, indices)
    if fraction <= 0 and not forced:
        return sorted(indices), [], by, notes
    held = []
    for c in sorted(set(owner.values())):
        units = sorted(u for u in members if owner[u] == c)
        order = [units[k] for k in rng.permutation(len(units))]
        total = sum(len(members[u]) for u in units)
        chosen = [u for u in units if u[0] == "g" and u[1] in forced]
        target, taken = fraction * total, sum(len(members[u]) for u in chosen)
        for u in order:
            if u in chosen:
                continue
            size = len(members[u])
            if len(chosen) >= len(units) - 1 or fraction <= 0:
                break
            if not chosen or abs(taken + size - target) < abs(taken - target):
                chosen.append(u)
                taken += size
        held.extend(i for u in chosen for i in members[u])
    held_set = set(held)
    return sorted(i for i in indices if i not in held_set), sorted(held_set), by, notes


def split_indices(labels, groups, *, val_fraction: float = 0.2, test_fraction: float = 0.2,
                  seed: int = 0, test_groups=()) -> Split:
    """Split clips with ``labels`` and ``groups`` (equal-length sequences) by group.

    ``test_fraction`` is a share of all clips; ``val_fraction`` a share of the
    remaining training clips (paper: 20 % of the training instances).
    ``test_groups`` are always held out for testing (e.g. the demo song);
    they count towards ``test_fraction``.
    """
    labels, groups = list(labels), list(groups)
    if len(labels) != len(groups):
        raise ParameterError(f"{len(labels)} labels but {len(groups)} groups")
    if not 0 <= val_fraction < 1 or not 0 <= test_fraction < 1:
        raise ParameterError(f"fractions must be in [0, 1), got val={val_fraction}, test={test_fraction}")
    rng = np.random.default_rng(seed)
    forced = frozenset(test_groups)
    unknown = sorted(forced - set(groups))
    if unknown:
        raise DatasetError(f"test_groups {unknown} are not groups of this dataset")
    rest, test, by, notes = _hold_out(labels, groups, range(len(labels)), test_fraction, rng, forced)
    train, val, by_val, notes_val = _hold_out(labels, groups, rest, val_fraction, rng)
    for c, how in by_val.items():
        if how == "clip" and by.get(c) == "group":
            by[c] = "group (test), clip (validation)"
    notes = notes + [n + " for validation" for n in notes_val if n not in notes]
    missing = sorted({labels[i] for i in range(len(labels))} - {labels[i] for i in train})
    if missing:
        raise DatasetError(f"no training clips left for {missing}; add clips or lower the held-out fractions")
    return Split(tuple(train), tuple(val), tuple(test), by, tuple(notes))


def split_dataset(dataset, *, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0,
                  test_groups=(), unit: str = "group") -> Split:
    """:func:`split_indices` over a :class:`~relstudio.core.training.dataset.Dataset`.

    ``unit="source"`` holds out whole sources (``ClipRecord.source_key``: package, else group) instead of
    groups. Train-only clips (``ClipRecord.train_only``) take no part in the split and all go to ``train``.
    """
    if unit not in ("group", "source"):
        raise ParameterError(f"split unit must be 'group' or 'source', got {unit!r}")
    keep = [i for i, c in enumerate(dataset.clips) if not c.train_only]
    extra = [i for i, c in enumerate(dataset.clips) if c.train_only]
    units = [c.split_unit(unit) for c in dataset.clips]
    s = split_indices([dataset.clips[i].label for i in keep], [units[i] for i in keep],
                      val_fraction=val_fraction, test_fraction=test_fraction, seed=seed, test_groups=test_groups)
    if not extra:
        return s
    return Split(tuple(sorted([keep[i] for i in s.train] + extra)), tuple(keep[i] for i in s.val),
                 tuple(keep[i] for i in s.test), s.by, s.notes)


def repeated(rows, times: int) -> tuple[int, ...]:
    """Every row of ``rows`` ``times`` times in a row (``TrainingConfig.epoch_repeats``): an epoch's training rows."""
    return tuple(int(r) for r in rows for _ in range(int(times)))


def source_balanced(rows, labels, sources, cap: int) -> tuple[int, ...]:
    """Each row ``min(cap, max(1, round(n_max / n_s)))`` times in a row (``TrainingConfig.source_balance``).

    ``n_s`` counts the rows of the row's class from its source (``labels`` and
    ``sources`` are indexed by row) and ``n_max`` that class's largest source, so
    a class heard mostly through one package or soundfont hears its others about
    as often, up to ``cap`` times. ``cap`` 1 returns ``rows`` as they are.
    """
    rows = [int(r) for r in rows]
    if cap <= 1:
        return tuple(rows)
    per_source = defaultdict(int)
    for r in rows:
        per_source[(labels[r], sources[r])] += 1
    largest = defaultdict(int)
    for (label, _), n in per_source.items():
        largest[label] = max(largest[label], n)
    times = {key: min(cap, max(1, int(round(largest[key[0]] / n)))) for key, n in per_source.items()}
    return tuple(r for r in rows for _ in range(times[(labels[r], sources[r])]))
