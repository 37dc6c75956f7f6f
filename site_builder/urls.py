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
