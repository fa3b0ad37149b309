"""What every CLI command group shares: options, the progress bar, the expert library, errors.

Each command module (:mod:`relstudio.cli.analyze`, :mod:`~relstudio.cli.collection`, …)
imports from here and from ``relstudio.core`` only; this module imports no
other CLI module, so the command modules never import each other through it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from relstudio.core.errors import ParameterError

EXIT_USER_ERROR = 2
DEVICES = ["auto", "cpu", "cuda"]
NO_EXPERTS = "no usable experts found; pass --experts NAME|PATH or train some with 'relstudio train'"


def add_device_option(parser) -> None:
    """``--device auto|cpu|cuda`` (default auto)."""
    parser.add_argument("--device", choices=DEVICES, default="auto")


def add_library_option(parser, *, help: str | None = None) -> None:
    """``--library DIR …``: expert folders instead of the default library."""
    parser.add_argument("--library", nargs="+", metavar="DIR", help=help)


def user_error(text: str) -> int:
    """Print one ``relstudio: error: …`` line on stderr; returns the exit code for a user error."""
    print(f"relstudio: error: {text}", file=sys.stderr)
    return EXIT_USER_ERROR


def warn(source, text: str) -> None:
    print(f"warning: {source}: {text}", file=sys.stderr)


def progress_bar(task, *, desc: str, enabled: bool | None = None, on_progress=None):
    """Drive a core task, showing tqdm on a terminal; returns the task's result.

    Without a bar (``enabled`` false, or stderr not a terminal) each Progress
    goes to ``on_progress`` instead, when given.
    """
    from relstudio.core.progress import run_task

    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return run_task(task, on_progress)
    from tqdm import tqdm

    with tqdm(total=1000, desc=desc, unit="‰", leave=False, file=sys.stderr) as bar:
        def update(p):
            bar.n = int(p.fraction * 1000)
            if p.message:
                bar.set_postfix_str(p.message, refresh=False)
            bar.refresh()
        return run_task(task, update)


def open_library(args):
    """The expert library: ``--library`` folders when given, else the default (shipped + user) folders."""
    from relstudio.core.experts.library import ExpertLibrary

    folders = None
    if getattr(args, "library", None):
        folders = [(Path(p), "user") for p in args.library]
    return ExpertLibrary(folders)


def expert_names(args, library) -> list[str]:
    """``--experts`` names, else the ``--viewpoint``'s, else every usable expert."""
    if getattr(args, "experts", None):
        return list(args.experts)
    if getattr(args, "viewpoint", None):
        from relstudio.core.viewpoints import load_viewpoint

        return list(load_viewpoint(args.viewpoint).experts)
    names = [e.label for e in library.usable()]
    if not names:
        raise ParameterError(NO_EXPERTS)
    return names


def load_experts(library, names, *, device) -> list:
    """Load the experts ``names`` (labels, fingerprints or paths) from ``library`` onto ``device``."""
    return [library.load(library.find(n), device=device) for n in names]


def add_relevance_options(parser) -> None:
    """``--resolution``, ``--min-passage``, ``--min-gap``, ``--top-fraction``, ``--no-audibility``
    (the :class:`~relstudio.core.relevance_settings.RelevanceSettings`; defaults as in docs/relevance.md)."""
    from relstudio.core.relevance_settings import RESOLUTIONS, RelevanceSettings

    d = RelevanceSettings()
    choices = [str(r) if r == "segment" else f"{r:g}" for r in RESOLUTIONS]
    parser.add_argument("--resolution", choices=choices, default=f"{d.resolution:g}",
                        help=f"window length in seconds, or 'segment' for the raw segments (default {d.resolution:g})")
    parser.add_argument("--min-passage", type=float, default=d.min_passage, metavar="SECONDS",
                        help=f"drop passages shorter than this (default {d.min_passage:g})")
    parser.add_argument("--min-gap", type=float, default=d.min_gap, metavar="SECONDS",
                        help=f"merge passages closer than this (default {d.min_gap:g})")
    parser.add_argument("--top-fraction", type=float, default=d.top_fraction, metavar="F",
                        help=f"passages come from the top F of the audible windows (default {d.top_fraction:g})")
    parser.add_argument("--no-audibility", action="store_true",
                        help="every segment is evidence, silence and hiss included (the paper's raw curve)")


def relevance_settings(args):
    """The :class:`RelevanceSettings` of the options added by :func:`add_relevance_options`."""
    from relstudio.core.relevance_settings import RelevanceSettings

    return RelevanceSettings(audibility=not args.no_audibility, resolution=args.resolution,
                             min_passage=args.min_passage, min_gap=args.min_gap, top_fraction=args.top_fraction)


def analyse_track(track, experts, *, cache, device, settings=None):
    """Decode ``track`` at the experts' rate and analyse it under ``settings`` (warnings on stderr);
    returns (clip, analysis)."""
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio

    clip = load_audio(track, rate=experts[0].info.frontend.sample_rate)
    for w in clip.warnings:
        warn(clip.source, w)
    result = progress_bar(analyze(clip, experts, cache=cache, device=device, keep_mel=False, settings=settings),
                          desc=clip.name)
    for w in result.warnings:
        warn(clip.source, w)
    return clip, result
