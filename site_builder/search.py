"""Search: index the finished site with Pagefind, from the pinned Python package (never a download)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class IndexingFailed(Exception):
    pass


def index_site(site: Path) -> None:
    """Build the Pagefind bundle into `site/pagefind/`; only pages marked data-pagefind-body are indexed."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind", "--silent"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise IndexingFailed((completed.stderr or completed.stdout).strip() or f"pagefind exited {completed.returncode}")
