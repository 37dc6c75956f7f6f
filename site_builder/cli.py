"""The `credcat` command line: the only place that prints and chooses exit codes.

Exit codes: 0 success, 1 content errors (or warnings under --strict), 2 usage errors.
Diagnostics go to stderr; the one-line summary goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from catalog.diagnostics import Diagnostic, Severity, has_errors, sort_diagnostics

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"credcat: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="credcat", description="Build a public catalog site from micro-credential files.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)"
        )
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")

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
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR")
    serve.add_argument("--drafts", action="store_true")

    quality = commands.add_parser("quality", help="assess credentials against the MPOS quality standards")
    quality.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    quality.add_argument("--profile", default=None, metavar="NAME", help="quality profile (default: mpos-2024)")
    quality.add_argument("--format", choices=("text", "json"), default="text")
    quality.add_argument("--today", metavar="YYYY-MM-DD", help="date for review checks (default: today)")
    quality.add_argument(
        "--require-all", action="store_true", help="exit 1 unless every active credential meets every standard"
    )

    new = commands.add_parser("new", help="write a commented skeleton for a new credential or stack")
    new.add_argument("kind", choices=("credential", "stack"))
    new.add_argument("id", help="lowercase slug, e.g. exit-tickets")
    new.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one credcat command; return its exit code."""
    args = _parser().parse_args(argv)
    # A TERM signal (CI cancelling, a closed terminal) unwinds like Ctrl+C, so staging folders are removed.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    handler = {"validate": _validate, "build": _build, "serve": _serve, "quality": _quality, "new": _new}
    try:
        return handler[args.command](args)
    except KeyboardInterrupt:
        return 130


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def report(diagnostics: Sequence[Diagnostic], *, strict: bool) -> None:
    """Print diagnostics to stderr, promoting warnings to errors under --strict."""
    for diagnostic in promote(diagnostics, strict):
        print(diagnostic.format(), file=sys.stderr)


def promote(diagnostics: Sequence[Diagnostic], strict: bool) -> list[Diagnostic]:
    if not strict:
        return list(diagnostics)
    return [Diagnostic(Severity.ERROR, d.code, d.message, d.location, d.hint) for d in diagnostics]


def _summary(diagnostics: Sequence[Diagnostic], strict: bool) -> str:
    shown = promote(diagnostics, strict)
    errors = sum(d.is_error for d in shown)
    warnings = len(shown) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _validate(args: argparse.Namespace) -> int:
    from catalog.content import read_catalog, resolve_today
    from catalog.quality import check_content_profiles

    try:
        today = resolve_today(args.today)
    except ValueError as exc:
        print(f"credcat: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    result = read_catalog(args.content, today)
    diagnostics = list(result.diagnostics) + check_content_profiles(args.content)
    if result.catalog is not None:
        from site_builder.markdown import check_descriptions

        diagnostics = list(sort_diagnostics(diagnostics + check_descriptions(result.catalog)))
    failed = has_errors(diagnostics, strict=args.strict)
    if args.format == "json":
        print(json.dumps([d.as_json() for d in promote(diagnostics, args.strict)], indent=2))
    else:
        report(diagnostics, strict=args.strict)
        if result.catalog is not None:
            counts = f"{len(result.catalog.credentials)} credentials, {len(result.catalog.stacks)} stacks"
        else:
            counts = "content not usable"
        print(f"{'FAILED' if failed else 'OK'}: {counts}; {_summary(diagnostics, args.strict)}")
    return EXIT_CONTENT if failed else EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from site_builder.build import BuildOptions, UsageError, build

    try:
        options = BuildOptions.from_args(args)
        outcome = build(options)
    except UsageError as exc:
        print(f"credcat: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report(outcome.diagnostics, strict=args.strict)
    if not outcome.written:
        print(f"FAILED: nothing written; {_summary(outcome.diagnostics, args.strict)}")
        return EXIT_CONTENT
    print(outcome.summary)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from site_builder.serve import serve

    return serve(args.content, args.out, args.port, drafts=args.drafts, strict=args.strict)


def _quality(args: argparse.Namespace) -> int:
    from catalog.content import resolve_today
    from catalog.quality import DEFAULT_PROFILE, UnknownProfile, assess_quality, load_profile
    from catalog.sources import load_sources

    try:
        today = resolve_today(args.today)
        profile, problems = load_profile(args.profile or DEFAULT_PROFILE, args.content)
    except (ValueError, UnknownProfile) as exc:
        print(f"credcat: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report(problems, strict=False)
    if profile is None:
        print("FAILED: the quality profile has errors")
        return EXIT_CONTENT
    loaded = load_sources(args.content)
    report([d for d in loaded.diagnostics if d.is_error], strict=False)  # files that could not be assessed
    glossary = loaded.site.data.get("glossary", {}) if loaded.site else {}
    result = assess_quality(loaded.credentials, profile, today, glossary if isinstance(glossary, dict) else {})
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(format_quality(result, today))
    failing = [c.id for c in result.credentials if c.status == "active" and not c.meets_all]
    if args.require_all and failing:
        print(
            f"FAILED --require-all: {len(failing)} active credential(s) do not meet every standard: "
            + ", ".join(failing),
            file=sys.stderr,
        )
        return EXIT_CONTENT
    return EXIT_OK


QUALITY_MARKS = {"met": "yes", "not_met": "NO", "review": "??"}


def format_quality(result, today) -> str:
    """A credentials x standards table (readable without colour), then the reasons."""
    standards = [s.id for s in result.profile.standards]
    names = [f"{c.id}{' (draft)' if c.status == 'draft' else ''}" for c in result.credentials]
    width = max([len(n) for n in names] + [10])
    short = [sid.split("-")[-1][-3:] for sid in standards]
    lines = [
        f"{result.profile.name}: {len(result.credentials)} credentials, as of {today.isoformat()}",
        "",
        "credential".ljust(width) + "  " + " ".join(f"{s:>3}" for s in short),
    ]
    for name, credential in zip(names, result.credentials):
        lines.append(name.ljust(width) + "  " + " ".join(f"{QUALITY_MARKS[v.status]:>3}" for v in credential.verdicts))
    lines += [
        "",
        "yes = met, NO = not met, ?? = a person must review. Columns: "
        + "; ".join(f"{sid} {s.name}" for sid, s in zip(standards, result.profile.standards)),
    ]
    for credential in result.credentials:
        misses = [v for v in credential.verdicts if v.status != "met"]
        if misses:
            lines += ["", f"{credential.id}:"]
            lines += [f"  {v.standard} {v.status.replace('_', ' ')}: {reason}" for v in misses for reason in v.reasons]
    meeting = sum(c.meets_all for c in result.credentials if c.status == "active")
    active = sum(c.status == "active" for c in result.credentials)
    lines += ["", f"{meeting} of {active} active credentials meet every standard."]
    return "\n".join(lines)


def _new(args: argparse.Namespace) -> int:
    from site_builder.scaffold import ScaffoldError, write_skeleton

    try:
        path = write_skeleton(args.kind, args.id, args.content)
    except ScaffoldError as exc:
        print(f"credcat: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}: fill in the placeholders, then run 'credcat validate'")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
