"""Loading: read the content folder into parsed sources, reporting unreadable files.

A source is one file's data with the position of each value. Nothing here judges whether the
data is right; that is validation's job. Content files are only ever read.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from catalog.badges import MAX_BADGE_BYTES
from catalog.diagnostics import Diagnostic, Location, error, warning
from catalog.pickling import dataclasses_of, pickle_by_fields
from catalog.yaml_positions import NotKept, Positions, parse_yaml


class Kind(enum.Enum):
    SITE = "site"
    CREDENTIAL = "credential"
    STACK = "stack"
    PROFILE = "profile"
    REVIEW = "review"
    ARCHIVED = "archived"
    """An earlier version of a credential, kept unchanged at content/archive/<id>/<version>.md."""


PRIVATE = "private"
"""The one field that is never published: the loader removes it, so no later stage can see it."""


@dataclass(frozen=True, slots=True)
class Source:
    """One content file, parsed: its data, where each value sits, and (credentials) its body."""

    kind: Kind
    path: str
    stem: str
    data: dict[str, Any]
    positions: Positions
    body: str = ""
    body_line: int = 1

    @property
    def location(self) -> Location:
        return Location(self.path)

    def checked(self) -> Source:
        """This source once its file is valid and modelled: its data cut down to what is read
        across files (`KEPT_ONCE_CHECKED`), the positions to those keys' and `POSITIONED_ONCE_CHECKED`,
        and no body (the model has the description). Otherwise this is most of a catalog's memory
        and cache."""
        kept = CheckedData({key: self.data[key] for key in KEPT_ONCE_CHECKED if key in self.data})
        positions = self.positions.only(KEPT_ONCE_CHECKED | POSITIONED_ONCE_CHECKED)
        return Source(self.kind, self.path, self.stem, kept, positions, "", self.body_line)


KEPT_ONCE_CHECKED = frozenset(
    (
        "id",
        "ctid",
        "version",
        "title",
        "status",
        "credentials",
        "prerequisites",
        "sequence",
        "completion",
        "badge",
        "awards",
    )
)
"""The top-level keys of a valid credential's or stack's data that anything reads after the file's
own checks: the checks across files, the badge images, the versions and the quality report."""

POSITIONED_ONCE_CHECKED = frozenset(("licensure_fit",))
"""Keys not read after the file's own checks, whose positions are (a stack's licensure fit is
checked against its members' models, catalog.stacks.check_licensure_fit)."""


class CheckedData(dict[str, Any]):
    """A valid file's data once checked. Reading a key that was not kept fails loudly instead of
    answering None: a check that needs another key must add it to `KEPT_ONCE_CHECKED`, and the
    tests of that check fail until it does (cold or cached, every run sees the same data)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        _must_be_kept(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        _must_be_kept(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        _must_be_kept(key)
        return dict.__contains__(self, key)


def _must_be_kept(key: object) -> None:
    if key not in KEPT_ONCE_CHECKED:
        raise NotKept(f"'{key}' is not kept once a file is checked: add it to catalog.sources.KEPT_ONCE_CHECKED")


@dataclass(frozen=True, slots=True)
class LoadResult:
    root: Path
    site: Source | None
    credentials: tuple[Source, ...]
    stacks: tuple[Source, ...]
    profiles: tuple[Source, ...]
    """The catalog's own quality profiles (content/profiles/*.yaml)."""
    reviews: tuple[Source, ...]
    """People's judgements of credentials against a profile (content/reviews/*.yaml)."""
    diagnostics: tuple[Diagnostic, ...]
    unreadable_credentials: frozenset[str] = frozenset()
    """File names (stems) of credentials that failed to load: known to exist, so a stack naming
    one is not reported again as naming an unknown credential."""
    archived: tuple[Source, ...] = ()
    """Earlier versions of credentials (content/archive/<id>/<version>.md)."""


FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """The files of a content folder, found (links out of it refused) but not yet read."""

    root: Path
    site: Path | None
    by_kind: Mapping[Kind, tuple[Path, ...]]
    """Credential, stack, profile, review and archived files, each kind in name order."""
    diagnostics: tuple[Diagnostic, ...]


