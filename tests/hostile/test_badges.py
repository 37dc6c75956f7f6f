"""Hostile badge images: catalog.badges refuses every way an SVG can carry script or reach outside itself,
and still accepts the badges real editors export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.badges import ACCEPTED_SUFFIXES, MAX_BADGE_BYTES, badge_problems

HERE = Path(__file__).parent
REPO = HERE.parent.parent
NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, attrs: str = "") -> bytes:
    return f"<svg {NS} {XLINK} viewBox='0 0 10 10'{attrs}>{body}</svg>".encode()


SCRIPT_SVG = f"<svg {NS}><script>alert(document.domain)</script></svg>"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""

HOSTILE = [
    ("script", SCRIPT_SVG.encode(), ".svg", "<script>"),
    (
        "prefixed script",
        b'<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>',
        ".svg",
        "<script>",
    ),
    ("utf-16le script", b"\xff\xfe" + SCRIPT_SVG.encode("utf-16-le"), ".svg", "<script>"),
    ("utf-16be script", b"\xfe\xff" + SCRIPT_SVG.encode("utf-16-be"), ".svg", "<script>"),
    (
        "utf-16 declared",
        ('<?xml version="1.0" encoding="UTF-16"?>' + SCRIPT_SVG).encode("utf-16"),
        ".svg",
        "<script>",
    ),
    ("entity javascript in <a>", svg('<a href="&#106;avascript:alert(1)"><rect/></a>'), ".svg", "<a>"),
    ("entity javascript in <use>", svg('<use xlink:href="&#x6a;avascript:alert(1)"/>'), ".svg", "javascript:"),
    ("javascript with tab", svg('<use href="java&#9;script:alert(1)"/>'), ".svg", "links to"),
    ("onload on root", svg("", ' onload="alert(1)"'), ".svg", "event handler attribute 'onload' on <svg>"),
    ("uppercase onclick", svg('<rect ONCLICK="alert(1)"/>'), ".svg", "'ONCLICK'"),
    (
        "prefixed event handler",
        svg('<rect xmlns:ev="http://www.w3.org/2001/xml-events" ev:onclick="alert(1)"/>'),
        ".svg",
        "event handler",
    ),
    ("foreignObject", svg("<foreignObject><div>hi</div></foreignObject>"), ".svg", "<foreignObject>"),
    ("set href", svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'), ".svg", "<a>"),
    ("set in use", svg('<use href="#a"><set attributeName="href" to="javascript:alert(1)"/></use>'), ".svg", "<set>"),
    (
        "animate href",
        svg('<use href="#a"><animate attributeName="href" values="javascript:alert(1)"/></use>'),
        ".svg",
        "<animate>",
    ),
    ("animation timing attribute", svg('<rect begin="0s"/>'), ".svg", "'begin'"),
    ("billion laughs", BILLION_LAUGHS, ".svg", "DTD"),
    ("external entity", EXTERNAL_ENTITY, ".svg", "DTD"),
    ("undeclared entity", svg("<text>&xxe;</text>"), ".svg", "well-formed"),
    (
        "xml-stylesheet",
        b'<?xml version="1.0"?><?xml-stylesheet href="evil.css"?>' + svg("<rect/>"),
        ".svg",
        "<?xml-stylesheet",
    ),
    ("processing instruction inside", svg("<?php echo 1 ?><rect/>"), ".svg", "processing instruction"),
    ("style @import", svg("<style>@import url(https://evil/x.css);</style>"), ".svg", "@import"),
    ("style escaped url", svg(r"<style>rect{fill:\75 rl(https://evil/x.svg#a)}</style>"), ".svg", "url(https://evil"),
    ("style commented url", svg("<style>rect{fill:u/**/rl(https://evil)}</style>"), ".svg", "url(https://evil"),
    ("style image-set", svg('<style>rect{fill:image-set("https://evil/x.png" 1x)}</style>'), ".svg", "image-set("),
    (
        "style attribute javascript url",
        svg('<rect style="background:url(javascript:alert(1))"/>'),
        ".svg",
        "javascript:",
    ),
    ("style attribute external url", svg("<rect style=\"fill:url('https://evil/x.svg#a')\"/>"), ".svg", "url(#id)"),
    ("fill external url", svg('<rect fill="url(https://evil/x.svg#a)"/>'), ".svg", "url(https://evil/x.svg#a)"),
    ("image external", svg('<image href="https://evil/track.png"/>'), ".svg", "https://evil/track.png"),
    ("image xlink relative", svg('<image xlink:href="photo.png"/>'), ".svg", "photo.png"),
    ("image svg data", svg('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'), ".svg", "<image>"),
    ("image lies about type", svg('<image href="data:image/png;base64,PHN2Zy8+"/>'), ".svg", "not the PNG"),
    ("image no href", svg("<image/>"), ".svg", "<image>"),
    ("use other file", svg('<use href="other.svg#x"/>'), ".svg", "'other.svg#x'"),
    ("use xlink external", svg('<use xlink:href="https://evil/sprite.svg#x"/>'), ".svg", "links to"),
    ("use data url", svg('<use href="data:image/svg+xml,&lt;svg/&gt;"/>'), ".svg", "links to 'data:"),
    ("gradient external", svg('<linearGradient xlink:href="https://evil/#g"/>'), ".svg", "links to"),
    ("xml:base", svg('<use href="#a" xml:base="javascript:alert(1)//"/>'), ".svg", "javascript:"),
    ("xml:base elsewhere", svg('<use href="#a" xml:base="https://evil/"/>'), ".svg", "'xml:base'"),
    ("xlink:title", svg('<use href="#a" xlink:title="x"/>'), ".svg", "'xlink:title'"),
    ("style behavior", svg('<rect style="behavior: url(#a)"/>'), ".svg", "behavior:"),
    ("xhtml iframe", svg('<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil"/>'), ".svg", "<html:iframe>"),
    (
        "xhtml script",
        svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
        ".svg",
        "<html:script>",
    ),
    (
        "script inside editor element",
        svg(
            '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"><script/></sodipodi:namedview>'
        ),
        ".svg",
        "<script>",
    ),
    (
        "rdf outside metadata",
        svg('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
        ".svg",
        "<RDF>",
    ),
    ("switch", svg("<switch><rect/></switch>"), ".svg", "<switch>"),
    ("malformed", b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', ".svg", "not well-formed XML"),
    ("empty svg", b"", ".svg", "not well-formed XML"),
    ("html root", b"<html><body><script>alert(1)</script></body></html>", ".svg", "root element is <html>"),
    ("svg without namespace", b"<svg><script>alert(1)</script></svg>", ".svg", "lacks xmlns"),
    ("exotic encoding", b'<?xml version="1.0" encoding="windows-1252"?>' + svg("<rect/>"), ".svg", "encoding"),
    ("oversized", svg("<rect/>") + b" " * MAX_BADGE_BYTES, ".svg", "1,001 KB"),
    ("oversized png", b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BADGE_BYTES, ".png", "KB"),
    (
        "png with jpeg bytes",
        b"\xff\xd8\xff\xe0" + b"\0" * 16,
        ".png",
        "is not a PNG file (its first bytes say it is a JPEG",
    ),
    ("png with svg text", SCRIPT_SVG.encode(), ".png", "is not a PNG file"),
    ("jpeg with text", b"hello", ".jpg", "is not a JPEG file"),
    ("gif empty", b"", ".gif", "empty"),
    ("webp riff without webp", b"RIFF\0\0\0\0WAVEfmt ", ".webp", "not a WebP"),
    ("bmp", b"BM" + b"\0" * 40, ".bmp", "not an image type badges may use"),
    ("html suffix", b"<p>hi</p>", ".html", "'.html'"),
]


@pytest.mark.parametrize(("data", "suffix", "expected"), [case[1:] for case in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_badges_are_refused(data: bytes, suffix: str, expected: str) -> None:
    problems = badge_problems(data, suffix)
    assert problems, "accepted a hostile badge"
    assert all(isinstance(problem, str) and problem for problem in problems)
    assert expected in " | ".join(problems)


GOOD_PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 20
BENIGN = [
    ("minimal", f'<svg {NS} viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#036"/></svg>'.encode(), ".svg"),
    ("declaration and utf-8 bom", b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n' + svg("<rect/>"), ".svg"),
    ("uppercase suffix", svg("<rect/>"), ".SVG"),
    (
        "utf-16 with bom",
        ('<?xml version="1.0" encoding="UTF-16"?>' + svg("<title>Café badge</title><rect/>").decode()).encode("utf-16"),
        ".svg",
    ),
    (
        "gradient and text",
        svg(
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
            '</defs><rect fill="url(#g)" style="fill: url( \'#g\' )"/><text>Hi<tspan>!</tspan></text>'
        ),
        ".svg",
    ),
    (
        "use same document",
        svg('<defs><symbol id="s"><path d="M0 0h1"/></symbol></defs><use href="#s" xlink:href=" #s"/>'),
        ".svg",
    ),
    ("embedded png", svg('<image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>'), ".svg"),
    ("embedded png with line breaks", svg('<image xlink:href="data:image/png;base64,iVBO\n  Rw0KGgo="/>'), ".svg"),
    (
        "comments and cdata",
        svg("<!-- made by hand --><style><![CDATA[ rect { fill: #036 } /* ok */ ]]></style><rect/>"),
        ".svg",
    ),
    ("png", GOOD_PNG, ".png"),
    ("jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 16, ".jpg"),
    ("jpeg", b"\xff\xd8\xff\xdb" + b"\0" * 16, ".jpeg"),
    ("gif87a", b"GIF87a" + b"\0" * 16, ".gif"),
    ("gif89a", b"GIF89a" + b"\0" * 16, ".gif"),
    ("webp", b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 16, ".webp"),
    ("exactly the limit", GOOD_PNG + b"\0" * (MAX_BADGE_BYTES - len(GOOD_PNG)), ".png"),
]
SAMPLES = sorted(HERE.glob("badges/*.svg"))


@pytest.mark.parametrize(("data", "suffix"), [case[1:] for case in BENIGN], ids=[c[0] for c in BENIGN])
def test_benign_badges_are_accepted(data: bytes, suffix: str) -> None:
    assert badge_problems(data, suffix) == []


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_editor_exports_are_accepted(path: Path) -> None:
    """Inkscape's bookkeeping (sodipodi:, inkscape:, RDF licence) and Illustrator's <style> classes are harmless."""
    assert badge_problems(path.read_bytes(), path.suffix) == []


REPO_BADGES = sorted(
    path
    for pattern in ("content/badges/*", "tests/fixtures/*/badges/*")
    for path in REPO.glob(pattern)
    if path.is_file() and path.suffix.lower() in ACCEPTED_SUFFIXES
)


def test_repository_badges_pass() -> None:
    """The sample catalog's own badges keep validating."""
    assert REPO_BADGES, "no sample badges found"
    failing = {str(p.relative_to(REPO)): badge_problems(p.read_bytes(), p.suffix.lower()) for p in REPO_BADGES}
    assert {path: problems for path, problems in failing.items() if problems} == {}


