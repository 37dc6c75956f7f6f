"""Writing the planned site into the staging folder: each page rendered once, on every core,
and a page whose inputs have not changed kept, or carried over from the published site by a
hard link, instead of being rendered again.

A page is a pure function of its template (with the templates it uses), its view, the base
URL and the date, so its key hashes exactly those; a text file's key is its text, a JSON record's
the function and arguments it is made from, a copied file's its bytes. The manifest of each
build remembers, per output file, the key it was made from and the file's identity on disk
(inode, size, modification time), for the published site and for the spare one the staging
folder starts from (site_builder.publish). A file whose key matches and which is still that
very file is kept (in the staging folder) or hard-linked (from the published site). Anything
else (no manifest, an edited or replaced file, a file the plan does not have) is rendered or
removed, so the output is byte-identical with or without the cache.

A file in the staging folder may be the published file itself (a hard link), so nothing is
ever written into an existing file: one in the way is removed, and the file made anew.
"""

from __future__ import annotations

import collections
import contextlib
import copyreg
import dataclasses
import functools
import hashlib
import io
import os
import pickle
import shutil
import struct
from dataclasses import dataclass
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
import jinja2.bccache
import jinja2.meta

from catalog.cache import NO_CACHE, Cache, code_fingerprint
from catalog.check import Checked
from catalog.content import Catalog
from catalog.labels import StackFacts
from catalog.model import Credential, LicensureFitRow, RecognitionRow, Site, Stack
from catalog.parallel import map_in_processes
from catalog.quality import CredentialQuality
from catalog.quality_profiles import Profile, Standard
from site_builder.render import Page, PageGroup, forget_memos

ManifestEntry = bytes
"""What one output file was made from and which file on disk it is: its key (`KEY_BYTES`), then
its inode, size and modification time in ns (`IDENTITY`). Packed: a manifest has an entry per file
of the site, twice (the published site and the spare one), and as tuples of a hex key and three
ints they were a sixth of a 10,000-credential build's memory."""

KEY_BYTES = 20
IDENTITY = struct.Struct("<QQq")

GroupRecord = tuple[bytes, tuple[tuple[str, str], ...], tuple[str, ...]]
"""What a group of pages (a credential's or a stack's own files) was made from and what it made:
the key of its recipe, the templates its pages used with their fingerprints, and its files' paths."""

Item = Page | PageGroup | tuple[str, bytes]
"""What the workers are handed: a page, a group of pages, or a file to copy (its path and bytes)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What the workers need, inherited when they are forked (so it is never pickled to them)."""

    environment: jinja2.Environment
    given: str
    """What every template depends on besides its view: the base URL and the date."""
    staging: Path
    previous: Path
    """The published site, whose unchanged files are linked rather than written again."""
    manifest: Mapping[str, ManifestEntry]
    """What the published site's files were made from."""
    kept: Mapping[str, ManifestEntry]
    """What the files the staging folder starts with were made from (the spare site)."""
    groups: Mapping[str, GroupRecord]
    """What the published site's groups of pages were made from, by their main page."""
    reducers: KeyedReducers
    """How page keys write the objects of views (known models as the key they were made under)."""
    cache: Cache
    """Where the templates' references are kept (see `template_fingerprint`)."""


_MADE: set[str] = set()
"""Folders made in the staging folder by this process (cleared with each plan)."""


