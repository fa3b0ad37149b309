"""``relstudio demo``: analyse the shipped demo track and print its most relevant passages.

Uses the shipped experts of one family, genre first (as the window enables them
on first start) and lists the best passages (:meth:`Analysis.view`, ranked by
peak relevance with :func:`relstudio.core.passages.rank_passages`): stretches
of audible windows above the top-10 % threshold, never silence or hiss.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.cli.common import (add_device_option, add_library_option, add_relevance_options, analyse_track,
                                  load_experts, open_library, relevance_settings)
from relstudio.core.errors import ParameterError


def clock(seconds: float) -> str:
    """``m:ss.s``."""
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def cmd_demo(args) -> int:
    """Analyse the shipped demo track with the shipped experts of one family (genre first)."""
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.device import choose_device, describe
    from relstudio.core.experts.choice import default_selection
    from relstudio.core.passages import rank_passages
    from relstudio.core.paths import demo_track

    if args.top < 1:
        raise ParameterError(f"--top must be ≥ 1, got {args.top}")
    device = choose_device(args.device)
    library = open_library(args)
    chosen = default_selection(library)  # one family (genre first), as the window enables them
    if not chosen:
        raise ParameterError("no shipped experts found in trained_experts/; run 'make retrain' or 'relstudio train'")
    experts = load_experts(library, chosen, device=device)
    track = Path(args.track) if args.track else demo_track()
    clip, result = analyse_track(track, experts, cache=ProbabilityCache.default(), device=device,
                                 settings=relevance_settings(args))
    view = result.view()
    print(f"{clip.name}: {clip.duration:.1f} s, {result.n_segments} segments, analysed in {result.seconds:.2f} s "
          f"on {describe(device)}")
    print("experts: " + ", ".join(result.labels))
    res = result.settings.resolution
    print(f"\n{len(view.passages)} passages ({view.share:.0%} of the track; windows of "
          f"{res if res == 'segment' else f'{res:g} s'}, threshold R_max {view.threshold:.3f}); "
          f"top {args.top} by peak relevance (winner = highest mean probability):")
    print(f"{'start–end':>15}  {'peak':>5}  {'mean':>5}  winner")
    labels = result.labels
    for p in rank_passages(view.passages, by="peak")[:args.top]:
        span = f"{clock(p.start)}–{clock(p.end)}"
        print(f"{span:>15}  {p.peak:5.3f}  {p.mean:5.3f}  {labels[p.winner]}")
    winners = result.winner_labels()
    share = {lab: winners.count(lab) / max(1, len(winners)) for lab in [*labels, "silence"]}
    print("\nwinner share over the track: " + ", ".join(f"{k} {v:.0%}" for k, v in
                                                         sorted(share.items(), key=lambda kv: -kv[1]) if v > 0))
    print("\nTo open the window: run 'make run' on a machine with a display, or '.venv/bin/relstudio-gui "
          f"{track}'.")
    return 0


def register(subparsers) -> None:
    d = subparsers.add_parser("demo", help="analyse the shipped demo track and print its most relevant passages")
    d.add_argument("track", nargs="?", help="another track instead of the demo")
    d.add_argument("--top", type=int, default=10, help="how many passages to list (default 10)")
    add_relevance_options(d)
    add_library_option(d)
    add_device_option(d)
    d.set_defaults(func=cmd_demo)