def find_content(content_dir: Path) -> ContentFiles:
    """Every content file, in a stable (sorted) order, and the problems of the folder itself."""
    diagnostics: list[Diagnostic] = []
    if not content_dir.is_dir():
        missing = error("L008", "content folder not found", Location(str(content_dir)), _CONTENT_HINT)
        return ContentFiles(content_dir, None, {}, (missing,))
    site_path: Path | None = content_dir / "site.yaml"
    inside = content_dir.resolve()
    assert site_path is not None
    if problem := _outside(site_path, inside):
        diagnostics.append(error("L010", problem, Location(str(site_path)), _LINK_HINT))
        site_path = None
    elif not site_path.is_file():
        diagnostics.append(
            error(
                "L008",
                "site.yaml not found",
                Location(str(site_path)),
                "every content folder needs a site.yaml with the site title and jurisdictions",
            )
        )
        site_path = None
    by_kind = {
        Kind.CREDENTIAL: tuple(_files(content_dir / "credentials", (".md",), inside, diagnostics)),
        Kind.STACK: tuple(_files(content_dir / "stacks", (".yaml", ".yml"), inside, diagnostics)),
        Kind.PROFILE: tuple(_files(content_dir / "profiles", (".yaml",), inside, diagnostics)),
        Kind.REVIEW: tuple(_files(content_dir / "reviews", (".yaml",), inside, diagnostics)),
        Kind.ARCHIVED: tuple(
            path
            for folder in _folders(content_dir / "archive", inside, diagnostics)
            for path in _files(folder, (".md",), inside, diagnostics)
        ),
    }
    return ContentFiles(content_dir, site_path, by_kind, tuple(diagnostics))


_CONTENT_HINT = "pass --content DIR pointing at a folder with site.yaml"


def load_sources(content_dir: Path) -> LoadResult:
    """Read site.yaml, every credential and every stack, in a stable (sorted) order."""
    found = find_content(content_dir)
    diagnostics = list(found.diagnostics)

    def read(path: Path, kind: Kind) -> Source | None:
        source, problems = read_source(path, kind)
        diagnostics.extend(problems)
        return source

    site = read(found.site, Kind.SITE) if found.site else None
    sources = {
        kind: tuple(source for path in paths if (source := read(path, kind)) is not None)
        for kind, paths in found.by_kind.items()
    }
    return loaded_sources(found, site, sources, tuple(diagnostics))


def loaded_sources(
    found: ContentFiles,
    site: Source | None,
    sources: Mapping[Kind, tuple[Source, ...]],
    diagnostics: tuple[Diagnostic, ...],
) -> LoadResult:
    """The sources read from `found`, as one result (a credential file that did not load is remembered)."""
    credentials = sources.get(Kind.CREDENTIAL, ())
    unreadable = frozenset(path.stem for path in found.by_kind.get(Kind.CREDENTIAL, ())) - {s.stem for s in credentials}
    return LoadResult(
        found.root,
        site,
        credentials,
        sources.get(Kind.STACK, ()),
        sources.get(Kind.PROFILE, ()),
        sources.get(Kind.REVIEW, ()),
        diagnostics,
        unreadable,
        sources.get(Kind.ARCHIVED, ()),
    )


def read_source(path: Path, kind: Kind) -> tuple[Source | None, list[Diagnostic]]:
    """Read and parse one content file of any kind."""
    diagnostics: list[Diagnostic] = []
    raw = read_bytes(path, diagnostics)
    if raw is None:
        return None, diagnostics
    source, problems = parse_source(str(path), kind, raw)
    return source, diagnostics + problems


def parse_source(path: str, kind: Kind, raw: bytes) -> tuple[Source | None, list[Diagnostic]]:
    """One file's bytes as a source: a pure function of the path, the kind and the bytes (so it can
    run in another process, and its result can be cached by the bytes' hash)."""
    diagnostics: list[Diagnostic] = []
    text = _decode(raw, path, diagnostics)
    if text is None:
        return None, diagnostics
    if kind in (Kind.CREDENTIAL, Kind.ARCHIVED):
        return _markdown_source(Path(path), text, diagnostics, kind), diagnostics
    return _yaml_source(Path(path), text, kind, diagnostics), diagnostics