def write_pages(
    pages: list[Page | PageGroup],
    files: Mapping[str, bytes],
    environment: jinja2.Environment,
    given: str,
    staging: Path,
    previous: Path,
    cache: Cache,
    jobs: int,
    known: Mapping[int, str],
    listed: Listing | None = None,
) -> list[str]:
    """Render and write every page, and copy every file, into `staging`, and remove anything
    else it holds (`listed`: what it was found to hold, see `remove_unplanned`); returns the
    paths of the files of the site."""
    manifest_key = cache.key("manifest", code_fingerprint("site_builder"), str(previous.resolve()))
    published, spare, groups = _manifests(cache.get("pages", manifest_key) if previous.is_dir() else None)
    template_fingerprint.cache_clear()  # each build has its own environment: `serve` would keep them all
    forget_memos()  # what a build that failed while writing left there
    compiled = environment.bytecode_cache = SignedBytecodeCache(cache)
    for name in environment.list_templates(filter_func=lambda name: name.endswith((".html", ".xml"))):
        environment.get_template(name)  # compiled and fingerprinted once, before the workers fork
        template_fingerprint(environment, name, cache)
    cache.keep_only("templates", compiled.used)
    # The pages about the whole catalog take longest each: first, so that the groups even out the cores' work.
    items: tuple[Item, ...] = (
        *(page for page in pages if not isinstance(page, PageGroup)),
        *sorted(files.items()),
        *(page for page in pages if isinstance(page, PageGroup)),
    )
    planned = {path for item in items for path in _known_paths(item, groups)}
    _MADE.clear()
    remove_unplanned(staging, planned, listed)
    del planned
    plan = Plan(environment, given, staging, previous, published, spare, groups, KeyedReducers(known), cache)
    written: dict[str, ManifestEntry] = {}
    made: dict[str, StoredGroup] = {}
    for item, result in zip(items, map_in_processes(functools.partial(_write_item, plan), items, jobs), strict=True):
        if isinstance(item, PageGroup):
            (key, fingerprints, _), entries = result
            start = len(written)
            written.update(entries)
            assert len(written) - start == len(entries), f"a file of {item.path} is planned twice"
            made[item.path] = (key, fingerprints, start, len(entries))
        else:
            written[item.path if isinstance(item, Page) else item[0]] = result
    # The published site becomes the spare one when this build is swapped in. Only the files this
    # build planned are remembered of it (a file it did not plan is removed from the spare one), in
    # the order of this build's files.
    retired = [published.get(path) for path in written]
    del plan, published, spare, groups
    forget_memos()  # `serve` builds again in this process: they would hold this catalog
    cache.put("pages", manifest_key, (written, retired, made), shared=False)
    cache.keep_only("pages", {manifest_key})
    return list(written)


StoredGroup = tuple[bytes, tuple[tuple[str, str], ...], int, int]
"""A group's record as stored: its files are `count` files of the manifest from `start` on (in the
order they were written), not their paths again."""


def _manifests(
    stored: Any,
) -> tuple[dict[str, ManifestEntry], dict[str, ManifestEntry], dict[str, GroupRecord]]:
    """The published site's manifest, the spare site's and the published site's groups, from what
    the last build stored; empty when there is none. The spare's and the groups' paths are the
    published manifest's own strings: stored again, they were 12 MB of a rebuild of 10,000."""
    if not (isinstance(stored, tuple) and len(stored) == 3):
        return {}, {}, {}
    published, retired, made = stored
    paths = list(published)
    spare = {path: entry for path, entry in zip(paths, retired, strict=True) if entry is not None}
    seen: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
    groups = {
        name: (key, seen.setdefault(fingerprints, fingerprints), tuple(paths[start : start + count]))
        for name, (key, fingerprints, start, count) in made.items()
    }
    return published, spare, groups


