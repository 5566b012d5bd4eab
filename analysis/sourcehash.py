"""The hash of the code a stage runs: its module and every ``analysis`` module it imports.

A stage's output depends on its code as much as on its inputs, so the code is part of
its fingerprint: edit a function a stage uses and that stage (and what reads its
tables) re-runs. Modules are compared by their syntax tree with docstrings removed, so
comments, docstrings and formatting never re-run anything. Imports are followed
transitively, function-level imports included; a module also depends on the packages
that hold it (their ``__init__`` runs on import). Code outside ``analysis`` is not
hashed: package versions are recorded in each table's provenance instead.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

PACKAGE = "analysis"
_ROOT = Path(__file__).resolve().parent


def code_hash(module: str) -> str:
    """One hash over ``module`` and every ``analysis`` module it imports, transitively."""
    parts = [f"{name} {module_hash(name)}" for name in closure(module)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def closure(module: str) -> tuple[str, ...]:
    """``module`` and the ``analysis`` modules it imports, directly or not, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name))
    return tuple(sorted(seen))


@cache
def module_hash(module: str) -> str:
    """:func:`source_hash` of an ``analysis`` module (cached per process)."""
    return source_hash(source_file(module).read_text(encoding="utf-8"))


def source_hash(source: str) -> str:
    """SHA-256 of Python source's syntax tree without docstrings: comments, docstrings
    and formatting do not change it."""
    tree = _strip_docstrings(ast.parse(source))
    return hashlib.sha256(ast.dump(tree).encode("utf-8")).hexdigest()


def source_file(module: str) -> Path:
    """The file of an ``analysis`` module or package, found without importing it."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        raise ValueError(f"{module!r} is not a module of the {PACKAGE!r} package")
    base = _ROOT.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    raise ModuleNotFoundError(f"no source file for module {module!r} under {_ROOT}")


@cache
def _imports(module: str) -> tuple[str, ...]:
    """The ``analysis`` modules ``module`` imports, and the packages that hold it."""
    found = set(_packages(module))
    for node in ast.walk(_parse(module)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            # `from analysis import schema` imports the module analysis.schema
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            if (name == PACKAGE or name.startswith(PACKAGE + ".")) and _exists(name):
                found.add(name)
                found.update(_packages(name))
    found.discard(module)
    return tuple(sorted(found))


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module or ""
    package = module if source_file(module).name == "__init__.py" else module.rpartition(".")[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def _packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _exists(module: str) -> bool:
    try:
        source_file(module)
    except ModuleNotFoundError:
        return False  # a name imported from a module (a function, a class), not a module
    return True


def _parse(module: str) -> ast.Module:
    path = source_file(module)
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strip_docstrings(tree: ast.Module) -> ast.Module:
    """``tree`` without its module, class and function docstrings (changed in place)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and _is_text(first.value):
                node.body = node.body[1:]
    return tree


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
