"""Collections on the command line: ``analyze --batch DIR``, ``rank`` and ``preview``.

``analyze --batch`` (registered by :mod:`relstudio.cli.analyze`, run by
:func:`cmd_batch`) writes a collection table; ``rank`` lists its best tracks
and excerpts (passages: never silence, never overlapping); ``preview`` writes
the seconds around each track's best passage and a playlist. Both take the
relevance options (``--resolution``, ``--min-passage``, ``--min-gap``, …).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from relstudio.cli.common import (EXIT_USER_ERROR, add_device_option, add_library_option, add_relevance_options,
                                  expert_names, load_experts, open_library, progress_bar, relevance_settings)
from relstudio.core.errors import ParameterError

FAILURES_SHOWN = 20


def cmd_batch(args) -> int:
    """``relstudio analyze --batch DIR -o FOLDER``."""
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import analyze_collection

    if not args.output:
        raise ParameterError("--batch needs -o FOLDER for the collection table (collection.csv, collection.json)")
    library = open_library(args)
    entries = [library.find(n) for n in expert_names(args, library)]
    for e in entries:
        if not e.ok:
            raise ParameterError(f"expert {e.label!r} cannot be used: {e.error} [{e.path}]")
    cache = ProbabilityCache(None) if args.no_cache else ProbabilityCache.default()
    relnet = args.relnet
    if not relnet:
        found = library.relnet_for([e.info.fingerprint for e in entries], exact=True)
        relnet = found.path if found else None
    task = analyze_collection(args.batch, entries, output=Path(args.output), cache=cache, viewpoint=args.viewpoint,
                              relnet=None if relnet == "none" else relnet, workers=args.workers,
                              device=args.device, scheduler=args.scheduler, settings=relevance_settings(args))
    results = progress_bar(task, desc=f"collection {Path(args.batch).name}")
    s = results.stats
    speed = f", {s['realtime_factor']}× real time" if s.get("realtime_factor") else ""
    print(f"{len(results.rows)} tracks in the table: {s['analysed']} analysed, {s['reused']} already analysed, "
          f"{s['failed']} unreadable ({s['run_seconds']:.1f} s{speed}); classified by {results.classifier}",
          file=sys.stderr)
    for f in results.failures[:FAILURES_SHOWN]:
        print(f"  unreadable: {f['path']}: {f['reason']}", file=sys.stderr)
    if len(results.failures) > FAILURES_SHOWN:
        print(f"  … and {len(results.failures) - FAILURES_SHOWN} more (see collection.json)", file=sys.stderr)
    print(f"wrote {Path(args.output) / 'collection.csv'} and collection.json", file=sys.stderr)
    return 0


def cmd_rank(args) -> int:
    from relstudio.core.collection.ranking import rank
    from relstudio.core.collection.results import read_results

    results = read_results(args.results)
    what = ["tracks", "excerpts"] if args.what == "both" else [args.what]
    out = {w: rank(results, by=args.by, what=w, limit=args.limit) for w in what}
    if args.format == "json":
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    for w, items in out.items():
        print(f"# top {len(items)} {w} by {args.by} ({len(results.rows)} tracks in the table)")
        print(f"{'rank':>4}  {'score':>7}  {'start':>7}  {'end':>7}  {'winner':<18} {'class':<18} track")
        for it in items:
            print(f"{it['rank']:>4}  {it['score']:>7.4f}  {it['start']:>7.2f}  {it['end']:>7.2f}  "
                  f"{it['winner']:<18} {it['classification']:<18} {it['track']}")
    return 0


def cmd_preview(args) -> int:
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import find_tracks
    from relstudio.core.collection.preview import PLAYLIST_NAME, make_previews
    from relstudio.core.device import choose_device

    src = Path(args.source)
    out = Path(args.output)
    tracks = find_tracks(src, exclude=[out]) if src.is_dir() else [src]
    if not tracks:
        raise ParameterError(f"no audio files in {src}")
    device = choose_device(args.device)
    library = open_library(args)
    experts = load_experts(library, expert_names(args, library), device=device)
    task = make_previews(tracks, experts, output=out, seconds=args.seconds, by=args.by, fmt=args.format,
                         cache=ProbabilityCache.default(), device=device, settings=relevance_settings(args))
    previews, failures = progress_bar(task, desc="previews")
    for f in failures:
        print(f"  unreadable: {f['path']}: {f['reason']}", file=sys.stderr)
    for p in previews:
        print(f"{p.file}\t{p.start:.2f}\t{p.end:.2f}\t{p.relevance:.4f}")
    if previews:
        print(f"wrote {len(previews)} previews and {out / PLAYLIST_NAME}", file=sys.stderr)
    return 0 if previews else EXIT_USER_ERROR


def register(subparsers) -> None:
    r = subparsers.add_parser("rank", help="rank the tracks and excerpts (passages) of a collection table")
    r.add_argument("results", help="folder written by 'analyze --batch DIR -o FOLDER' (or its collection.json)")
    r.add_argument("--by", default="relevance", help="'relevance' or 'class:<name>' (default: relevance)")
    r.add_argument("--what", choices=["tracks", "excerpts", "both"], default="both",
                   help="tracks, excerpts (each track's best passages) or both (default both)")
    r.add_argument("-n", "--limit", type=int, default=20, help="how many to list (default 20)")
    r.add_argument("--format", choices=["table", "json"], default="table")
    r.set_defaults(func=cmd_rank)

    p = subparsers.add_parser("preview", help="write N seconds around each track's best passage + an M3U playlist")
    p.add_argument("source", metavar="TRACK|DIR")
    p.add_argument("--seconds", type=float, default=15.0, help="preview length (default 15)")
    p.add_argument("-o", "--output", default="previews", help="output folder (default: ./previews)")
    p.add_argument("--by", default="relevance", help="'relevance' (R_max) or 'class:<name>' (R·P of that class)")
    add_relevance_options(p)
    p.add_argument("--format", choices=["flac", "wav"], default="flac")
    p.add_argument("--experts", nargs="+", metavar="NAME|PATH")
    p.add_argument("--viewpoint", metavar="NAME")
    add_library_option(p)
    add_device_option(p)
    p.set_defaults(func=cmd_preview)