def test_echoed_values_are_truncated() -> None:
    payload = "javascript:" + "alert(1);" * 560
    problems = badge_problems(svg(f'<use href="{payload}"/><rect fill="url({payload})" style="x:{payload}"/>'), ".svg")
    joined = " | ".join(problems)
    assert problems and payload not in joined and len(joined) < 400


def test_control_characters_are_escaped() -> None:
    problems = badge_problems(svg('<use href="x&#127;[2J&#8238;evil"/>'), ".svg")
    joined = " | ".join(problems)
    assert "\x7f" not in joined and "\u202e" not in joined and "\\x7f" in joined and "\\u202e" in joined


def test_many_problems_are_capped() -> None:
    body = "".join(f'<rect on{name}="x"/>' for name in ("click", "load", "focus", "blur", "error", "abort", "drag"))
    problems = badge_problems(svg(body + "<script/>" * 50), ".svg")
    assert len(problems) == 6 and problems[-1] == "has 3 more problems"


@settings(deadline=500, max_examples=200, database=None)
@given(st.binary(max_size=2000), st.sampled_from([".svg", ".png", ".jpg", ".gif", ".webp", ".bmp"]))
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    problems = badge_problems(data, suffix)
    assert isinstance(problems, list) and all(isinstance(problem, str) for problem in problems)


@settings(deadline=500, max_examples=200, database=None)
@given(st.text(max_size=500))
def test_arbitrary_svg_content_never_raises(text: str) -> None:
    for body in (text, text.replace("&", "&amp;").replace("<", "&lt;")):
        problems = badge_problems(f"<svg {NS}>{body}</svg>".encode("utf-8", "surrogatepass"), ".svg")
        assert isinstance(problems, list) and all(isinstance(problem, str) for problem in problems)
