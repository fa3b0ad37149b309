"""``relstudio analyze``: relevance of one track, or of a whole collection with ``--batch DIR``.

One track: the segments (with level, evidence, window and passage) as CSV, JSON (also the
windows and passages) or the passages as labels, on stdout (or ``-o``); ``--resolution``,
``--min-passage``, ``--min-gap`` and ``--no-audibility`` set the :class:`RelevanceSettings`.
``--batch`` hands over to :func:`relstudio.cli.collection.cmd_batch`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from relstudio.cli.collection import cmd_batch
from relstudio.cli.common import (add_device_option, add_library_option, add_relevance_options, analyse_track,
                                  expert_names, load_experts, open_library, relevance_settings)
from relstudio.core.errors import ParameterError


def cmd_analyze(args) -> int:
    if args.batch:
        if args.track:
            raise ParameterError("give either a TRACK or --batch DIR, not both")
        return cmd_batch(args)
    if args.viewpoint and not args.experts:
        args.experts = expert_names(args, None)  # read before the TRACK check, so a bad viewpoint is named
    if not args.track:
        raise ParameterError("analyze needs a TRACK (or --batch DIR)")
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.device import choose_device
    from relstudio.core.outputs import write_output
    from relstudio.core.export import write_segments

    device = choose_device(args.device)
    library = open_library(args)
    experts = load_experts(library, expert_names(args, library), device=device)
    cache = None if args.no_cache else ProbabilityCache.default()
    settings = relevance_settings(args)
    _, result = analyse_track(args.track, experts, cache=cache, device=device, settings=settings)
    text = write_segments(result, fmt=args.format, threshold=args.threshold)
    if args.output:
        where = write_output(args.output, text.encode("utf-8"))
        print(f"wrote {result.n_segments} segments to {where}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers) -> None:
    a = subparsers.add_parser("analyze", help="relevance and passages of one track (or --batch DIR: a whole collection)")
    a.add_argument("track", nargs="?", help="audio file (WAV/FLAC/OGG/MP3/…)")
    a.add_argument("--batch", metavar="DIR", help="analyse every track under DIR into a collection table in -o FOLDER")
    a.add_argument("--viewpoint", metavar="NAME", help="the experts of a saved viewpoint (see 'relstudio viewpoints')")
    a.add_argument("--workers", type=int, metavar="N",
                   help="--batch: CPU worker processes (default: one per core for ≥ 1 h of audio on ≥ 4 cores)")
    a.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="--batch on a Dask distributed cluster")
    a.add_argument("--relnet", metavar="PATH|none", help="--batch: classify with this RELNET file (default: one "
                   "trained on the same experts if the library has it, else SUM fusion)")
    a.add_argument("--experts", nargs="+", metavar="NAME|PATH", help="experts by label or file (default: all usable)")
    add_library_option(a, help="expert folders instead of the default library")
    a.add_argument("--format", choices=["csv", "json", "audacity", "sv", "raven"], default="csv",
                   help="csv: one row per segment; json: segments, windows and passages; audacity, sv, raven: "
                   "the passages as labels (default csv)")
    a.add_argument("--threshold", type=float, default=None,
                   help="window relevance (R_max) a passage needs (default: the top fraction of audible windows)")
    add_relevance_options(a)
    a.add_argument("-o", "--output", help="write here instead of stdout ('-': stdout; a device or FIFO is written "
                   "into, never replaced)")
    add_device_option(a)
    a.add_argument("--no-cache", action="store_true", help="do not read or write the probability cache")
    a.set_defaults(func=cmd_analyze)
