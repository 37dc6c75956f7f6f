"""Nothing an author writes can put script into the site: every field is escaped, raw HTML in
Markdown is shown as text, and links with unsafe schemes are dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from site_builder.cli import main

ATTACK = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"


class _ScriptFinder(HTMLParser):
    """Collects every script element and every event-handler attribute a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        """Each script element: its src, or its inline text."""
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag == "script":
            kind, src = dict(attrs).get("type"), dict(attrs).get("src")
            self._script = [] if kind != "text/pagefind-template" else None  # a template is not run
            if src is not None:
                self.scripts.append(f"src={src}")
                self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script).strip())
            self._script = None


def test_author_text_never_becomes_script(make_content, tmp_path: Path) -> None:
    quoted = ATTACK.replace("\\", "\\\\").replace('"', '\\"')
    content = make_content(
        edits={
            "credentials/alpha.md": [
                ["title: Alpha Skill", f'title: "Alpha {quoted}"'],
                ["competency: The educator checks", f'competency: "{quoted} The educator checks'],
                ["plans the next lesson from it.", 'plans the next lesson from it."'],
                ["passing: Every criterion at Demonstrated.", f'passing: "{quoted}"'],
                ["authority: NC DPI", f'authority: "{quoted}"'],
                [
                    "Alpha is a quick end-of-lesson check.",
                    f"Alpha {ATTACK}\n\n<div onclick=alert(4)>raw</div>\n\n[click](javascript:alert(5)) "
                    "[data](data:text/html,<script>alert(6)</script>) ![img](javascript:alert(7)) "
                    "<javascript:alert(8)>",
                ],
            ],
            "stacks/pair.yaml": [["title: Alpha and Beta", f'title: "Pair {quoted}"']],
        }
    )
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--base-url", "https://o.github.io/r/"]) == 0

    ours = {'document.documentElement.classList.add("js")', "src=/r/assets/search.js"}
    for page in out.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        finder = _ScriptFinder()
        finder.feed(page.read_text(encoding="utf-8"))
        assert finder.handlers == [], page
        assert [s for s in finder.scripts if s not in ours] == [], page
        assert not [u for u in finder.urls if u != "data:," and re.match(r"\s*(javascript|data|vbscript):", u, re.I)], (
            page
        )
    alpha = (out / "credentials/alpha/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alpha  # shown as text, not run
    assert "&lt;div onclick=alert(4)&gt;raw&lt;/div&gt;" in alpha
    for name in ("credential.json", "achievement.json"):
        assert "<script>alert(1)</script>" in (out / "credentials/alpha" / name).read_text()  # JSON keeps data as data
