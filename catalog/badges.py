"""Badge image safety: whether the bytes of a badge file are a plain image and nothing more.

Badge images are copied into the public site as they are and served from its origin (on GitHub
Pages, `owner.github.io`, shared by every project site of that owner). An SVG is a document:
opened directly, its script runs with that origin, so one hostile badge is stored XSS. This
module therefore does not look for known-bad patterns; it parses the SVG as a browser would
(namespaces resolved, entities decoded, encodings applied) and accepts only an allowlist of
drawing elements and attributes, with references limited to the badge's own parts (`#id`).
Rasters are only checked to be what their suffix says. It is pure: it receives bytes.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import xml.etree.ElementTree as ElementTree
from typing import Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser

MAX_BADGE_BYTES = 1_000_000

# Magic bytes: what the first bytes of each raster type must be.
RASTER_SIGNATURES: dict[str, re.Pattern[bytes]] = {
    ".png": re.compile(rb"\A\x89PNG\r\n\x1a\n"),
    ".jpg": re.compile(rb"\A\xff\xd8\xff"),
    ".jpeg": re.compile(rb"\A\xff\xd8\xff"),
    ".gif": re.compile(rb"\AGIF8[79]a"),
    ".webp": re.compile(rb"\ARIFF.{4}WEBP", re.DOTALL),
}
_RASTER_NAMES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP"}
ACCEPTED_SUFFIXES = (".svg", *RASTER_SIGNATURES)

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
_PREFIXES = {SVG: "svg", XLINK: "xlink", XML: "xml", "http://www.w3.org/1999/xhtml": "html"}
# Editor bookkeeping (Inkscape): browsers ignore these elements and attributes entirely.
EDITOR_NAMESPACES = frozenset(
    {"http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"}
)
# Licence and author metadata (RDF, Dublin Core, Creative Commons): inert, allowed inside <metadata>.
METADATA_NAMESPACES = frozenset(
    {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://creativecommons.org/ns#",
    }
)

# What a badge draws with. Left out on purpose: script, foreignObject, a (navigation), animation
# (animate, set, animateMotion, animateTransform: they can rewrite href to javascript:), switch,
# feImage (loads other files), and anything in another namespace (XHTML, MathML).
SVG_ELEMENTS = frozenset(
    """svg g defs title desc metadata symbol use image style path rect circle ellipse line polyline polygon
    text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker filter feGaussianBlur
    feOffset feBlend feColorMatrix feFlood feComposite feMerge feMergeNode feDropShadow feComponentTransfer
    feFuncR feFuncG feFuncB feFuncA""".split()
)
# Geometry, presentation and accessibility. Event handlers (on*), xml:base, SMIL timing and the
# other xlink:* attributes are not here. href is judged separately (_href_problem).
SVG_ATTRIBUTES = frozenset(
    """id class style x y width height viewBox preserveAspectRatio version baseProfile d pathLength points
    x1 y1 x2 y2 cx cy r rx ry fx fy fr dx dy rotate transform transform-origin offset fill fill-opacity
    fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-dasharray
    stroke-dashoffset stroke-miterlimit clip-rule clip-path mask filter opacity color display visibility
    overflow vector-effect paint-order mix-blend-mode isolation stop-color stop-opacity flood-color
    flood-opacity color-interpolation color-interpolation-filters shape-rendering text-rendering
    image-rendering font-family font-size font-weight font-style font-variant font-stretch text-anchor
    dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing text-decoration
    writing-mode direction unicode-bidi textLength lengthAdjust startOffset gradientUnits gradientTransform
    spreadMethod patternUnits patternTransform patternContentUnits clipPathUnits maskUnits maskContentUnits
    markerWidth markerHeight refX refY orient markerUnits marker-start marker-mid marker-end filterUnits
    primitiveUnits enable-background stdDeviation in in2 result mode values type operator k1 k2 k3 k4
    slope intercept amplitude exponent tableValues media role aria-label aria-labelledby aria-describedby
    aria-hidden focusable lang""".split()
)
_XML_ATTRIBUTES = frozenset({"space", "lang"})
# Encodings expat decodes itself. Others go through Python codecs, which a browser may map
# differently (it may even prefer the HTTP charset), and then it would not read what we checked.
_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "iso-8859-1"})

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# One left-to-right pass, as a CSS tokenizer reads: a comment (escapes inside it are text), or an escape.
_CSS_COMMENT_OR_ESCAPE = re.compile(r"/\*.*?(?:\*/|\Z)|\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.)|\Z)", re.DOTALL)
_CSS_LOCAL_URL = re.compile(r"""url\((["']?)#[^"'()\\]*\1\)""")
_CSS_FORBIDDEN = (
    "javascript:",
    "vbscript:",
    "@import",
    "expression(",
    "image-set(",
    "src(",
    "-moz-binding",
    "behavior:",
)
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]*={0,2})", re.IGNORECASE)
_MAX_PROBLEMS = 5
_MAX_SHOWN = 40


def badge_problems(data: bytes, suffix: str) -> list[str]:
    """Why these bytes are not a plain, safe badge image of this type; empty when they are.

    `suffix` is the file's extension with its dot (".svg"). Each problem is a short clause that
    reads after "badge image 'badges/x.svg' ", e.g. "contains a <script> element".
    """
    suffix = suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        return [f"is a '{_show(suffix)}' file, not an image type badges may use ({', '.join(ACCEPTED_SUFFIXES)})"]
    if len(data) > MAX_BADGE_BYTES:
        size, limit = math.ceil(len(data) / 1000), MAX_BADGE_BYTES // 1000
        return [f"is {size:,} KB, more than the {limit:,} KB a badge may be"]
    if suffix == ".svg":
        return _capped(_svg_problems(data))
    return _capped(_raster_problems(data, suffix))


def _capped(problems: Iterator[str]) -> list[str]:
    """Distinct problems, at most a handful, so that one diagnostic line stays readable."""
    distinct = list(dict.fromkeys(problems))
    if len(distinct) > _MAX_PROBLEMS:
        more = len(distinct) - _MAX_PROBLEMS
        return [*distinct[:_MAX_PROBLEMS], f"has {more} more problem{'s' if more > 1 else ''}"]
    return distinct


def _raster_problems(data: bytes, suffix: str) -> Iterator[str]:
    """A raster cannot carry script, but it must be what its name says, or it is served as what it is not."""
    if RASTER_SIGNATURES[suffix].match(data):
        return
    name = _RASTER_NAMES[suffix]
    actual = next((_RASTER_NAMES[s] for s, sig in RASTER_SIGNATURES.items() if sig.match(data)), None)
    if not data:
        yield f"is not a {name} file (it is empty)"
    elif actual:
        yield f"is not a {name} file (its first bytes say it is a {actual} image)"
    elif data.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<", b"<\x00")):
        yield f"is not a {name} file (it is text that starts with '<', perhaps SVG or HTML)"
    else:
        yield f"is not a {name} file (its first bytes are {_show(repr(data[:8]))})"


class _Recorder:
    """The standard tree builder, plus the XML declaration's encoding and every processing instruction.

    ElementTree drops processing instructions, and TreeBuilder(insert_pis=True) keeps only those
    inside the root element, so an `<?xml-stylesheet?>` before `<svg>` would pass unseen.
    """

    def __init__(self) -> None:
        self.builder = ElementTree.TreeBuilder()
        self.instructions: list[str] = []
        self.encoding: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ElementTree.Element:
        return self.builder.start(tag, attrs)

    def end(self, tag: str) -> ElementTree.Element:
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def pi(self, target: str, text: str | None = None) -> None:
        self.instructions.append(target)

    def xml_declaration(self, version: str | None, encoding: str | None, standalone: int) -> None:
        self.encoding = encoding

    def close(self) -> ElementTree.Element:
        return self.builder.close()


def _svg_problems(data: bytes) -> Iterator[str]:
    """Parse as a browser would, then accept only drawing: see the module docstring."""
    recorder = _Recorder()
    parser = XMLParser(target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.parser.XmlDeclHandler = recorder.xml_declaration  # the expat parser defusedxml configures
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        yield "declares a DTD or entities (<!DOCTYPE …>), which badges may not use"
        return
    except (ElementTree.ParseError, ValueError, LookupError) as exc:  # encodings raise the last two
        yield f"is not well-formed XML: {_show(str(exc), 80)}"
        return
    if recorder.encoding is not None and recorder.encoding.lower() not in _ENCODINGS:
        yield f"declares the encoding '{_show(recorder.encoding)}'; badges must be UTF-8"
    for target in recorder.instructions:
        yield f"contains a processing instruction <?{_show(target)} …?>, which badges may not use"
    if root.tag != f"{{{SVG}}}svg":
        if root.tag == "svg":
            yield f'is not an SVG image: its <svg> root lacks xmlns="{SVG}"'
        else:
            yield f"is not an SVG image: its root element is <{_show_name(root.tag)}>, not <svg>"
        return
    yield from _tree_problems(root)


def _tree_problems(root: ElementTree.Element) -> Iterator[str]:
    """Every element and attribute, in document order; a refused element's subtree is not reported."""
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        element, in_metadata = stack.pop()
        namespace, local = _split(element.tag)
        tag = _show_name(element.tag)
        allowed = (
            local in SVG_ELEMENTS
            if namespace == SVG
            else namespace in EDITOR_NAMESPACES or (in_metadata and namespace in METADATA_NAMESPACES)
        )
        if not allowed:
            yield f"contains {_article(tag)} <{tag}> element, which badges may not use"
            continue
        yield from _attribute_problems(
            element, tag, checked=namespace == SVG, image=(namespace, local) == (SVG, "image")
        )
        if namespace == SVG and local == "style":
            yield from (
                f"has a <style> element that uses {found}" for found in _css_problems("".join(element.itertext()))
            )
        if namespace == SVG and local == "image" and not (element.get("href") or element.get(f"{{{XLINK}}}href")):
            yield "has an <image> that embeds no data:image picture"
        inside = in_metadata or (namespace == SVG and local == "metadata")
        stack.extend((child, inside) for child in reversed(element))


def _attribute_problems(element: ElementTree.Element, tag: str, checked: bool, image: bool) -> Iterator[str]:
    """Event handlers, links and `javascript:` on every element; then the allowlist (SVG elements) and CSS.

    Editor attributes (inkscape:, sodipodi:) are ignored by browsers, so only the first checks apply.
    """
    for name, value in element.attrib.items():
        namespace, local = _split(name)
        shown = _show_name(name)
        plain = _CONTROL_OR_SPACE.sub("", value).lower()
        if local.lower().startswith("on"):
            yield f"has an event handler attribute '{shown}' on <{tag}>"
        elif local == "href" and namespace in ("", XLINK):
            yield from _href_problems(value, image)
        elif "javascript:" in plain or "javascript:" in _css_plain(value):
            yield f"has 'javascript:' in its '{shown}' attribute on <{tag}>"
        elif namespace in EDITOR_NAMESPACES:
            continue
        elif checked and not (
            namespace == "" and local in SVG_ATTRIBUTES or namespace == XML and local in _XML_ATTRIBUTES
        ):
            yield f"has an attribute '{shown}' on <{tag}>, which badges may not use"
        else:
            yield from (f"has a '{shown}' attribute on <{tag}> that uses {found}" for found in _css_problems(value))


def _href_problems(value: str, image: bool) -> Iterator[str]:
    """A link may only point into the badge itself; an <image> may only embed a raster as a data: URL."""
    target = _CONTROL_OR_SPACE.sub("", value)  # what a URL parser would make of it (entities are decoded)
    if not image:
        if not target.startswith("#"):
            yield f"links to '{_show(value)}' (badges may only refer to their own parts, '#id')"
        return
    embedded = _DATA_IMAGE.fullmatch(target)
    if not embedded:
        yield f"has an <image> that loads '{_show(value)}' (it may only embed a data:image/png, jpeg, gif or webp URL)"
        return
    kind = "." + embedded.group(1).lower()
    try:
        picture = base64.b64decode(embedded.group(2), validate=True)
    except (binascii.Error, ValueError):
        yield f"has an <image> whose data: URL is not valid base64 ('{_show(value)}')"
        return
    if not RASTER_SIGNATURES[kind].match(picture):
        yield f"has an <image> whose embedded data is not the {_RASTER_NAMES[kind]} image its data: URL says"


def _css_problems(css: str) -> Iterator[str]:
    """What in CSS could run script or fetch another file: only url(#id) may stay.

    A <style> element is allowed (Illustrator writes its fills as classes), but not one that
    imports, loads, or runs anything. Comments and backslash escapes are undone first, as a
    CSS parser would, so `\\75rl(` and `u/**/rl(` do not hide a url(.
    """
    plain = _CONTROL_OR_SPACE.sub("", _css_plain(css))
    for token in _CSS_FORBIDDEN:
        if token in plain:
            yield f"'{token}', which badges may not use"
    start = plain.find("url(")
    while start >= 0:
        if not _CSS_LOCAL_URL.match(plain, start):
            end = plain.find(")", start)
            yield f"'{_show(plain[start : end + 1 if end > 0 else None])}' (badges may only use url(#id))"
        start = plain.find("url(", start + 4)


def _css_plain(css: str) -> str:
    """CSS text lower-cased, with comments removed and escapes decoded (in one pass, as CSS reads it)."""

    def undo(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
        return match.group(2) or ""  # a comment, or a backslash at the end

    return _CSS_COMMENT_OR_ESCAPE.sub(undo, css).lower()


def _split(name: str) -> tuple[str, str]:
    """ElementTree's '{namespace}local' as (namespace, local); no namespace is ''."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _show_name(name: str) -> str:
    """A tag or attribute name as an author would write it: 'script', 'xlink:href', 'html:iframe'."""
    namespace, local = _split(name)
    if namespace == SVG:
        return _show(local)
    prefix = _PREFIXES.get(namespace)
    return _show(f"{prefix}:{local}" if prefix else local)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


def _show(text: str, limit: int = _MAX_SHOWN) -> str:
    """Attacker-controlled text made safe to print: control characters escaped, at most `limit` characters."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit * 2])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