def _folders(folder: Path, inside: Path, diagnostics: list[Diagnostic]) -> list[Path]:
    """The sub-folders of `folder` (one per archived credential), in name order, never through a link out."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_dir():
            continue
        if problem := _outside(path, inside):
            diagnostics.append(error("L010", problem, Location(str(path)), _LINK_HINT))
        else:
            found.append(path)
    return found


def _files(folder: Path, suffixes: tuple[str, ...], inside: Path, diagnostics: list[Diagnostic]) -> list[Path]:
    """The content files of one folder, in name order; only files that really lie inside the content folder."""
    try:
        if not folder.is_dir():
            return []
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        diagnostics.append(error("L008", f"cannot read folder: {exc.strerror or exc}", Location(str(folder))))
        return []
    # In a real folder inside the content folder, only a link can lead out: resolving every path
    # of 10,000 files took longer than reading them.
    real_folder = not folder.is_symlink() and _outside(folder, inside) is None
    found = []
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            continue
        problem = _outside(path, inside) if entry.is_symlink() or not real_folder else None
        if problem:
            diagnostics.append(error("L010", problem, Location(str(path)), _LINK_HINT))
        elif entry.is_dir():
            continue
        elif not entry.is_file() and path.exists():  # a named pipe or a device: reading it could block forever
            diagnostics.append(error("L008", "cannot read file: not a regular file", Location(str(path))))
        elif path.suffix in suffixes:
            found.append(path)
        else:
            diagnostics.append(
                warning("L007", f"ignored file: expected a {' or '.join(suffixes)} file here", Location(str(path)))
            )
    return found


_LINK_HINT = "content files must be real files inside the content folder; copy the file here instead of linking it"


def _outside(path: Path, inside: Path) -> str | None:
    """Why `path` cannot be read as content: a link out of the content folder, a loop; None when fine.

    Files a build reads are published, so a link to ~/.ssh or .git/config must never be followed.
    """
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return None  # a dangling link: reported when it is read (L008)
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        return "the file is a symbolic link loop"
    except OSError as exc:  # a name too long, no permission
        return f"the file cannot be read: {exc.strerror or exc}"
    if target != inside and inside not in target.parents:
        return f"the file is a link to {target}, outside the content folder"
    return None


MAX_CONTENT_BYTES = 5_000_000
"""No credential, stack or settings file comes near this; a larger one is a mistake, not content."""
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every control character but tab and newline: invisible on a page, and not allowed in XML (feed.xml)."""


def read_bytes(path: Path, diagnostics: list[Diagnostic]) -> bytes | None:
    """A content file's bytes; None (and a diagnostic) when it cannot or must not be read."""
    read = read_with_status(path, diagnostics)
    return read[0] if read else None


def read_with_status(path: Path, diagnostics: list[Diagnostic]) -> tuple[bytes, os.stat_result] | None:
    """A content file's bytes, and its status as it was just before they were read (what
    catalog.check recognises an unchanged file by); None (and a diagnostic) when it cannot or
    must not be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)  # `open` asks three more system calls per file
        try:
            status = os.fstat(descriptor)
            size = status.st_size
            if size <= MAX_CONTENT_BYTES:
                return _read_to_end(descriptor, size), status
        finally:
            os.close(descriptor)
        diagnostics.append(
            error(
                "L008",
                f"cannot read file: it is {size / 1e6:,.1f} MB, more than the {MAX_CONTENT_BYTES // 1_000_000} MB"
                " a content file may be",
                Location(str(path)),
            )
        )
        return None
    except OSError as exc:  # a dangling symlink, a loop, no permission
        diagnostics.append(error("L008", f"cannot read file: {exc.strerror or exc}", Location(str(path))))
        return None


def _read_to_end(descriptor: int, size: int) -> bytes:
    """Everything the file holds: one read when it still has the size it was said to have (a
    network file system may answer a read with less than it has, so anything else reads on to the end)."""
    data = os.read(descriptor, size + 1)
    if len(data) == size:
        return data
    chunks = [data]
    while chunk := os.read(descriptor, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, path: str, diagnostics: list[Diagnostic]) -> str | None:
    """Decode UTF-8 (with or without BOM) and normalise line endings; None if unreadable."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        diagnostics.append(
            error(
                "L001",
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                Location(path, line, col),
                "save the file as UTF-8",
            )
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        diagnostics.append(error("L002", "file is empty", Location(path)))
        return None
    return text


def _yaml_source(path: Path, text: str, kind: Kind, diagnostics: list[Diagnostic]) -> Source | None:
    if _control_character(text, str(path), 0, diagnostics):
        return None
    data, positions, problems = parse_yaml(text, str(path))
    diagnostics.extend(problems)
    return _source(kind, path, data, positions, diagnostics, problems)


def _control_character(yaml_text: str, path: str, line_offset: int, diagnostics: list[Diagnostic]) -> bool:
    """Report a raw control character in YAML at its own position (YAML's own error points elsewhere)."""
    found = CONTROL_CHARACTER.search(yaml_text)
    if found is None:
        return False
    before = yaml_text[: found.start()]
    line, col = before.count("\n") + 1 + line_offset, found.start() - (before.rfind("\n") + 1) + 1
    diagnostics.append(
        error(
            "V013",
            f"the file contains a control character (U+{ord(found.group()):04X})",
            Location(path, line, col),
            "remove it: it is invisible on a page and breaks the site's XML files",
        )
    )
    return True


