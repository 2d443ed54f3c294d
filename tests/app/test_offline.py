"""Nothing reaches the network at run time: the CLI and the app's first answer inside a network
namespace that has only loopback (`unshare -n`; needs root, as here and in CI)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import CITEQA, CORPUS, ROOT


@pytest.fixture
def isolated():
    """A command prefix that runs in a fresh network namespace with loopback up and nothing else."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        pytest.fail("`unshare -n` is not available: run the tests as root on Linux with util-linux installed")

    def run(command: str, timeout: int = 600) -> subprocess.CompletedProcess:
        script = f"ip link set lo up 2>/dev/null || true; {command}"
        return subprocess.run([unshare, "-n", "sh", "-c", script], capture_output=True, text=True, timeout=timeout)

    probe = run(f"{sys.executable} -c \"import socket; socket.create_connection(('pypi.org', 443), timeout=3)\"")
    assert probe.returncode != 0, "the namespace still reaches the network"
    return run


def test_cli_builds_the_index_and_answers_offline(isolated, tmp_path):
    result = isolated(
        f"CITEQA_CORPUS={CORPUS} CITEQA_INDEX={tmp_path / 'index'} "
        f"{CITEQA} ask 'How many police forces did the fieldwork cover?' --json"
    )
    assert result.returncode == 0, result.stderr
    assert '"found": true' in result.stdout and "fieldwork in six police forces" in result.stdout


def test_app_gives_its_first_answer_offline(isolated, tmp_path):
    result = isolated(f"{sys.executable} {ROOT / 'tests' / 'offline_app.py'} {CORPUS} {tmp_path / 'index'}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "super-complaint submitted by charity Hestia" in result.stdout
