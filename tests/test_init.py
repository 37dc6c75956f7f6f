"""`credcat init`: a catalog repository of its own that validates, builds and publishes nothing yet."""

from __future__ import annotations

from pathlib import Path

import yaml

from site_builder.build import tool_version
from site_builder.cli import main


def test_a_new_catalog_validates_and_builds_strictly_and_publishes_no_draft(tmp_path: Path, capsys) -> None:
    catalog = tmp_path / "district-catalog"
    assert main(["init", str(catalog)]) == 0
    assert "credcat validate --strict" in capsys.readouterr().out
    content, out = catalog / "content", tmp_path / "site"
    assert main(["validate", "--content", str(content), "--strict"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "--content", str(content), "--out", str(out), "--strict", "--no-search"]) == 0
    assert not (out / "credentials" / "example-skill").exists()
    assert not (out / "stacks" / "example-stack").exists()
    assert sorted(p.name for p in (out / "credentials").iterdir()) == ["index.html"]
    assert "0 micro-credentials" in (out / "credentials" / "index.html").read_text(encoding="utf-8")
    # Set the examples active and they publish, still with no warning.
    for path in [*(content / "credentials").glob("*.md"), content / "stacks" / "example-stack.yaml"]:
        path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: active"), encoding="utf-8")
    assert main(["build", "--content", str(content), "--out", str(out), "--strict", "--no-search"]) == 0
    assert (out / "credentials" / "example-skill" / "index.html").is_file()
    assert (out / "stacks" / "example-stack" / "index.html").is_file()


def test_the_workflow_pins_the_tool_validates_strictly_and_runs_weekly(tmp_path: Path, capsys) -> None:
    assert main(["init", str(tmp_path / "c"), "--tool-url", "https://git.example.org/tools/credential-catalog"]) == 0
    workflow = yaml.safe_load((tmp_path / "c" / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"] and "push" in triggers
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    version = tool_version()
    assert f'pip install "credential-catalog @ git+https://git.example.org/tools/credential-catalog@v{version}"' in runs
    assert "credcat validate --content content --strict" in runs
    build = next(run for run in runs if run.startswith("credcat build"))
    assert "--strict" in build and "steps.pages.outputs.base_url" in build
    uses = {step.get("uses", "").split("@")[0] for step in steps} | {
        step.get("uses", "").split("@")[0] for step in workflow["jobs"]["deploy"]["steps"]
    }
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    readme = (tmp_path / "c" / "README.md").read_text(encoding="utf-8")
    assert version in readme and ".venv/bin/credcat serve" in readme


def test_init_refuses_a_folder_that_holds_anything(tmp_path: Path, capsys) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    assert main(["init", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_a_new_catalog_carries_the_schemas_for_its_editor(tmp_path: Path, capsys) -> None:
    from site_builder.schemas import published_schemas

    assert main(["init", str(tmp_path / "c")]) == 0
    for name, data in published_schemas().items():
        assert (tmp_path / "c" / "schemas" / name).read_bytes() == data
    settings = (tmp_path / "c" / ".vscode" / "settings.json").read_text(encoding="utf-8")
    assert '"./schemas/stack.schema.json": "content/stacks/*.yaml"' in settings
    site = (tmp_path / "c" / "content" / "site.yaml").read_text(encoding="utf-8")
    assert site.startswith("# yaml-language-server: $schema=../schemas/site.schema.json\n")
