"""Command line: ``relstudio analyze|experts|demo|train|evaluate|rank|preview|viewpoints``.

Uses ``relstudio.core`` only (an import-linter contract forbids Qt here). One
module per command group, each with a ``register(subparsers)`` listed in
:data:`COMMAND_GROUPS`; what they share is in :mod:`relstudio.cli.common`.
User errors print one line on stderr naming the file and the problem and
exit with code 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys

from relstudio import __version__
from relstudio.cli import analyze, collection, demo, experts, training, viewpoints
from relstudio.cli.common import EXIT_USER_ERROR, user_error

COMMAND_GROUPS = (  # in the order `relstudio --help` lists their commands
    analyze.register,  # analyze (--batch: collection.cmd_batch)
    experts.register,  # experts list|show|check
    demo.register,  # demo
    training.register,  # train, evaluate
    collection.register,  # rank, preview
    viewpoints.register,  # viewpoints
)

__all__ = ["EXIT_USER_ERROR", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relstudio", description="Segment relevance for audio analysis.")
    p.add_argument("--version", action="version", version=f"relstudio {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for register in COMMAND_GROUPS:
        register(sub)
    return p


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
        return user_error(str(exc))
    except KeyboardInterrupt:
        print("relstudio: interrupted; nothing half-written was left", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a read-only folder, a full disk: name the file, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        return user_error(f"{where}{exc.strerror or exc}")
