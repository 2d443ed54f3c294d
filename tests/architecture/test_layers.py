"""The package's architecture holds: imports run one way through its layers, the index stores stand
alone, and no modules import each other in a circle (import-linter, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from importlinter.cli import lint_imports

SRC = ROOT / "src" / "citeqa"


def test_the_import_contracts_are_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_module_is_over_450_lines():
    long = {str(p.relative_to(ROOT)): n for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > 450}
    assert not long, long


@pytest.mark.slow
@pytest.mark.parametrize(
    "module, added, broken",
    [
        # passages imports sentences; sentences importing passages closes a circle
        ("articles/sentences.py", "from citeqa.articles import passages", "No circles"),
        # the shared records importing the engine: an import running upwards
        ("records.py", "from citeqa import engine", "The package in layers"),
        # one store reaching into the other
        ("index/stores/folder/store.py", "from citeqa.index.stores.qdrant import points", "Each index store stands alone"),
        # the interface importing a store
        ("index/base.py", "from citeqa.index.stores.folder import store", "The index:"),
    ],
)
def test_a_circle_or_an_upward_import_breaks_a_contract(tmp_path, module, added, broken):
    copy = tmp_path / "src" / "citeqa"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / module
    target.write_text(target.read_text() + f"\n{added}  # noqa\n")
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()", "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0, run.stdout
    assert f"{broken}" in run.stdout and "BROKEN" in run.stdout, run.stdout
