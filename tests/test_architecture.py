"""The boundaries of docs/architecture.md, checked on the source: who may import whom.

Every `import` statement is read (ast), at module level or inside a function. The
closure of a module follows only what loads when it is imported: module-level imports
outside `if TYPE_CHECKING:`.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("newsspider", "feeds")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}


def _imported(node: ast.AST, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: from the module's package
            base = module.rsplit(".", node.level)[0]
            return [f"{base}.{node.module}" if node.module else base]
        assert node.module is not None
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


@cache
def all_imports(module: str) -> frozenset[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return frozenset(name for node in ast.walk(tree) for name in _imported(node, module))


@cache
def load_time_imports(module: str) -> frozenset[str]:
    """Imports executed when `module` is imported (not in functions, not for type checking)."""
    names: set[str] = set()
    todo: list[ast.AST] = [ast.parse(MODULES[module].read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        names.update(_imported(node, module))
        todo += ast.iter_child_nodes(node)
    return frozenset(names)


def closure(module: str) -> set[str]:
    """Every module (ours and third-party, by top-level name) loaded by importing `module`."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parts = current.split(".")
        parents = [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += [p for p in parents if p in MODULES]
        if current in MODULES:
            todo += list(load_time_imports(current))
    return {name if name in MODULES else name.split(".")[0] for name in seen}


def _top(names) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_walk_sees_the_code():
    assert len(MODULES) > 80
    assert "scrapy" in closure("newsspider.pipelines")
    assert "feeds.export" in all_imports("feeds.output") or "feeds.export" in closure(
        "feeds.output"
    )


def test_nothing_in_newsspider_imports_feeds():
    offenders = {m: sorted(n for n in all_imports(m) if n.split(".")[0] == "feeds")
                 for m in MODULES if m.split(".")[0] == "newsspider"}  # fmt: skip
    assert {m: names for m, names in offenders.items() if names} == {}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("feeds")))
def test_feeds_never_loads_scrapy(module):
    assert not _top(closure(module)) & {"scrapy", "twisted"}


@pytest.mark.parametrize(
    "module",
    ["newsspider.articles", "newsspider.stats", "newsspider.db", "newsspider.db.read",
     "newsspider.pages", "newsspider.outputs", "newsspider.usecases", "newsspider.runs",
     "newsspider.cluster.ingest"],  # ingest stores articles, and starts without Scrapy
)  # fmt: skip
def test_the_core_is_scrapy_free(module):
    assert not _top(closure(module)) & {"scrapy", "twisted"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("newsspider.extract")))
def test_extract_never_loads_scrapy_or_the_database(module):
    loaded = closure(module)
    assert not _top(loaded) & {"scrapy", "twisted"}
    assert not {m for m in loaded if m.startswith("newsspider.db")}


def test_readers_never_load_the_numeric_stack():
    assert not _top(closure("newsspider.db.read")) & {
        "numpy",
        "scipy",
        "datasketch",
        "sqlite_utils",
    }