def _markdown_source(path: Path, text: str, diagnostics: list[Diagnostic], kind: Kind) -> Source | None:
    lines = text.split("\n")
    if lines[0].strip() != FRONT_MATTER_FENCE:
        diagnostics.append(
            error(
                "L003",
                "no front matter: a credential file starts with a '---' line",
                Location(str(path)),
                "put the YAML fields between two '---' lines at the top, then the description",
            )
        )
        return None
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None)
    if closing is None:
        diagnostics.append(
            error(
                "L003",
                "front matter is never closed with a '---' line",
                Location(str(path)),
                "add a '---' line after the last YAML field",
            )
        )
        return None
    front_matter = "\n".join(lines[1:closing]) + "\n"
    if _control_character(front_matter, str(path), 1, diagnostics):
        return None
    data, positions, problems = parse_yaml(front_matter, str(path), line_offset=1)
    diagnostics.extend(problems)
    source = _source(kind, path, data, positions, diagnostics, problems)
    if source is None:
        return None
    body = "\n".join(lines[closing + 1 :]).strip("\n")
    leading_blank_lines = len(lines[closing + 1 :]) - len("\n".join(lines[closing + 1 :]).lstrip("\n").split("\n"))
    return Source(
        source.kind,
        source.path,
        source.stem,
        source.data,
        source.positions,
        body=body + "\n" if body else "",
        body_line=closing + 2 + leading_blank_lines,
    )


def _source(
    kind: Kind, path: Path, data: Any, positions: Positions, diagnostics: list[Diagnostic], problems: list[Diagnostic]
) -> Source | None:
    if any(p.is_error for p in problems):
        return None
    if not isinstance(data, dict):
        what = "nothing" if data is None else f"a {type(data).__name__}"
        diagnostics.append(
            error(
                "L005",
                f"expected a mapping of fields (key: value), found {what}",
                positions.of_value(()) if data is not None else Location(str(path)),
            )
        )
        return None
    return Source(kind, str(path), path.stem, _without_private(data, positions, diagnostics), positions)


def _without_private(data: dict[str, Any], positions: Positions, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The single gate for `private`: it is checked for shape here and then dropped, before any
    validation, quality check, profile or export can read it."""
    if PRIVATE not in data:
        return data
    if not isinstance(data[PRIVATE], dict):
        diagnostics.append(
            error(
                "V002",
                f"'{PRIVATE}' must be a mapping of fields",
                positions.of_value((PRIVATE,)),
                "write private notes as 'private: {notes: ...}'",
            )
        )
    return {key: value for key, value in data.items() if key != PRIVATE}


def badge_path(source: Source) -> tuple[str, ...]:
    """Where a file names its badge image: a credential's `badge`, a stack's `awards.badge`."""
    return ("awards", "badge", "image") if source.kind is Kind.STACK else ("badge", "image")


def _value_at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def read_badges(root: Path, credentials: Iterable[Source]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Read each badge image the credentials name, once, and only from inside the content folder.

    The bytes read here are the bytes checked and the bytes published, so a file cannot change
    between the check and the copy.
    """
    files: dict[str, bytes] = {}
    diagnostics: list[Diagnostic] = []
    inside = root.resolve()
    for source in credentials:
        path = badge_path(source)
        image = _value_at(source.data, path)
        if not isinstance(image, str) or image in files:
            continue
        at = source.positions.of_value(path)
        code, problem = _read_badge(root / image, image, inside, files)
        if problem:
            hint = "give a path relative to the content folder, e.g. badges/my-badge.svg" if code == "R005" else None
            diagnostics.append(error(code, f"badge image '{image}' {problem}", at, hint))
    return files, diagnostics


def _read_badge(path: Path, image: str, inside: Path, files: dict[str, bytes]) -> tuple[str, str | None]:
    """Read one badge into `files`; else the code and the problem."""
    if image.startswith(("/", "\\")) or ".." in Path(image).parts or "\\" in image:
        return "R005", "is not a path inside the content folder"
    try:
        target = path.resolve(strict=True)
        if inside not in target.parents:
            return "R005", "is a link to a file outside the content folder"
        if not target.is_file():
            return "R005", "is not a file"
        size = target.stat().st_size
        if size > MAX_BADGE_BYTES:
            return "R007", f"is {-(-size // 1000):,} KB, more than the {MAX_BADGE_BYTES // 1000:,} KB a badge may be"
        files[image] = target.read_bytes()
    except FileNotFoundError:
        return "R005", "not found in the content folder"
    except RuntimeError:  # a symlink loop (Python 3.11 raises RuntimeError from resolve)
        return "R005", "is a symbolic link loop"
    except OSError as exc:  # no permission, a name too long
        return "R005", f"cannot be read: {exc.strerror or exc}"
    return "R005", None


pickle_by_fields(*dataclasses_of(globals()))
