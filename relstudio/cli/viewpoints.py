"""``relstudio viewpoints list|save|show|delete``: named sets of experts.

A viewpoint is saved by :mod:`relstudio.core.viewpoints`; ``save`` refuses
expert names the library does not know. ``analyze --viewpoint`` and
``preview --viewpoint`` use the saved experts.
"""

from __future__ import annotations

import json
import sys

from relstudio.cli.common import add_library_option, open_library
from relstudio.core.errors import ParameterError


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
        library = open_library(args)
        for key in args.experts:  # refuse names the library does not know
            library.find(key)
        print(save_viewpoint(Viewpoint(args.name, tuple(args.experts), args.description or "")))
    elif args.action == "show":
        print(json.dumps(load_viewpoint(args.name).to_dict(), indent=1))
    else:
        delete_viewpoint(args.name)
    return 0


def register(subparsers) -> None:
    v = subparsers.add_parser("viewpoints", help="list, save, show or delete named sets of experts")
    v.add_argument("action", choices=["list", "save", "show", "delete"])
    v.add_argument("name", nargs="?")
    v.add_argument("--experts", nargs="+", metavar="LABEL|FINGERPRINT")
    v.add_argument("--description", default="")
    add_library_option(v)
    v.set_defaults(func=cmd_viewpoints)
