"""Structure rules: the import contracts in pyproject.toml ([tool.importlinter]: no import loops,
dialog knowing nothing of assistant, the layers of both packages, offline libraries only in the
table regeneration), checked by import-linter's own `lint-imports`, and no function of the
product code longer than 80 lines."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 80


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if not found:
        pytest.fail("lint-imports not found: install the test extra (pip install -e '.[test]')")
    return found


def test_import_contracts_are_kept():
    # This checkout's packages first, ahead of any installed copy of them.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    proc = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert " 0 broken" in report and "BROKEN" not in report, report


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("package", ["dialog", "assistant", "voices", "weights"])
def test_no_function_of_the_product_exceeds_80_lines(package):
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources
    too_long = [f"{p.relative_to(ROOT)}:{line} {name} ({n} lines)"
                for p in sources for name, line, n in _functions(p) if n > MAX_FUNCTION_LINES]
    assert not too_long, f"split these (at most {MAX_FUNCTION_LINES} lines each): {too_long}"
