"""``relstudio experts list|show|check``: the expert library and single expert files.

``list`` prints one line per file in the library (usable or not, and why);
``show PATH`` prints a file's JSON metadata; ``check PATH`` loads it fully
(checksum and shapes) and exits 2 when it cannot be used.
"""

from __future__ import annotations

import json

from relstudio.cli.common import add_library_option, open_library
from relstudio.core.errors import ParameterError


def cmd_experts(args) -> int:
    from relstudio.core.experts.expert_file import load_expert, read_expert_info

    if args.action == "list":
        library = open_library(args)
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
        raise ParameterError(f"'relstudio experts {args.action}' needs a PATH")
    if args.action == "show":
        info = read_expert_info(args.path)
        print(json.dumps({k: v for k, v in info.meta.items()}, indent=2, sort_keys=True))
        return 0
    expert = load_expert(args.path)  # check: full load with checksum and shape verification
    print(f"{args.path}: ok — expert {expert.label!r}, fingerprint {expert.fingerprint}")
    return 0


def register(subparsers) -> None:
    e = subparsers.add_parser("experts", help="list, show or check expert files")
    e.add_argument("action", choices=["list", "show", "check"])
    e.add_argument("path", nargs="?")
    add_library_option(e)
    e.set_defaults(func=cmd_experts)
