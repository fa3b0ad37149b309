"""Command line: ``relstudio analyze|experts|train|evaluate|rank|preview``.

Uses ``relstudio.core`` only (an import-linter contract forbids Qt here).
User errors print one line on stderr naming the file and the problem and
exit with code 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from relstudio import __version__

EXIT_USER_ERROR = 2


def progress_bar(task, *, desc: str, enabled: bool | None = None):
    """Drive a core task, showing tqdm on a terminal; returns the task's result."""
    from relstudio.core.progress import run_task

    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return run_task(task)
    from tqdm import tqdm

    with tqdm(total=1000, desc=desc, unit="‰", leave=False, file=sys.stderr) as bar:
        def update(p):
            bar.n = int(p.fraction * 1000)
            if p.message:
                bar.set_postfix_str(p.message, refresh=False)
            bar.refresh()
        return run_task(task, update)


def _library(args):
    from relstudio.core.experts.library import ExpertLibrary

    folders = None
    if getattr(args, "library", None):
        folders = [(Path(p), "user") for p in args.library]
    return ExpertLibrary(folders)


def _load_experts(args, library, device):
    names = args.experts or [e.label for e in library.usable()]
    if not names:
        from relstudio.core.errors import ParameterError

        raise ParameterError("no usable experts found; pass --experts NAME|PATH or train some with 'relstudio train'")
    return [library.load(library.find(n), device=device) for n in names]