def _known_paths(item: Item, groups: Mapping[str, GroupRecord]) -> tuple[str, ...]:
    """The paths an item will write, as far as is known before it is made (a group's are those
    it made the time before: one whose files change removes those it no longer makes)."""
    if isinstance(item, PageGroup):
        record = groups.get(item.path)
        return record[2] if record else ()
    return (item.path if isinstance(item, Page) else item[0],)


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in the build cache, signed like every entry (Jinja checks each
    against its template's source): compiling them took about half a second of every build."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.used: set[str] = set()

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        """Compiled code depends on the template, on how the environment is set up (our code) and on Jinja."""
        return self.cache.key(
            "template", code_fingerprint("site_builder"), jinja2.__version__, bucket.key, bucket.checksum
        )

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self._key(bucket)
        self.used.add(key)
        code = self.cache.get("templates", key)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.put("templates", self._key(bucket), bucket.bytecode_to_string())


Listing = tuple[tuple[int, int, int], list[str]]
"""A folder's device, inode and change time before it was listed, and what it holds: each file,
link or folder below it, a folder before what it holds, as a letter (`d` a folder, `f` a file,
`o` anything else) and its path within the folder."""


def list_folder(folder: Path | None) -> Listing | None:
    """What `folder` holds, for `remove_unplanned` (None when there is no such folder). A build
    lists its spare site on a core of its own while it checks the content. Every build renames
    the spare site before it changes it (site_builder.publish), so a listing is still true while
    the folder's change time is the one it had before the listing."""
    if folder is None or not folder.is_dir():
        return None
    status = folder.stat()
    found: list[str] = []
    root = str(folder)
    prefix = len(root) + 1

    def walk(path: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    found.append("d" + entry.path[prefix:])
                    walk(entry.path)
                else:
                    found.append(("f" if entry.is_file(follow_symlinks=False) else "o") + entry.path[prefix:])

    walk(root)
    return (status.st_dev, status.st_ino, status.st_ctime_ns), found


def still_listed(listed: Listing | None, status: os.stat_result | None) -> Listing | None:
    """The listing, if the folder listed is still as it was then (`status`, taken under the
    output folder's lock before the build renamed it), else None."""
    if listed is None or status is None or listed[0] != (status.st_dev, status.st_ino, status.st_ctime_ns):
        return None
    return listed


def remove_unplanned(staging: Path, planned: set[str], listed: Listing | None = None) -> None:
    """Remove every file, link and folder of `staging` that no planned file needs (what the spare
    site had that this build does not, and anything else put there), and count the folders it
    keeps as made (`_MADE`). `listed` is what `list_folder` found in it before (`still_listed`),
    used when it is of this very folder (renamed since, which keeps its inode); otherwise the
    folder is listed now."""
    folders = set()
    for path in planned:
        end = path.rfind("/")
        while end > 0 and (folder := path[:end]) not in folders:  # a folder seen has its parents seen
            folders.add(folder)
            end = path.rfind("/", 0, end)
    status = staging.stat()
    if listed is None or listed[0][:2] != (status.st_dev, status.st_ino):
        listed = list_folder(staging)
        assert listed is not None
    root = str(staging) + "/"
    kept: collections.Counter[str] = collections.Counter()  # a folder's entries that stay
    kept_folders: list[str] = []
    removed = "\0"  # the folder being removed whole: what it holds comes right after it
    for entry in listed[1]:
        kind, path = entry[0], entry[1:]
        if path.startswith(removed):
            continue
        if kind == "d":
            if path in folders:
                kept_folders.append(path)
            else:
                shutil.rmtree(root + path)
                removed = path + "/"
        elif kind == "f" and path in planned:
            kept[path.rpartition("/")[0]] += 1
        else:
            os.unlink(root + path)
    for folder in reversed(kept_folders):  # what a folder holds before the folder
        if kept[folder]:
            kept[folder.rpartition("/")[0]] += 1
            _MADE.add(root + folder)
        else:
            os.rmdir(root + folder)


def _write_item(plan: Plan, item: Item) -> Any:
    """Write one file, or a group's files. A file's result is its manifest entry; a group's is
    its record and its files' entries."""
    if isinstance(item, PageGroup):
        return _write_group(plan, item)
    if isinstance(item, Page):
        path, key = item.path, page_key(item, plan.environment, plan.given, plan.reducers, plan.cache)
    else:
        path, key = item[0], hashlib.blake2b(b"bytes\0" + item[1], digest_size=KEY_BYTES).digest()
    if path.startswith("/") or ".." in path.split("/"):
        raise ValueError(f"refusing to write {path!r} outside the output folder")
    target = os.path.join(plan.staging, path)
    if (entry := _reuse(plan, path, key, target)) is not None:
        return entry
    data = render_page(plan.environment, item).encode("utf-8") if isinstance(item, Page) else item[1]
    _write_new(target, data)
    return key + _identity(os.stat(target))  # once closed: a network file system may set its time then


def _write_new(path: str, data: bytes) -> None:
    """Write a new file.

    A file already there may be a link to the published one, so it is never written into: it is
    removed and the file made anew. (Removing first, always, was a system call per file, and
    `open` asks four more than this: 15,000 files on a cold build of 2,000 credentials.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError:
        os.unlink(path)
        descriptor = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write_group(plan: Plan, group: PageGroup) -> tuple[GroupRecord, list[tuple[str, ManifestEntry]]]:
    """Carry a group's files over when its recipe and the templates its pages used are unchanged
    and every file is still the one made (each keeps the key it was made under); otherwise make
    its pages and write each one, and remove the files it made the time before and no longer does."""
    key = group_key(group, plan.given, plan.reducers)
    record = plan.groups.get(group.path)
    if (
        record is not None
        and record[0] == key
        and all(template_fingerprint(plan.environment, name, plan.cache) == used for name, used in record[1])
    ):
        carried = [(path, _carry(plan, path)) for path in record[2]]
        if all(entry is not None for _, entry in carried):
            return record, carried  # type: ignore[return-value]
    pages = group.make()
    entries = [(page.path, _write_item(plan, page)) for page in pages]
    templates = {page.template for page in pages if page.template is not None}
    fingerprints = tuple((name, template_fingerprint(plan.environment, name, plan.cache)) for name in sorted(templates))
    paths = tuple(page.path for page in pages)
    for gone in set(record[2] if record else ()) - set(paths):
        _remove_with_empty_folders(plan.staging, gone)
    return (key, fingerprints, paths), entries


def _remove_with_empty_folders(staging: Path, path: str) -> None:
    """Remove a file of the staging folder, and the folders that leaves empty."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(staging, path))
    folder = os.path.dirname(path)
    while folder:
        try:
            os.rmdir(os.path.join(staging, folder))
        except OSError:  # not empty (or gone)
            return
        _MADE.discard(os.path.join(staging, folder))
        folder = os.path.dirname(folder)


def _carry(plan: Plan, path: str) -> ManifestEntry | None:
    """Keep or link a file of an unchanged group under the key the published site made it with."""
    before = plan.manifest.get(path)
    if before is None:
        return None
    return _reuse(plan, path, before[:KEY_BYTES], os.path.join(plan.staging, path))


def _reuse(plan: Plan, path: str, key: bytes, target: str) -> ManifestEntry | None:
    """The file made under `key`, if the staging folder still holds it or the published site does
    (then linked); otherwise None, with `target`'s folder made for writing it."""
    mine = plan.kept.get(path)
    if mine is not None and mine.startswith(key) and _is_file(target, mine):
        return mine
    folder = os.path.dirname(target)
    if folder not in _MADE:  # one mkdir per folder, not one per file
        _make_folder(folder)
        _MADE.add(folder)
    before = plan.manifest.get(path)
    if (
        before is not None
        and before.startswith(key)
        and _link_unchanged(os.path.join(plan.previous, path), target, before)
    ):
        return before
    return None


def _make_folder(folder: str) -> None:
    """Make a folder whose parent is usually there already (`os.makedirs` first asks whether it is)."""
    try:
        os.mkdir(folder)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:  # another worker made it
        pass


def _is_file(path: str, entry: ManifestEntry) -> bool:
    """Whether `path` is still the very file the manifest entry describes."""
    try:
        identity = _identity(os.lstat(path))
    except OSError:
        return False
    return identity != NO_IDENTITY and identity == entry[KEY_BYTES:]


NO_IDENTITY = bytes(IDENTITY.size)
"""Stands for a file whose inode, size or time the manifest cannot hold: it matches no file."""


def _identity(stat: os.stat_result) -> bytes:
    try:
        return IDENTITY.pack(stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except struct.error:  # a time or an inode past 64 bits
        return NO_IDENTITY


def _link_unchanged(source: str, target: str, entry: ManifestEntry) -> bool:
    """Link the published file into the staging folder if it is still the file the manifest names."""
    if not _is_file(source, entry):
        return False
    try:
        try:
            os.link(source, target)
        except FileExistsError:  # the spare site's file, made from something else
            os.unlink(target)
            os.link(source, target)
    except OSError:  # a file system without hard links: render it
        return False
    return True


def render_page(environment: jinja2.Environment, page: Page) -> str:
    if page.make is not None:
        return page.make()
    if page.text is not None:
        return page.text
    view = page.view if page.view_of is None else page.view_of()
    assert page.template is not None and view is not None, page.path
    return environment.get_template(page.template).render(view.context())


def page_key(
    page: Page, environment: jinja2.Environment, given: str, reducers: KeyedReducers, cache: Cache = NO_CACHE
) -> bytes:
    """A hash of everything the page's bytes depend on. A template reads the base URL and the date
    (`given`) from its environment; a recipe (`make`) is given what it reads as arguments, so a
    JSON record that does not state the date is not made again the next day."""
    digest = hashlib.blake2b(digest_size=KEY_BYTES)
    if page.make is not None:
        digest.update(b"make\0" + canonical_bytes(page.make, reducers))
        return digest.digest()
    if page.text is not None:
        digest.update(b"text\0" + page.text.encode("utf-8"))
        return digest.digest()
    assert page.template is not None
    digest.update(f"{template_fingerprint(environment, page.template, cache)}\0{given}\0".encode())
    digest.update(canonical_bytes(page.view if page.view_of is None else page.view_of, reducers))
    return digest.digest()


def group_key(group: PageGroup, given: str, reducers: KeyedReducers) -> bytes:
    """A hash of the group's recipe and of what every template reads besides its view (the
    templates themselves are checked apart, by the fingerprints the group's record keeps)."""
    digest = hashlib.blake2b(f"group\0{given}\0".encode(), digest_size=KEY_BYTES)
    digest.update(canonical_bytes(group.make, reducers))
    return digest.digest()


def canonical_bytes(value: object, reducers: KeyedReducers) -> bytes:
    """The value's pickle, with each known object (a model, a stack's facts) written as its key.

    Without the memo, equal values give equal bytes however their objects happen to be shared (a
    view built from cached models and one built from fresh ones). Writing a model as the key it
    was made under (its file's bytes and what checking was given) keeps a page's key cheap to
    compute, and only the very objects the check made are named so: a copy is spelt out in full.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dispatch_table = reducers
    pickler.dump(value)
    return buffer.getvalue()


KEYED_TYPES = (
    Catalog,
    Credential,
    Stack,
    Site,
    StackFacts,
    Standard,
    Profile,
    CredentialQuality,
    RecognitionRow,
    LicensureFitRow,
)


class KeyedReducers(dict[type, Callable[[Any], Any]]):
    """How the page-key pickler writes each type it does not know natively (pickle handles str,
    tuple, dict and the like itself, before asking here): a known object as its key, any other
    dataclass as its class and field values (the standard library's way asks `dataclasses.fields`
    for every object), anything else as usual."""

    def __init__(self, known: Mapping[int, str]) -> None:
        super().__init__(copyreg.dispatch_table)
        self.known = known

    def __missing__(self, kind: type) -> Callable[[Any], Any]:
        reduce: Callable[[Any], Any]
        if not dataclasses.is_dataclass(kind):
            reduce = methodcaller("__reduce_ex__", pickle.HIGHEST_PROTOCOL)
        else:
            names = [f.name for f in dataclasses.fields(kind)]
            values: Callable[[Any], Any] = (
                attrgetter(*names) if len(names) > 1 else lambda obj: tuple(getattr(obj, n) for n in names)
            )
            if kind in KEYED_TYPES:
                known = self.known

                def reduce(obj: Any) -> Any:
                    key = known.get(id(obj))
                    return (_known, (key,)) if key is not None else (kind, values(obj))

            else:
                reduce = lambda obj: (kind, values(obj))  # noqa: E731
        self[kind] = reduce
        return reduce


def _known(key: str) -> None:
    """Stands for a known object in a page key's pickle (which is hashed, never loaded)."""


def known_objects(checked: Checked, catalog: Catalog) -> dict[int, str]:
    """The keys that stand for the objects the check made, by identity: each model under its
    file's key, each credential's quality verdicts under the key they were assessed under, the
    site, the quality profile and its standards under a hash of their values, each stack's facts
    under its stack's and members' keys (the facts are computed from nothing else), each
    recognition row under its model's key and its place, and the catalog under its site's,
    credentials' and stacks' keys."""
    known = {id(f.model): f.key for f in checked.files if f.model is not None and f.key}
    rows_of: list[tuple[object, tuple[RecognitionRow, ...]]] = [(c, c.recognition) for c in catalog.credentials]
    rows_of += [(s, s.licensure_fit) for s in catalog.stacks]
    for model, rows in rows_of:  # a row is part of its model: named by its place there
        if model_key := known.get(id(model)):
            known.update((id(row), f"{model_key}/{index}") for index, row in enumerate(rows))
    profile = (checked.quality.profile,) if checked.quality else ()
    for value in (catalog.site, *profile, *(standard for p in profile for standard in p.standards)):
        known[id(value)] = hashlib.blake2b(repr(value).encode(), digest_size=20).hexdigest()
    for verdicts in checked.quality.credentials if checked.quality else ():
        if assessed_under := checked.assessed_under.get(verdicts.id):
            known[id(verdicts)] = assessed_under
    for stack in catalog.stacks:
        parts = [known.get(id(model)) for model in (stack, *catalog.members(stack))]
        if all(parts):
            known[id(catalog.facts[stack.id])] = hashlib.blake2b("facts".join(map(str, parts)).encode()).hexdigest()
    # Everything else a catalog holds is derived from its site, credentials and stacks.
    parts = [known.get(id(model)) for model in (catalog.site, *catalog.credentials, *catalog.stacks)]
    if all(parts):
        known[id(catalog)] = hashlib.blake2b("catalog".join(map(str, parts)).encode()).hexdigest()
    return known


@functools.cache
def template_fingerprint(environment: jinja2.Environment, name: str, cache: Cache = NO_CACHE) -> str:
    """A hash of a template and of every template it extends, includes or imports, so changing
    one template changes the keys of exactly the pages that use it."""
    assert environment.loader is not None
    source, _, _ = environment.loader.get_source(environment, name)
    digest = hashlib.blake2b(source.encode("utf-8"), digest_size=20)
    for used in _referenced_templates(environment, source, cache):
        digest.update(template_fingerprint(environment, used, cache).encode())
    return digest.hexdigest()


def _referenced_templates(environment: jinja2.Environment, source: str, cache: Cache) -> tuple[str, ...]:
    """The templates a template's source names, kept in the cache (parsing them all took a fifth
    of a second of every build). A name made at render time would be missed, so there is none."""
    key = cache.key("referenced templates", source)
    known = cache.get("templates", key)
    if not isinstance(known, tuple):
        names = jinja2.meta.find_referenced_templates(environment.parse(source))
        known = tuple(sorted(name for name in names if name is not None))
        cache.put("templates", key, known)
    if isinstance(environment.bytecode_cache, SignedBytecodeCache):
        environment.bytecode_cache.used.add(key)
    return known
