"""Where the site lives: the base path every internal link carries, and the origin if known.

One build works at a domain root (`/`) and under a GitHub Pages project path (`/repo/`), because
every internal link is written as an absolute path under the base path.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from catalog.errors import UsageError


class BaseUrlError(UsageError):
    """A --base-url that would break every link of the site."""


@dataclass(frozen=True, slots=True)
class SiteUrls:
    base_path: str
    """Always starts and ends with '/', e.g. '/' or '/repo/'."""
    origin: str | None = None
    """Scheme and host, e.g. 'https://owner.github.io', when a full URL was given."""

    @classmethod
    def parse(cls, base_url: str) -> SiteUrls:
        """Accept 'https://owner.github.io/repo/', '/repo/', 'repo' or '/'."""
        parts = urlsplit(base_url.strip())
        if parts.scheme and parts.scheme not in ("http", "https"):
            raise BaseUrlError(f"--base-url must be http(s) or a path, not {base_url!r}")
        if parts.scheme and not parts.netloc:
            raise BaseUrlError(f"--base-url {base_url!r} has no host")
        if any(ch.isspace() for ch in base_url.strip()):
            raise BaseUrlError(f"--base-url {base_url!r} must not contain spaces")
        if "\\" in base_url or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in base_url):
            # Browsers read a backslash as a slash: '/\\evil.example/' would load scripts from another host.
            raise BaseUrlError(f"--base-url {base_url!r} must not contain backslashes or control characters")
        if parts.query or parts.fragment:
            raise BaseUrlError(f"--base-url {base_url!r} must not have a query or fragment")
        path = "/" + parts.path.strip("/")
        path = path if path == "/" else path + "/"
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else None
        return cls(path, origin)

    def path(self, target: str = "") -> str:
        """The site-absolute path of a page or file, e.g. 'credentials/x/' -> '/repo/credentials/x/'."""
        return self.base_path + target.lstrip("/")

    def absolute(self, target: str = "") -> str | None:
        """The full URL, or None when the origin is unknown (a path-only --base-url)."""
        return self.origin + self.path(target) if self.origin else None

    def public(self, target: str = "") -> str:
        """The full URL when the origin is known, else the site-absolute path (for records)."""
        return self.absolute(target) or self.path(target)


# --- one helper per kind of page: the site-relative target, to be passed to SiteUrls.path ----------

HOME = ""
CREDENTIALS = "credentials/"
STACKS = "stacks/"
RECOGNITION = "recognition/"
QUALITY = "quality/"


def credential(credential_id: str, file: str = "") -> str:
    """The page of a credential, or one of its files (credential.json, achievement.json)."""
    return f"{CREDENTIALS}{credential_id}/{file}"


def credential_version(credential_id: str, version: str, file: str = "") -> str:
    """One version of a credential, kept at its own address for good: `credentials/<id>/v1.0.0/`."""
    return f"{CREDENTIALS}{credential_id}/v{version}/{file}"


def stack(stack_id: str, file: str = "") -> str:
    """The page of a stack, or one of its files (stack.json)."""
    return f"{STACKS}{stack_id}/{file}"


def item(kind: str, item_id: str) -> str:
    """The page of a credential or a stack, by kind ('credential' or 'stack')."""
    return credential(item_id) if kind == "credential" else stack(item_id)


def jurisdiction(code: str) -> str:
    """What counts in one jurisdiction (its code names a folder, lower-cased)."""
    return f"{RECOGNITION}{code.lower()}/"


def page(target: str, number: int) -> str:
    """Page `number` of a paginated list: the list's own address for the first, `page/N/` after it."""
    return target if number == 1 else f"{target}page/{number}/"


def output_file(target: str) -> str:
    """The file that serves a target: a folder's index.html, or the file itself."""
    return target + "index.html" if target == HOME or target.endswith("/") else target
