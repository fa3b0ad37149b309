"""CLI for collections: ``analyze --batch DIR``, ``rank``, ``preview`` and ``viewpoints``.

Loaded by :mod:`relstudio.cli` as an extension (``register(subparsers)``);
uses ``relstudio.core`` only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from relstudio.core.errors import ParameterError


def _library(args):
    from relstudio.cli import _library as library

    return library(args)


def progress_bar(task, *, desc: str):
    from relstudio.cli import progress_bar as bar

    return bar(task, desc=desc)


def expert_names(args, library) -> list[str]:
    """``--experts`` names, else the ``--viewpoint``'s, else every usable expert."""
    if getattr(args, "experts", None):
        return list(args.experts)
    if getattr(args, "viewpoint", None):
        from relstudio.core.viewpoints import load_viewpoint

        return list(load_viewpoint(args.viewpoint).experts)
    names = [e.label for e in library.usable()]
    if not names:
        raise ParameterError("no usable experts found; pass --experts NAME|PATH or train some with 'relstudio train'")
    return names


def analyze_extension(args) -> int | None:
    """``analyze`` with ``--batch`` (run here) or ``--viewpoint`` for one track (sets ``args.experts``)."""
    if args.batch:
        if args.track:
            raise ParameterError("give either a TRACK or --batch DIR, not both")
        return cmd_batch(args)
    if args.viewpoint and not args.experts:
        args.experts = expert_names(args, None)
    return None


def cmd_batch(args) -> int:
    """``relstudio analyze --batch DIR -o FOLDER``."""
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import analyze_collection

    if not args.output:
        raise ParameterError("--batch needs -o FOLDER for the collection table (collection.csv, collection.json)")
    library = _library(args)
    entries = [library.find(n) for n in expert_names(args, library)]
    for e in entries:
        if not e.ok:
            raise ParameterError(f"expert {e.label!r} cannot be used: {e.error} [{e.path}]")
    cache = ProbabilityCache(None) if args.no_cache else ProbabilityCache.default()
    relnet = args.relnet
    if not relnet:
        from relstudio.core.collection.classify import find_relnet

        relnet = find_relnet([e.info.fingerprint for e in entries], [f for f, _ in library.folders])
    task = analyze_collection(args.batch, entries, output=Path(args.output), cache=cache, viewpoint=args.viewpoint,
                              relnet=None if relnet == "none" else relnet, workers=args.workers,
                              device=args.device, scheduler=args.scheduler)
    results = progress_bar(task, desc=f"collection {Path(args.batch).name}")
    s = results.stats
    speed = f", {s['realtime_factor']}× real time" if s.get("realtime_factor") else ""
    print(f"{len(results.rows)} tracks in the table: {s['analysed']} analysed, {s['reused']} already analysed, "
          f"{s['failed']} unreadable ({s['run_seconds']:.1f} s{speed}); classified by {results.classifier}",
          file=sys.stderr)
    for f in results.failures[:20]:
        print(f"  unreadable: {f['path']}: {f['reason']}", file=sys.stderr)
    if len(results.failures) > 20:
        print(f"  … and {len(results.failures) - 20} more (see collection.json)", file=sys.stderr)
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
    library = _library(args)
    experts = [library.load(library.find(n), device=device) for n in expert_names(args, library)]
    task = make_previews(tracks, experts, output=out, seconds=args.seconds, by=args.by, fmt=args.format,
                         cache=ProbabilityCache.default(), device=device)
    previews, failures = progress_bar(task, desc="previews")
    for f in failures:
        print(f"  unreadable: {f['path']}: {f['reason']}", file=sys.stderr)
    for p in previews:
        print(f"{p.file}\t{p.start:.2f}\t{p.end:.2f}\t{p.relevance:.4f}")
    if previews:
        print(f"wrote {len(previews)} previews and {out / PLAYLIST_NAME}", file=sys.stderr)
    return 0 if previews else 2


def cmd_viewpoints(args) -> int:
    from relstudio.core.viewpoints import Viewpoint, delete_viewpoint, load_viewpoint, save_viewpoint

    if args.action == "list":
        from relstudio.core.names import printable
        from relstudio.core.viewpoints import scan_viewpoints

        found, unusable = scan_viewpoints()
        for v in found:
            print(printable(f"{v.name:<20} {', '.join(v.experts)}  {v.description}", limit=2000))
        for path, why in unusable:
            print(printable(f"warning: {path}: UNUSABLE: {why}", limit=2000), file=sys.stderr)
        return 0
    if not args.name:
        raise ParameterError(f"'relstudio viewpoints {args.action}' needs a NAME")
    if args.action == "save":
        if not args.experts:
            raise ParameterError("'viewpoints save NAME' needs --experts LABEL|FINGERPRINT ...")
        library = _library(args)
        for key in args.experts:  # refuse names the library does not know
            library.find(key)
        print(save_viewpoint(Viewpoint(args.name, tuple(args.experts), args.description or "")))
    elif args.action == "show":
        print(json.dumps(load_viewpoint(args.name).to_dict(), indent=1))
    else:
        delete_viewpoint(args.name)
    return 0


def register(subparsers) -> None:
    r = subparsers.add_parser("rank", help="rank the tracks and excerpts of a collection table")
    r.add_argument("results", help="folder written by 'analyze --batch DIR -o FOLDER' (or its collection.json)")
    r.add_argument("--by", default="relevance", help="'relevance' or 'class:<name>' (default: relevance)")
    r.add_argument("--what", choices=["tracks", "excerpts", "both"], default="both")
    r.add_argument("-n", "--limit", type=int, default=20, help="how many to list (default 20)")
    r.add_argument("--format", choices=["table", "json"], default="table")
    r.set_defaults(func=cmd_rank)

    p = subparsers.add_parser("preview", help="write the most relevant N seconds of each track + an M3U playlist")
    p.add_argument("source", metavar="TRACK|DIR")
    p.add_argument("--seconds", type=float, default=15.0, help="preview length (default 15)")
    p.add_argument("-o", "--output", default="previews", help="output folder (default: ./previews)")
    p.add_argument("--by", default="relevance", help="'relevance' (R_max) or 'class:<name>' (R·P of that class)")
    p.add_argument("--format", choices=["flac", "wav"], default="flac")
    p.add_argument("--experts", nargs="+", metavar="NAME|PATH")
    p.add_argument("--viewpoint", metavar="NAME")
    p.add_argument("--library", nargs="+", metavar="DIR")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.set_defaults(func=cmd_preview)

    v = subparsers.add_parser("viewpoints", help="list, save, show or delete named sets of experts")
    v.add_argument("action", choices=["list", "save", "show", "delete"])
    v.add_argument("name", nargs="?")
    v.add_argument("--experts", nargs="+", metavar="LABEL|FINGERPRINT")
    v.add_argument("--description", default="")
    v.add_argument("--library", nargs="+", metavar="DIR")
    v.set_defaults(func=cmd_viewpoints)
