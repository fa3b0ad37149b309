"""Every file relstudio writes goes through a temp file + rename: no direct writes in the sources."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "relstudio"

# (file, function) pairs allowed to write directly, and why
ALLOWED = {
    ("gui/crash_log.py", "write_crash_log"): "appends to a log; a torn last line loses nothing",
    ("gui/startup_log.py", "mark"): "appends one line to a benchmark's start-up log (RELSTUDIO_STARTUP_LOG)",
    ("core/outputs.py", "_write_in_place"): "devices, FIFOs and /dev/stdout are written into, never replaced",
}
BUFFERS = {"buf", "buffer", "io", "stream"}


def _direct_writes(tree: ast.AST):
    """(function, line, call) of calls that write a file in place."""
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def function_of(node):
        while node in parents:
            node = parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node.name
        return "<module>"

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
        first = node.args[0] if node.args else None
        to_buffer = isinstance(first, ast.Name) and first.id in BUFFERS
        hit = False
        if name in ("write_text", "write_bytes"):
            hit = True
        elif name == "open" and owner in ("", "io", "builtins"):
            modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
            hit = any(isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
                      for m in modes)
        elif (owner, name) in (("torch", "save"), ("np", "save"), ("np", "savez"), ("np", "savez_compressed"),
                               ("sf", "write"), ("soundfile", "write")):
            hit = not to_buffer
        if hit:
            yield function_of(node), node.lineno, ast.unparse(node)[:80]


def test_no_direct_file_writes():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for function, line, call in _direct_writes(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, function) not in ALLOWED:
                found.append(f"relstudio/{rel}:{line} in {function}(): {call}")
    assert found == [], "write through relstudio.core.fileio.atomic_write_bytes:\n" + "\n".join(found)
    used = {(p.relative_to(PACKAGE).as_posix(), f) for p in PACKAGE.rglob("*.py")
            for f, _, _ in _direct_writes(ast.parse(p.read_text(encoding="utf-8")))}
    assert set(ALLOWED) <= used, "an allowed direct write no longer exists: drop it from ALLOWED"


def test_the_check_finds_a_direct_write():
    tree = ast.parse("def save(p, x):\n    p.write_text(x)\n    with open(p, 'w') as f:\n        f.write(x)\n"
                     "    np.savez(p, x=x)\n    np.savez(buf, x=x)\n")
    assert sorted((f, line) for f, line, _ in _direct_writes(tree)) == [("save", 2), ("save", 3), ("save", 5)]
