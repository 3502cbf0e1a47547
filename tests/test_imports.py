"""The import graph between the assistant's packages is one-way: no package imports one that
imports it back, and the German language layer imports nothing above it."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parents[1] / "assistant"


def _layer(module: str) -> str:
    """``assistant.retrieval.lexical`` → ``retrieval``; a top-level module stands for itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else module


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(("assistant", *parts)).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant."):
                source, target = _layer(module), _layer(node.module or "")
                if source != target:
                    graph[source].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node):], node]
        if node in done:
            return []
        for target in sorted(graph.get(node, ())):
            if found := visit(target, [*path, node]):
                return found
        done.add(node)
        return []

    return next((c for node in sorted(graph) if (c := visit(node, []))), [])


def test_no_package_imports_its_importers() -> None:
    assert _cycle(_graph()) == []


def test_the_language_layer_sits_at_the_bottom() -> None:
    assert _graph()["german"] <= {"assistant.errors"}


def test_the_cycle_check_can_fail() -> None:
    assert _cycle({"retrieval": {"ingest"}, "ingest": {"retrieval"}}) == [
        "ingest", "retrieval", "ingest"]
