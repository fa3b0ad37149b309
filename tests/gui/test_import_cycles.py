"""No import cycles inside relstudio.gui, module by module (lint-imports checks packages too).

Nothing here imports Qt: the import graph is read from the sources by grimp.
"""

import grimp

GUI = "relstudio.gui"


def _cycles(graph, package: str) -> list[list[str]]:
    """Strongly connected groups of more than one module among ``package``'s modules (Tarjan)."""
    inside = lambda m: m == package or m.startswith(package + ".")  # noqa: E731
    modules = sorted(m for m in graph.modules if inside(m))
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if not inside(w):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph, "pkg") == [["pkg.a", "pkg.b"]]


def test_no_import_cycles_inside_the_gui():
    graph = grimp.build_graph("relstudio", cache_dir=None)
    assert _cycles(graph, GUI) == []
