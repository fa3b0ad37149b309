"""Ranking a collection table: which tracks and excerpts best show a class, or are most relevant.

Excerpts are passages (:mod:`relstudio.core.collection.excerpts`): contiguous
audible windows, never silence or hiss, never overlapping within a track.
``by="relevance"``: tracks by mean R_max over their audible segments, excerpts
(``--what excerpts``) by their peak window R_max — what the viewpoint's experts
find most decisive, whatever the class.
``by="class:<label>"``: tracks by their classification score for the class
(SUM fusion or RELNET, normalised over the viewpoint's experts), ties broken by
their best class excerpt; excerpts by the peak of ``R·P̄_label`` over the
passages of that class's curve — certain windows where that expert wins.
"""

from __future__ import annotations

from relstudio.core.collection.results import class_label as _match
from relstudio.core.errors import ParameterError

WHAT = ("tracks", "excerpts")


def parse_by(by: str, labels) -> str | None:
    """The class label named by ``by`` (``None`` for ``"relevance"``); errors name the known classes.

    ``"class:metal"`` finds the label ``"metal (genre)"`` when it is the only metal one.
    """
    if by == "relevance":
        return None
    if isinstance(by, str) and by.startswith("class:"):
        name = by[len("class:"):]
        found = _match(name, labels)
        if found is None:
            raise ParameterError(f"no class {name!r} in this table (classes: {', '.join(labels) or 'none'})")
        return found
    raise ParameterError(f"--by must be 'relevance' or 'class:<name>', got {by!r}")


def rank(results, *, by: str = "relevance", what: str = "tracks", limit: int | None = None) -> list[dict]:
    """Rank the rows (``what="tracks"``) or excerpts (``what="excerpts"``) of a collection table.

    Parameters
    ----------
    results : :class:`~relstudio.core.collection.results.CollectionResults`
    by : ``"relevance"`` or ``"class:<label>"``
    limit : keep the best ``limit`` (None: all)

    Returns
    -------
    list of dicts ``{rank, score, track, path, classification, start, end, winner}``, best
    first (``start``/``end``/``winner`` are the best excerpt's for tracks). Ties keep table order.
    """
    if what not in WHAT:
        raise ParameterError(f"what must be one of {WHAT}, got {what!r}")
    if limit is not None and limit < 1:
        raise ParameterError(f"limit must be ≥ 1, got {limit}")
    # the classifier's classes (a RELNET's may be "metal") and the experts' labels ("metal (genre)")
    classes = list(results.labels)
    for row in results.rows:
        classes += [c for c in row["scores"] if c not in classes]
    label = parse_by(by, classes)
    expert = _match(label, results.labels) if label is not None else None
    items = []
    for row in results.rows:
        excerpts = row["excerpts"] if label is None else row.get("class_excerpts", {}).get(expert, [])
        if what == "tracks":
            best = excerpts[0] if excerpts else None
            if label is None:
                key = (row["mean_relevance"], row["peak_relevance"])
            else:
                score_key = _match(label, list(row["scores"]))
                key = (row["scores"].get(score_key, 0.0), best["classes"].get(expert, 0.0) if best else 0.0)
            items.append((key, _item(row, best, key[0])))
        else:
            for e in excerpts:
                score = e["relevance"] if label is None else e["classes"].get(expert, 0.0)
                items.append(((score,), _item(row, e, score)))
    items.sort(key=lambda kv: kv[0], reverse=True)  # stable: ties keep table order
    ranked = [item for _, item in items[:limit]]
    for i, item in enumerate(ranked, 1):
        item["rank"] = i
    return ranked


def _item(row, excerpt, score) -> dict:
    return {"rank": 0, "score": round(float(score), 5), "track": row["track"], "path": row["path"],
            "classification": row["classification"],
            "start": excerpt["start"] if excerpt else 0.0, "end": excerpt["end"] if excerpt else row["duration"],
            "winner": excerpt["winner"] if excerpt else ""}


def precision_at(ranked: list[dict], relevant, k: int) -> float:
    """Fraction of the first ``k`` ranked items for which ``relevant(item)`` is true."""
    if k < 1:
        raise ParameterError(f"k must be ≥ 1, got {k}")
    top = ranked[:k]
    return sum(1 for item in top if relevant(item)) / float(k) if top else 0.0
