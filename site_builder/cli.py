"""The `credcat` command line: the only place that prints and chooses exit codes.

Exit codes: 0 success, 1 content errors (or warnings under --strict), 2 usage errors,
3 environment failures (the disk, the indexer). Diagnostics go to stderr; the one-line summary
goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Sequence

from catalog.cache import CACHE_FOLDER, NO_CACHE, Cache, default_cache_folder
from catalog.diagnostics import Diagnostic, Severity
from catalog.errors import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, CredcatError
from catalog.parallel import available_cores
from catalog.quality import MET, NOT_MET, REVIEW
from catalog.quality_profiles import DATA, DEFAULT_PROFILE
from site_builder.build import BuildOptions, BuildOutcome, Progress, no_progress
from site_builder.urls import SiteUrls

if TYPE_CHECKING:
    from catalog.check import Checked
    from catalog.quality import QualityReport


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"credcat: error: {message}\n")


def port_number(text: str) -> int:
    """A TCP port a server can listen on."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (1 to 65535)")
    return port


def job_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be between 1 and 256, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="credcat", description="Build a public catalog site from micro-credential files.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)"
        )
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
        command.add_argument(
            "--verbose", action="store_true", help="print every warning (else a repeated code is counted after 5)"
        )
        command.add_argument(
            "--quiet", action="store_true", help="no progress lines (there are none when not a terminal)"
        )
        command.add_argument(
            "--jobs", type=job_count, default=None, metavar="N", help="processes to use (default: every core)"
        )
        command.add_argument(
            "--no-cache",
            action="store_true",
            help=f"neither read nor write the {CACHE_FOLDER}/ folder beside the content",
        )

    validate = commands.add_parser("validate", help="check content and report every problem")
    content_options(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--today", metavar="YYYY-MM-DD", help="date for age checks (default: today)")

    build = commands.add_parser("build", help="validate, then build the static site")
    content_options(build)
    build.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR", help="output folder (default: _site)")
    build.add_argument(
        "--base-url",
        default="/",
        metavar="URL",
        help="where the site is served: a full URL or a path such as /repo/ (default: /)",
    )
    build.add_argument("--drafts", action="store_true", help="include draft credentials, marked as drafts")
    build.add_argument(
        "--force",
        action="store_true",
        help="replace --out even if it holds files credcat did not write (they are deleted)",
    )
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind index (faster previews)")
    build.add_argument("--today", metavar="YYYY-MM-DD", help="date for review checks (default: today)")

    serve = commands.add_parser("serve", help="build, serve on localhost, rebuild on change")
    content_options(serve)
    serve.add_argument("--port", type=port_number, default=8000)
    serve.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR")
    serve.add_argument("--drafts", action="store_true")

    quality = commands.add_parser("quality", help="assess credentials against the MPOS quality standards")
    content_options(quality)
    quality.add_argument("--profile", default=None, metavar="NAME", help="quality profile (default: mpos-2024)")
    quality.add_argument("--format", choices=("text", "json"), default="text")
    quality.add_argument("--today", metavar="YYYY-MM-DD", help="date for review checks (default: today)")
    quality.add_argument(
        "--require-all", action="store_true", help="exit 1 unless every active credential meets every standard"
    )
    quality.add_argument(
        "--allow-review",
        action="store_true",
        help="with --require-all: accept standards that await a reviewer (gate on the data checks only)",
    )

    init = commands.add_parser("init", help="start a new catalog repository in DIR")
    init.add_argument("dir", type=Path, metavar="DIR")
    init.add_argument(
        "--tool-url",
        default=None,
        metavar="URL",
        help="the git repository the catalog installs credential-catalog from",
    )
    init.add_argument("--force", action="store_true", help="write into DIR even if it is not empty")

    new = commands.add_parser("new", help="write a commented skeleton for a new credential or stack")
    new.add_argument("kind", choices=("credential", "stack", "version"))
    new.add_argument("id", help="lowercase slug, e.g. exit-tickets")
    new.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    return parser


_MADE: list[object] = []
"""What the last command made (a checked catalog, a build's outcome), held past the command's end:
freeing millions of objects one at a time took a quarter of a second after checking 10,000
credentials, and `run` ends the process without freeing them."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one credcat command; return its exit code. The only place that catches a CredcatError."""
    _MADE.clear()
    args = _parser().parse_args(argv)
    # A catalog is millions of small immutable objects and almost no reference cycles; Python's
    # default thresholds spent 40% of a warm `validate` of 10,000 credentials collecting garbage.
    gc.set_threshold(100_000, 50, 100)
    # A TERM signal (CI cancelling, a closed terminal) unwinds like Ctrl+C, so staging folders are removed.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    handler = {"validate": _validate, "build": _build, "serve": _serve, "quality": _quality, "new": _new, "init": _init}
    try:
        return handler[args.command](args)
    except CredcatError as exc:
        if sys.stderr.isatty():
            print("\r\x1b[K", end="", file=sys.stderr)  # past a progress line
        print(f"credcat: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


REPEATS_SHOWN = 5
"""How many warnings of one code are printed in full before the rest are counted (see --verbose)."""


def report(diagnostics: Sequence[Diagnostic], *, strict: bool, verbose: bool = False) -> None:
    """Print diagnostics to stderr, promoting warnings to errors under --strict.

    Errors are always printed in full. A warning code that repeats across a large catalog
    (R006 in 300 files) is printed in full a few times, then counted, so the errors stay in
    sight; --verbose prints every one.
    """
    shown: dict[str, int] = {}
    hidden: dict[str, set[str]] = {}
    for diagnostic in promote(diagnostics, strict):
        seen = shown.get(diagnostic.code, 0)
        if diagnostic.is_error or verbose or seen < REPEATS_SHOWN:
            shown[diagnostic.code] = seen + 1
            print(diagnostic.format(), file=sys.stderr)
        else:
            hidden.setdefault(diagnostic.code, set()).add(diagnostic.location.path)
    for code, paths in hidden.items():
        count = len(paths)
        print(f"warning[{code}] in {count} more file{'s' * (count != 1)}; --verbose for all", file=sys.stderr)


def promote(diagnostics: Sequence[Diagnostic], strict: bool) -> list[Diagnostic]:
    if not strict:
        return list(diagnostics)
    return [Diagnostic(Severity.ERROR, d.code, d.message, d.location, d.hint) for d in diagnostics]


def summary(diagnostics: Sequence[Diagnostic], strict: bool) -> str:
    """'2 errors, 1 warning', as the diagnostics were printed."""
    shown = promote(diagnostics, strict)
    errors = sum(d.is_error for d in shown)
    warnings = len(shown) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def build_summary(outcome: BuildOutcome, options: BuildOptions) -> str:
    """The one-line result of a build, for a person."""
    if not outcome.written:
        return f"FAILED: nothing written; {summary(outcome.diagnostics, options.strict)}"
    text = (
        f"Built {outcome.pages} pages ({outcome.credentials} credentials, {outcome.stacks} stacks) "
        f"into {options.out}/ in {outcome.seconds:.2f}s"
    )
    if not outcome.absolute_urls:
        text += "\n(sitemap.xml and feed.xml need absolute URLs: pass a full --base-url to write them)"
    return text


def _check(args: argparse.Namespace) -> Checked:
    from catalog.check import CheckOptions, check_catalog, resolve_today

    profile = getattr(args, "profile", None) or DEFAULT_PROFILE
    progress = terminal_progress(args)
    progress("checking")
    checked = check_catalog(
        args.content, CheckOptions(resolve_today(args.today), profile), cache=_cache(args), jobs=_jobs(args)
    )
    _MADE.append(checked)
    progress("")
    return checked


def _cache(args: argparse.Namespace) -> Cache:
    if args.no_cache:
        return NO_CACHE
    # The preview server builds again after every save: it keeps the checked files in memory.
    remember = ("checked", "quality") if args.command == "serve" else ()
    return Cache(default_cache_folder(args.content), remember=remember)


def _jobs(args: argparse.Namespace) -> int:
    return int(args.jobs) if args.jobs else available_cores()


def terminal_progress(args: argparse.Namespace) -> Progress:
    """One line on a terminal, rewritten as each stage starts; nothing when quiet or not a terminal."""
    if args.quiet or not sys.stderr.isatty():
        return no_progress
    started = time.perf_counter()

    def show(stage: str) -> None:
        line = f"credcat: {stage}... ({time.perf_counter() - started:.1f} s)" if stage else ""
        print(f"\r\x1b[K{line}", end="", file=sys.stderr, flush=True)

    return show


def _validate(args: argparse.Namespace) -> int:
    checked = _check(args)
    failed = checked.failed(strict=args.strict)
    if args.format == "json":
        print(json.dumps([d.as_json() for d in promote(checked.diagnostics, args.strict)], indent=2))
    else:
        report(checked.diagnostics, strict=args.strict, verbose=args.verbose)
        if checked.catalog is not None:
            counts = f"{len(checked.catalog.credentials)} credentials, {len(checked.catalog.stacks)} stacks"
        else:
            counts = "content not usable"
        print(f"{'FAILED' if failed else 'OK'}: {counts}; {summary(checked.diagnostics, args.strict)}")
    return EXIT_CONTENT if failed else EXIT_OK


def build_options(args: argparse.Namespace, base_url: str) -> BuildOptions:
    from catalog.check import resolve_today

    return BuildOptions(
        args.content,
        args.out,
        SiteUrls.parse(base_url),
        resolve_today(getattr(args, "today", None)),
        drafts=args.drafts,
        strict=args.strict,
        force=getattr(args, "force", False),
        search=not getattr(args, "no_search", False),
        jobs=_jobs(args),
        cache=_cache(args),
        progress=terminal_progress(args) if args.command == "build" else no_progress,
    )


def _build(args: argparse.Namespace) -> int:
    from site_builder.build import build

    options = build_options(args, args.base_url)
    outcome = build(options)
    _MADE.append(outcome)
    options.progress("")
    report(outcome.diagnostics, strict=args.strict, verbose=args.verbose)
    print(build_summary(outcome, options))
    return EXIT_OK if outcome.written else EXIT_CONTENT


def _serve(args: argparse.Namespace) -> int:
    from site_builder.serve import serve

    options = build_options(args, "/")

    def on_build(outcome: BuildOutcome) -> None:
        report(outcome.diagnostics, strict=options.strict, verbose=args.verbose)
        print(build_summary(outcome, options) + ("" if outcome.written else "; still serving the last good site"))
        sys.stdout.flush()

    def on_error(exc: CredcatError) -> None:
        print(f"credcat: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        print("Rebuild failed; still serving the last good site", flush=True)

    serve(options, args.port, on_build, on_error)
    return EXIT_OK


def _quality(args: argparse.Namespace) -> int:
    from catalog.check import resolve_today

    today = resolve_today(args.today)
    checked = _check(args)
    report(checked.diagnostics, strict=args.strict, verbose=args.verbose)
    if checked.quality is None:
        print("FAILED: the quality profile has errors")
        return EXIT_CONTENT
    if args.format == "json":
        print(json.dumps(checked.quality.as_json(), indent=2))
    else:
        print(format_quality(checked.quality, today))
    accepted = (MET, REVIEW) if args.allow_review else (MET,)
    failing = [c.id for c in checked.quality.credentials if c.status == "active" and c.overall not in accepted]
    if args.require_all and failing:
        print(
            f"FAILED --require-all: {len(failing)} active credential(s) do not meet every standard: "
            + ", ".join(failing),
            file=sys.stderr,
        )
        return EXIT_CONTENT
    return EXIT_CONTENT if checked.failed(strict=args.strict) else EXIT_OK


QUALITY_MARKS = {"met": "yes", "not_met": "NO", "review": "??"}


def format_quality(result: QualityReport, today: datetime.date) -> str:
    """A credentials x standards table (readable without colour), then what is missing and who decided."""
    standards = result.profile.standards
    names = [f"{c.id}{' (draft)' if c.status == 'draft' else ''}" for c in result.credentials]
    width = max([len(n) for n in names] + [10])
    short = [s.id.split("-")[-1][-3:] for s in standards]
    lines = [
        f"{result.profile.name}: {len(result.credentials)} credentials, as of {today.isoformat()}",
        "",
        "credential".ljust(width) + "  " + " ".join(f"{s:>3}" for s in short),
    ]
    for name, credential in zip(names, result.credentials):
        lines.append(name.ljust(width) + "  " + " ".join(f"{QUALITY_MARKS[v.status]:>3}" for v in credential.verdicts))
    lines += [
        "",
        "yes = met, NO = not met, ?? = awaits a reviewer's judgement. A person judges "
        + ", ".join(s.id for s in standards if s.judged)
        + " (after their data checks pass); data decides the rest.",
        "Columns: " + "; ".join(f"{s.id} {s.name}" for s in standards),
    ]
    for credential in result.credentials:
        missed = [v for v in credential.verdicts if v.status == NOT_MET]
        waiting = [v.standard for v in credential.verdicts if v.status == REVIEW]
        judged = [v for v in credential.verdicts if v.status != REVIEW and v.decided_by not in (None, DATA)]
        if missed or waiting or judged:
            lines += ["", f"{credential.id}:"]
        lines += [f"  {v.standard} not met: {reason}" for v in missed for reason in v.reasons]
        lines += [f"  {v.standard} {v.status.replace('_', ' ')}: {v.reasons[0]}" for v in judged if v.status == MET]
        if waiting:
            lines.append(f"  awaiting a reviewer: {', '.join(waiting)}")
    if result.stacks:
        lines += ["", "stacks (a stack meets every standard only when every member does):"]
        for stack in result.stacks:
            short_of = ", ".join(f"{member} ({status.replace('_', ' ')})" for member, status in stack.short_of)
            lines.append(
                f"  {stack.id}: {stack.status.replace('_', ' ')}" + (f"; because of {short_of}" if short_of else "")
            )
    active = [c for c in result.credentials if c.status == "active"]
    counts = {status: sum(c.overall == status for c in active) for status in (MET, REVIEW, NOT_MET)}
    lines += [
        "",
        f"Of {len(active)} active credentials: {counts[MET]} meet every standard, {counts[REVIEW]} await a "
        f"reviewer on at least one, {counts[NOT_MET]} do not meet at least one.",
    ]
    return "\n".join(lines)


def _init(args: argparse.Namespace) -> int:
    from site_builder.build import tool_version
    from site_builder.starter import TOOL_URL, init_catalog

    version = tool_version()
    init_catalog(args.dir, version, args.tool_url or TOOL_URL, force=args.force)
    print(f"Created a catalog in {args.dir}/ (credential-catalog {version}). Next:")
    print(f"  cd {args.dir}")
    print("  edit content/site.yaml: your title, issuer, jurisdictions and glossary")
    print("  credcat serve                  preview at http://localhost:8000/ (the examples are drafts:")
    print("                                 set status: active to publish one)")
    print("  credcat validate --strict      what the publishing workflow runs")
    print("  git init && git add . && git commit -m 'New catalog', push to GitHub, and choose")
    print("  Settings -> Pages -> Source: GitHub Actions")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from site_builder.scaffold import archive_version, write_skeleton

    if args.kind == "version":
        path = archive_version(args.id, args.content)
        print(
            f"archived {path}: now edit content/credentials/{args.id}.md, raise its version and add a "
            "review.history entry saying what changed"
        )
        return EXIT_OK
    path = write_skeleton(args.kind, args.id, args.content)
    print(f"wrote {path}: fill in the placeholders, then run 'credcat validate'")
    return EXIT_OK


def run() -> NoReturn:
    """The `credcat` command: `main`, then leave without taking apart what it built.

    At exit Python frees every object one at a time: after a build of 10,000 credentials that was
    0.4 s of freeing millions of objects. By then every file is written and closed and the
    process pools are shut down, so the output streams are flushed and the process ends. Under a
    profiler or a tracer (coverage), which write their results at exit, it exits as usual."""
    code = main()
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12's tools (coverage can use it)
    if (
        sys.getprofile() is not None
        or sys.gettrace() is not None
        or (monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6)))
    ):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # a closed pipe or stream: exit as Python would
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