def cmd_analyze(args) -> int:
    if args.batch or args.viewpoint:
        from relstudio.cli_collection import analyze_extension

        handled = analyze_extension(args)
        if handled is not None:
            return handled
    if not args.track:
        from relstudio.core.errors import ParameterError

        raise ParameterError("analyze needs a TRACK (or --batch DIR)")
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.device import choose_device
    from relstudio.core.export import write_segments

    device = choose_device(args.device)
    library = _library(args)
    experts = _load_experts(args, library, device)
    clip = load_audio(args.track, rate=experts[0].info.frontend.sample_rate)
    for w in clip.warnings:
        print(f"warning: {clip.source}: {w}", file=sys.stderr)
    cache = None if args.no_cache else ProbabilityCache.default()
    result = progress_bar(analyze(clip, experts, cache=cache, device=device, keep_mel=False), desc=clip.name)
    for w in result.warnings:
        print(f"warning: {clip.source}: {w}", file=sys.stderr)
    text = write_segments(result, fmt=args.format, threshold=args.threshold, top=args.top_fraction)
    if args.output:
        from relstudio.core.outputs import write_output

        where = write_output(args.output, text.encode("utf-8"))
        print(f"wrote {result.n_segments} segments to {where}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_experts(args) -> int:
    from relstudio.core.experts.expert_file import load_expert, read_expert_info

    if args.action == "list":
        library = _library(args)
        if not library.entries:
            print("no experts found in: " + ", ".join(str(f) for f, _ in library.folders))
        from relstudio.core.names import printable

        for e in library.entries:
            status = "ok" if e.ok else f"UNUSABLE: {e.error}"
            desc = e.info.description if e.info else ""
            fp = e.info.fingerprint if e.info else "-"
            print(printable(f"{e.label:<16} {fp:<16} {e.origin:<8} {status:<10} {desc}  [{e.path}]", limit=2000))
        return 0
    if not args.path:
        from relstudio.core.errors import ParameterError

        raise ParameterError(f"'relstudio experts {args.action}' needs a PATH")
    if args.action == "show":
        info = read_expert_info(args.path)
        print(json.dumps({k: v for k, v in info.meta.items()}, indent=2, sort_keys=True))
        return 0
    expert = load_expert(args.path)  # check: full load with checksum and shape verification
    print(f"{args.path}: ok — expert {expert.label!r}, fingerprint {expert.fingerprint}")
    return 0


def cmd_demo(args) -> int:
    """Analyse the shipped demo track with the shipped sound-class and genre experts."""
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.device import choose_device, describe
    from relstudio.core.errors import ParameterError
    from relstudio.core.experts.choice import default_selection
    from relstudio.core.paths import demo_track

    device = choose_device(args.device)
    library = _library(args)
    chosen = default_selection(library)  # the sound-class and genre experts, as the window enables them
    if not chosen:
        raise ParameterError("no shipped experts found in trained_experts/; run 'make retrain' or 'relstudio train'")
    experts = [library.load(library.find(fp), device=device) for fp in chosen]
    track = Path(args.track) if args.track else demo_track()
    clip = load_audio(track, rate=experts[0].info.frontend.sample_rate)
    result = progress_bar(analyze(clip, experts, cache=ProbabilityCache.default(), device=device, keep_mel=False),
                          desc=clip.name)
    print(f"{clip.name}: {clip.duration:.1f} s, {result.n_segments} segments, analysed in {result.seconds:.2f} s "
          f"on {describe(device)}")
    print("experts: " + ", ".join(result.labels))
    winners = result.winner_labels()
    print(f"\nTop {args.top} relevant moments (R_max; winner = expert with the highest probability):")
    print(f"{'time':>9}  {'relevance':>9}  winner")
    shown = []
    for k in result.top_segments(len(winners)):
        t = result.centres[k]
        if any(abs(t - s) < args.spacing for s in shown):
            continue
        shown.append(t)
        print(f"{int(t // 60):>4d}:{t % 60:04.1f}  {result.relevance[k]:9.3f}  {winners[k]}")
        if len(shown) >= args.top:
            break
    share = {lab: winners.count(lab) / max(1, len(winners)) for lab in result.labels}
    print("\nwinner share over the track: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(share.items(), key=lambda kv: -kv[1])))
    print("\nTo open the window: run 'make run' on a machine with a display, or '.venv/bin/relstudio-gui "
          f"{track}'.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relstudio", description="Segment relevance for audio analysis.")
    p.add_argument("--version", action="version", version=f"relstudio {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="relevance per segment of one track (or --batch DIR: a whole collection)")
    a.add_argument("track", nargs="?", help="audio file (WAV/FLAC/OGG/MP3/…)")
    a.add_argument("--batch", metavar="DIR", help="analyse every track under DIR into a collection table in -o FOLDER")
    a.add_argument("--viewpoint", metavar="NAME", help="the experts of a saved viewpoint (see 'relstudio viewpoints')")
    a.add_argument("--workers", type=int, metavar="N",
                   help="--batch: CPU worker processes (default: one per core for ≥ 1 h of audio on ≥ 4 cores)")
    a.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="--batch on a Dask distributed cluster")
    a.add_argument("--relnet", metavar="PATH|none", help="--batch: classify with this RELNET file (default: one "
                   "trained on the same experts if the library has it, else SUM fusion)")
    a.add_argument("--experts", nargs="+", metavar="NAME|PATH", help="experts by label or file (default: all usable)")
    a.add_argument("--library", nargs="+", metavar="DIR", help="expert folders instead of the default library")
    a.add_argument("--format", choices=["csv", "json", "audacity", "sv", "raven"], default="csv")
    a.add_argument("--threshold", type=float, default=None, help="relevance threshold for label formats")
    a.add_argument("--top-fraction", type=float, default=0.1, help="label the top fraction when no threshold (0.1)")
    a.add_argument("-o", "--output", help="write here instead of stdout ('-': stdout; a device or FIFO is written "
                   "into, never replaced)")
    a.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    a.add_argument("--no-cache", action="store_true", help="do not read or write the probability cache")
    a.set_defaults(func=cmd_analyze)

    e = sub.add_parser("experts", help="list, show or check expert files")
    e.add_argument("action", choices=["list", "show", "check"])
    e.add_argument("path", nargs="?")
    e.add_argument("--library", nargs="+", metavar="DIR")
    e.set_defaults(func=cmd_experts)

    d = sub.add_parser("demo", help="analyse the shipped demo track and print its most relevant moments")
    d.add_argument("track", nargs="?", help="another track instead of the demo")
    d.add_argument("--top", type=int, default=10)
    d.add_argument("--spacing", type=float, default=5.0, help="minimum seconds between listed moments")
    d.add_argument("--library", nargs="+", metavar="DIR")
    d.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    d.set_defaults(func=cmd_demo)

    for module in _EXTENSIONS:
        module.register(sub)
    return p


def _extensions():
    mods = []
    for name in ("relstudio.cli_train", "relstudio.cli_collection"):
        try:
            mods.append(__import__(name, fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return mods


_EXTENSIONS = _extensions()


def main(argv=None) -> int:
    from relstudio.core.errors import RelstudioError

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--selftest"]:  # the bundle's check: shipped experts × demo track, no display
        from relstudio.selftest import main as selftest

        return selftest(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RelstudioError as exc:
        print(f"relstudio: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("relstudio: interrupted; nothing half-written was left", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a read-only folder, a full disk: name the file, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"relstudio: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
