"""The house rules that code can check: engine/ knows no screen; the launcher stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
QT = {"PySide6", "shiboken6"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_never_imports_qt_or_app() -> None:
    offenders = {
        str(p.relative_to(ROOT)): _imports(p) & (QT | {"app"}) for p in (ROOT / "engine").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_sklearn_is_imported_only_where_the_teacher_is_trained() -> None:
    teacher = ROOT / "engine" / "distill" / "teacher.py"
    assert "sklearn" in _imports(teacher)
    files = [*(ROOT / "engine").rglob("*.py"), *(ROOT / "app").rglob("*.py")]
    assert [str(p.relative_to(ROOT)) for p in files if p != teacher and "sklearn" in _imports(p)] == []


def test_the_command_line_starts_without_qt_librosa_or_numba() -> None:
    code = (
        "import sys, app.launcher, engine.cli.main; "
        "print(sorted(m for m in ('PySide6', 'librosa', 'numba', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_profile_command_line_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "app.launcher", "profile", *a, "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    missing = run("show")
    assert missing.returncode == 2 and "no database at" in missing.stderr and not db.exists()
    assert run("reset").returncode == 0  # makes the database
    shown = run("show")
    assert shown.returncode == 0 and "Scoring layer (18)" in shown.stdout and "mood: valence" in shown.stdout
    assert run("export", str(tmp_path / "out.json")).returncode == 0
    (tmp_path / "broken.json").write_text("{not json")
    refused = run("import", str(tmp_path / "broken.json"))
    assert refused.returncode == 2 and "profile is unchanged" in refused.stderr
    assert run("import", str(tmp_path / "out.json")).returncode == 0
    assert run("reset").returncode == 0
    assert run("undo").returncode == 0


def _engine_unit(module: str) -> str | None:
    """The engine package (``engine.sim``) or top-level module (``engine.listening``) a module is in."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "engine" and len(parts) > 1 else None


def _exists(unit: str) -> bool:
    where = ROOT / Path(*unit.split("."))
    return where.is_dir() or where.with_suffix(".py").is_file()


def _engine_graph() -> dict[str, set[str]]:
    """Which of the engine's packages and top-level modules import which (at any depth, lazily too)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "engine").rglob("*.py"):
        unit = _engine_unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if unit is None:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for target in targets:
                other = _engine_unit(target)
                if other is not None and other != unit and _exists(other):
                    graph.setdefault(unit, set()).add(other)
    return graph


def test_the_engines_packages_import_each_other_without_a_cycle() -> None:
    graph = _engine_graph()
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


def _engine_modules_imported(path: Path) -> set[str]:
    """The engine modules a file imports, at any depth (lazy imports in functions too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "engine"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "engine":
                found |= {f"engine.{a.name}" for a in node.names}
            elif node.module.startswith("engine."):
                found.add(node.module)
    return found


def test_app_reaches_the_engine_only_through_its_door() -> None:
    """app/ imports engine.api and nothing else of the engine (see engine/api.py)."""
    offenders = {
        str(p.relative_to(ROOT)): sorted(_engine_modules_imported(p) - {"engine.api"})
        for p in (ROOT / "app").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    seen = _engine_modules_imported(ROOT / "app" / "controller.py")
    assert seen == {"engine.api"}, "the check sees the controller's imports"


def test_every_name_the_door_lists_is_there() -> None:
    import engine.api

    missing = [name for name in engine.api.__all__ if not hasattr(engine.api, name)]
    assert missing == []


SESSION_INSIDES = {"queue", "learner", "context", "ranker", "index", "library", "last_ranking", "current"}


def test_app_uses_the_listening_session_by_its_operations_not_its_insides() -> None:
    """No ``session.queue``, ``session.learner``...: the session's own methods are the door."""
    found = []
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute) and node.attr in SESSION_INSIDES:
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name == "session":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} session.{node.attr}")
    assert found == []
