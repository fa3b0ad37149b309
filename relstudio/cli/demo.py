"""``relstudio demo``: analyse the shipped demo track and print its most relevant moments.

Uses the shipped sound-class and genre experts (as the window enables them
on first start) and lists the top moments at least ``--spacing`` seconds apart
with :func:`relstudio.core.peaks.spaced_peaks`.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.cli.common import add_device_option, add_library_option, analyse_track, load_experts, open_library
from relstudio.core.errors import ParameterError


def cmd_demo(args) -> int:
    """Analyse the shipped demo track with the shipped sound-class and genre experts."""
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.device import choose_device, describe
    from relstudio.core.experts.choice import default_selection
    from relstudio.core.paths import demo_track
    from relstudio.core.peaks import spaced_peaks

    device = choose_device(args.device)
    library = open_library(args)
    chosen = default_selection(library)  # the sound-class and genre experts, as the window enables them
    if not chosen:
        raise ParameterError("no shipped experts found in trained_experts/; run 'make retrain' or 'relstudio train'")
    experts = load_experts(library, chosen, device=device)
    track = Path(args.track) if args.track else demo_track()
    clip, result = analyse_track(track, experts, cache=ProbabilityCache.default(), device=device)
    print(f"{clip.name}: {clip.duration:.1f} s, {result.n_segments} segments, analysed in {result.seconds:.2f} s "
          f"on {describe(device)}")
    print("experts: " + ", ".join(result.labels))
    winners = result.winner_labels()
    print(f"\nTop {args.top} relevant moments (R_max; winner = expert with the highest probability):")
    print(f"{'time':>9}  {'relevance':>9}  winner")
    moments = spaced_peaks(result.top_segments(len(winners)), positions=result.centres,
                           half_widths=args.spacing / 2, limit=args.top)
    for k in moments:
        t = result.centres[k]
        print(f"{int(t // 60):>4d}:{t % 60:04.1f}  {result.relevance[k]:9.3f}  {winners[k]}")
    share = {lab: winners.count(lab) / max(1, len(winners)) for lab in result.labels}
    print("\nwinner share over the track: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(share.items(), key=lambda kv: -kv[1])))
    print("\nTo open the window: run 'make run' on a machine with a display, or '.venv/bin/relstudio-gui "
          f"{track}'.")
    return 0


def register(subparsers) -> None:
    d = subparsers.add_parser("demo", help="analyse the shipped demo track and print its most relevant moments")
    d.add_argument("track", nargs="?", help="another track instead of the demo")
    d.add_argument("--top", type=int, default=10)
    d.add_argument("--spacing", type=float, default=5.0, help="minimum seconds between listed moments")
    add_library_option(d)
    add_device_option(d)
    d.set_defaults(func=cmd_demo)
