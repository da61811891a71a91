"""The shape of the code: one-way layers, no import cycles, small modules, a flow that only routes.

Reads every module's source (imports inside functions included) rather than importing it, so a
cycle hidden in a function body is found too. See docs/ARCHITECTURE.md for the picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aidflow", "workflows")
MAX_LINES = 400

# Lower layers never import higher ones. Longest prefix wins; screens (views, admin, commands,
# template tags, demo data) stand above every layer of their app.
LAYERS = {
    "aidflow.core": 0,
    "aidflow.env": 0,
    "aidflow.readonly_admin": 0,
    "aidflow.staticfiles": 0,
    "aidflow.audit": 1,  # writing the chain: everyone records, so it imports no other app
    "aidflow.regions": 2,
    "aidflow.policy": 3,
    "aidflow.calendars": 3,
    "aidflow.audit.selectors": 3,
    "aidflow.audit.exports": 4,
    "aidflow.audit.labels": 4,
    "workflows.models": 3,
    "workflows.medical_aid": 3,
    "aidflow.rolls": 3,
    "aidflow.accounts": 3,
    "aidflow.cases": 4,
    "aidflow.notify": 4,  # messages to applicants and their status page; the cases' services send them
    "workflows": 5,
    "aidflow.notices": 6,
    "aidflow.settlements": 6,
    "aidflow.payments": 6,
    "aidflow.reports": 6,
    "aidflow.subsidies": 5,  # premium subsidies: rosters from the rolls; payments pay them
    "aidflow.appeals": 5,  # reconsideration and lawsuits: the cases and the flow; the case page shows them
    "aidflow.recoveries": 6,  # revocations of approvals and settlements, and the money owed back
    "aidflow.api": 7,
    "aidflow.imports": 7,  # files brought in with a preview: the rolls, the register, policies and their simulation
    "aidflow.verifications": 7,  # patients asked about settlements: the settlements and the recoveries
    "aidflow.archive": 7,  # the paper archive: a case's dossier and a county's month, from every app's records
    "aidflow.ops": 7,  # backups' checks, probes, metrics: they read every app
    "aidflow": 9,  # the project: settings, urls, celery, wsgi
}
SCREENS = 8
SCREEN_PARTS = {"views", "admin", "management", "templatetags", "demo", "context_processors", "urls", "middleware"}
# The flow is a picture of the law: it may read the regions and its own process state, nothing else of ours.
FLOW_MAY_IMPORT = ("aidflow.regions", "workflows.models")


def module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _resolve(name: str) -> str | None:
    """The internal module a dotted name refers to (a module, or the module holding the attribute)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every internal module `module` imports, at any depth of its source."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def layer_of(module: str) -> int:
    parts = module.split(".")
    if SCREEN_PARTS & set(parts[1:]):
        return SCREENS
    best = max((prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")), key=len)
    return LAYERS[best]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: every group of modules that import each other in a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_walk_sees_imports_inside_functions():
    # The check itself must see what it guards against: a known edge and a nested import.
    assert "aidflow.cases.selectors" in GRAPH["aidflow.cases.services.tasks"]
    nested = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(nested) == [["a", "b", "c"]]
    tree = ast.parse("def f():\n    from aidflow.cases.models import Application\n")
    assert any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))


def test_no_import_cycles():
    cycles = strongly_connected(GRAPH)
    assert cycles == [], "modules importing each other in a circle: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_layers_point_one_way():
    wrong = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    ]
    assert wrong == []


def test_the_flow_imports_only_viewflow_and_regions():
    source = MODULES["workflows.medical_aid"].read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    ours = {name for name in imported if name.split(".")[0] in PACKAGES}
    assert all(name.startswith(FLOW_MAY_IMPORT) for name in ours), ours
    assert {name.split(".")[0] for name in imported} <= {"django", "viewflow", *PACKAGES}


@pytest.mark.parametrize("folder", [*PACKAGES, "tests", "benchmarks"])
def test_no_module_over_the_limit(folder):
    long = {
        str(path.relative_to(ROOT)): count
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
