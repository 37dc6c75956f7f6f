"""A non-editable install carries the templates, schemas and quality profiles inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_ships_templates_schemas_and_profiles(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("credential_catalog-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "site_builder/templates/base.html",
        "site_builder/templates/partials/credential_label.html",
        "site_builder/templates/assets/site.css",
        "site_builder/skeletons/credential.md",
        "catalog/schema/credential.schema.yaml",
        "catalog/profiles/mpos-2024.yaml",
    }
    assert expected <= names
    for folder in ("site_builder/templates", "site_builder/skeletons", "catalog/schema", "catalog/profiles"):
        in_repo = {
            p.relative_to(REPO).as_posix()
            for p in (REPO / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert in_repo <= names, f"{folder}: not in the wheel: {sorted(in_repo - names)}"
