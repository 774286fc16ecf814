"""The import contracts (pyproject.toml) hold, and a broken one fails `lint-imports`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = str(Path(sys.executable).parent / "lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT, "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / package, tree / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout


def test_a_surface_import_in_the_core_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    (tree / "bot" / "clock.py").write_text(
        (tree / "bot" / "clock.py").read_text() + "\nimport slack_bolt  # noqa\n"
    )
    result = _lint(tree)
    assert result.returncode != 0
    assert "imports no surface" in result.stdout and "BROKEN" in result.stdout
    assert "bot.clock -> slack_bolt" in result.stdout


def test_a_circle_in_the_core_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    conversation = tree / "bot" / "conversation.py"
    conversation.write_text(conversation.read_text() + "\nimport bot.assistant  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "No import cycles" in result.stdout and "BROKEN" in result.stdout
