"""The benchmark: how fast and how big `credcat build` and `credcat validate` are on a generated catalog (not a test).

    make bench, or: .venv/bin/python bench/run.py --n 2000 [--search] [--keep DIR] [--json FILE]

Why: the performance targets (docs/performance.md) are relative, so one run measures the build against a floor
on the same machine at the same moment (a ratio survives a shared machine's ±20 % better than a time does):

- the BARE LOOP (`--bare-loop CONTENT OUT`, run in its own process) reads every credential and stack file, splits
  the YAML front matter from the Markdown, parses it with libyaml (`yaml.CSafeLoader`), renders the Markdown with
  one `MarkdownIt("commonmark")`, renders one page per file with one Jinja2 template (head, navigation, every
  front-matter field, the body, a footer) and writes it. It checks nothing and links nothing: it is the floor
  that any static-site generator built on these three libraries pays, on one core;
- then the real CLI, each command in a fresh process as a user runs it: a cold build (no cache, no output), a
  rebuild with nothing changed, then a rebuild after editing one credential (the steady state of a maintainer
  previewing edit after edit), validate with and without the cache, and (with --search) a cold build
  with the Pagefind index.

Each command's wall time and peak memory are measured from outside: the RSS (VmRSS) of the process and every
descendant (the build may use a process pool, and Pagefind is a child) is summed every 20 ms, and the peak sum is
reported. Forked workers share pages with their parent, so the sum is an upper bound. `os.wait4` adds the CPU
seconds of the whole tree (CPU / wall shows how many cores were used) and the largest single process.

The generated catalog is the sample's content folder plus N copies of `exit-tickets` with a new id, title,
competency words and effort, and N/5 stacks of 5 credentials each: deterministic for a given N.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown_it
import yaml
from markupsafe import Markup

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"
BASE_URL = "/repo/"
CACHE = ".credcat-cache"
"""The build's cache folder, beside the content folder."""
NEW_FLAGS = ("--quiet", "--no-cache", "--jobs")
"""Options a newer CLI accepts; the benchmark passes --quiet only where the CLI knows it."""
SAMPLE_EVERY = 0.02
"""Seconds between two memory samples of the process tree."""
MB = 1e6

WORDS = (
    "fractions reading phonics feedback routines coaching inquiry argument discourse vocabulary "
    "geometry algebra writing fluency science history music wellness attendance planning"
).split()
STACK_SIZE = 5


# Generating the catalog


def generate(root: Path, count: int) -> Path:
    """Copy the sample content into root/content and add `count` credentials and count/5 stacks, seeded by count."""
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    template = (content / "credentials" / "exit-tickets.md").read_text(encoding="utf-8")
    rng = random.Random(count)
    ids = [f"generated-{n:05d}" for n in range(count)]
    for n, new_id in enumerate(ids):
        text = generated_credential(template, new_id, n, rng)
        (content / "credentials" / f"{new_id}.md").write_text(text, encoding="utf-8")
    for n in range(0, count - STACK_SIZE + 1, STACK_SIZE):
        stack_id = f"generated-stack-{n:05d}"
        (content / "stacks" / f"{stack_id}.yaml").write_text(
            generated_stack(stack_id, n, ids[n : n + STACK_SIZE]), encoding="utf-8"
        )
    return content


def generated_credential(template: str, new_id: str, n: int, rng: random.Random) -> str:
    """Exit-tickets under a new id, CTID, title, competency words and effort, so pages and the index differ."""
    topic = " ".join(rng.sample(WORDS, 3))
    title = f"Generated Credential {n} on {topic.title()}"
    return (
        template.replace("id: exit-tickets", f"id: {new_id}")
        .replace("ctid: ce-578c4626-038a-5519-87fa-790c89e1f221", f"ctid: {generated_ctid(new_id)}")
        .replace("title: Using Exit Tickets to Adjust Instruction", f"title: {title}")
        .replace("exit tickets to gather evidence", f"exit tickets about {topic} to gather evidence")
        .replace("effort_hours: 8", f"effort_hours: {rng.randint(2, 30)}")
    )


def generated_stack(stack_id: str, n: int, members: list[str]) -> str:
    listed = "\n".join(f"  - {member}" for member in members)
    return (
        f"id: {stack_id}\nctid: {generated_ctid(stack_id)}\ntitle: Generated Stack {n}\n"
        "label: Finish these credentials in order.\n"
        f"credentials:\n{listed}\ncompletion: {{rule: all}}\n"
    )


def generated_ctid(record_id: str) -> str:
    """A Credential Engine id of the right shape, the same for the same record id."""
    return f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, record_id)}"


def edit_one_credential(content: Path, count: int) -> Path:
    """Append a sentence to the description of the middle generated credential (a one-edit rebuild)."""
    path = content / "credentials" / f"generated-{count // 2:05d}.md"
    with path.open("a", encoding="utf-8") as file:
        file.write("\nThis sentence was added by the benchmark to measure a rebuild after one edit.\n")
    return path


# The bare loop: the floor


BARE_PAGE = """<!DOCTYPE html>
{%- macro show(value) -%}
{%- if value is mapping -%}
<dl>{% for key, item in value.items() %}<dt>{{ key }}</dt><dd>{{ show(item) }}</dd>{% endfor %}</dl>
{%- elif value is string -%}{{ value }}
{%- elif value is iterable -%}<ul>{% for item in value %}<li>{{ show(item) }}</li>{% endfor %}</ul>
{%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ data.title }} | Educator Micro-credentials</title>
<meta name="description" content="{{ data.label }}">
<link rel="stylesheet" href="/repo/assets/site.css">
<link rel="stylesheet" href="/repo/assets/print.css" media="print">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <a class="site-title" href="/repo/">Educator Micro-credentials</a>
  <nav aria-label="Main">
    <ul>
      <li><a href="/repo/credentials/"{% if kind == "credentials" %} aria-current="page"{% endif %}>Credentials</a></li>
      <li><a href="/repo/stacks/"{% if kind == "stacks" %} aria-current="page"{% endif %}>Stacks</a></li>
      <li><a href="/repo/recognition/">Where they count</a></li>
      <li><a href="/repo/quality/">Quality</a></li>
    </ul>
  </nav>
</header>
<main id="main" tabindex="-1">
  <h1>{{ data.title }}</h1>
  <p class="label">{{ data.label }}</p>
  {% if body %}<section class="description">{{ body }}</section>{% endif %}
  <section class="fields">{{ show(data) }}</section>
</main>
<footer class="site-footer">
  <p>Built from {{ source }}. Sample data, not an official statement by any state.</p>
</footer>
</body>
</html>
"""


def split_front_matter(text: str) -> tuple[str, str]:
    """The YAML between the opening and closing `---` lines, and the Markdown after them."""
    if not text.startswith("---\n"):
        return text, ""
    end = text.find("\n---\n", 3)
    if end < 0:
        return text[4:], ""
    return text[4 : end + 1], text[end + 5 :]


def bare_loop(content: Path, out: Path) -> int:
    """Read, parse, render and write one page per credential and stack file; return the pages written."""
    markdown = markdown_it.MarkdownIt("commonmark")
    page = jinja2.Environment(autoescape=True).from_string(BARE_PAGE)
    sources = [("credentials", path) for path in sorted((content / "credentials").glob("*.md"))]
    sources += [("stacks", path) for path in sorted((content / "stacks").glob("*.yaml"))]
    for kind, path in sources:
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        data = yaml.load(front, Loader=yaml.CSafeLoader)
        html = Markup(markdown.render(body)) if body else ""
        target = out / kind / str(data.get("id", path.stem)) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.render(data=data, body=html, kind=kind, source=path.name), encoding="utf-8")
    return len(sources)


# Measuring a process tree


@dataclass(frozen=True, slots=True)
class Run:
    """One command, measured from outside."""

    seconds: float
    peak_mb: float
    """Peak of the summed VmRSS of the process and its descendants."""
    largest_process_mb: float
    """ru_maxrss from os.wait4: the largest single process of the tree."""
    cpu_seconds: float
    """User and system time of the process and its waited-for descendants."""
    system_seconds: float
    """The system part of `cpu_seconds`: mostly the file system's, creating files and folders (the
    build writes six times as many as the bare loop, and what a file costs the kernel here has
    varied more than tenfold from one minute to the next)."""
    pagefind_seconds: float
    """How long a `pagefind*` process was seen in the tree (0 when none was)."""
    pagefind_peak_mb: float
    returncode: int
    output_tail: str


def process_table(skip: set[int]) -> dict[int, tuple[int, str]]:
    """Every visible process not in skip: pid -> (parent pid, command name)."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as file:
                stat = file.read()
        except OSError:
            continue
        name, _, rest = stat.partition("(")[2].rpartition(")")
        fields = rest.split()
        if len(fields) > 1:
            table[int(entry.name)] = (int(fields[1]), name)
    return table


def process_tree(root: int, strangers: set[int]) -> tuple[dict[int, str], set[int]]:
    """The root process and its descendants (pid -> command name), and every other pid seen, now or before.

    A process's ancestry is fixed when it starts, so a process found outside the tree never joins it: later
    samples skip those, which keeps a sample cheap (a few files, not every process of a shared machine).
    """
    table = process_table(strangers)
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    tree: dict[int, str] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        if pid in table and pid not in tree:
            tree[pid] = table[pid][1]
            pending.extend(children.get(pid, ()))
    return tree, strangers | (table.keys() - tree.keys())


def rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 once it has exited or is a zombie)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as file:
            for line in file:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(slots=True)
class TreeSampler:
    """Samples a process tree's summed RSS from a thread until stopped; keeps the peaks."""

    root: int
    peak_kb: int = 0
    pagefind_peak_kb: int = 0
    pagefind_first: float | None = None
    pagefind_last: float | None = None
    strangers: set[int] = field(default_factory=set)
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        self.sample()
        while not self._done.wait(SAMPLE_EVERY):
            self.sample()

    def sample(self) -> None:
        now = time.perf_counter()
        tree, self.strangers = process_tree(self.root, self.strangers)
        sizes = {pid: (name, rss_kb(pid)) for pid, name in tree.items()}
        self.peak_kb = max(self.peak_kb, sum(kb for _, kb in sizes.values()))
        pagefind = [kb for name, kb in sizes.values() if name.startswith("pagefind")]
        if pagefind:
            self.pagefind_first = now if self.pagefind_first is None else self.pagefind_first
            self.pagefind_last = now
            self.pagefind_peak_kb = max(self.pagefind_peak_kb, sum(pagefind))

    @property
    def pagefind_seconds(self) -> float:
        if self.pagefind_first is None or self.pagefind_last is None:
            return 0.0
        return self.pagefind_last - self.pagefind_first + SAMPLE_EVERY


def measure(command: list[str], cwd: Path) -> Run:
    """Run one command to its end, sampling its process tree; output goes to files so no pipe can fill."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        tail = "\n".join(output.read().decode("utf-8", errors="replace").splitlines()[-30:])
    return Run(
        seconds=seconds,
        peak_mb=sampler.peak_kb * 1024 / MB,
        largest_process_mb=usage.ru_maxrss * 1024 / MB,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        system_seconds=usage.ru_stime,
        pagefind_seconds=sampler.pagefind_seconds,
        pagefind_peak_mb=sampler.pagefind_peak_kb * 1024 / MB,
        returncode=process.returncode,
        output_tail=tail,
    )


# The commands


class StageFailed(Exception):
    """A measured command exited with an error."""


def known_flags(command: str) -> frozenset[str]:
    """Which of NEW_FLAGS `credcat <command>` accepts, from its --help."""
    help_command = [sys.executable, "-m", "site_builder.cli", command, "--help"]
    completed = subprocess.run(help_command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise StageFailed(f"{' '.join(help_command)} exited {completed.returncode}\n{completed.stderr[-3000:]}")
    return frozenset(flag for flag in NEW_FLAGS if flag in completed.stdout)


def credcat(command: str, *args: str, flags: frozenset[str]) -> list[str]:
    quiet = ["--quiet"] if "--quiet" in flags else []
    return [sys.executable, "-m", "site_builder.cli", command, *args, *quiet]


def build_command(flags: frozenset[str], *, search: bool = False) -> list[str]:
    args = ["--content", "content", "--out", "site", "--base-url", BASE_URL, "--today", TODAY]
    return credcat("build", *args, *([] if search else ["--no-search"]), flags=flags)


def validate_command(flags: frozenset[str]) -> list[str]:
    return credcat("validate", "--content", "content", "--today", TODAY, flags=flags)


def bare_loop_command() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--bare-loop", "content", "bare"]


def forget(root: Path, *names: str) -> None:
    """Remove the cache or an output folder, so the next command starts cold."""
    for name in names:
        shutil.rmtree(root / name, ignore_errors=True)


STAGES = {
    "bare_loop": "bare loop (the floor)",
    "cold_build": "cold build",
    "unchanged_rebuild": "rebuild, nothing changed",
    "warm_rebuild": "rebuild after 1 edit",
    "validate_warm": "validate, warm",
    "validate_cold": "validate, cold",
    "search_build": "build with search, cold",
}
"""Each stage's key (in --json) and name (in the table), in the order they run."""


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    run: Run
    pages: int | None
    """HTML files in the output, for the commands that write one."""

    @property
    def pages_per_second(self) -> float | None:
        return None if self.pages is None else self.pages / self.run.seconds


def run_stage(key: str, command: list[str], root: Path, output: str | None) -> Stage:
    """Measure one command in root; stop the benchmark if it fails."""
    print(f"  {STAGES[key]} ...", file=sys.stderr, flush=True)
    run = measure(command, root)
    if run.returncode != 0:
        raise StageFailed(f"{STAGES[key]} failed (exit {run.returncode}): {' '.join(command)}\n{run.output_tail}")
    pages = None if output is None else sum(1 for _ in (root / output).rglob("*.html"))
    return Stage(key, run, pages)


# Output sizes


@dataclass(frozen=True, slots=True)
class Sizes:
    site_bytes: int
    """Everything in the output except pagefind/."""
    credentials: int
    """Published credentials (folders with a credential.json)."""
    largest_page: str
    largest_page_bytes: int
    largest_json: str
    largest_json_bytes: int
    cache_bytes: int | None
    """The cache folder after the cold build (None when the build keeps none)."""

    @property
    def bytes_per_credential(self) -> float:
        return self.site_bytes / max(self.credentials, 1)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def site_sizes(site: Path, cache: Path) -> Sizes:
    """Output sizes without the search index, so a change that grows the site shows beside the timings."""
    files = [path for path in site.rglob("*") if path.is_file() and path.relative_to(site).parts[0] != "pagefind"]
    sizes = {path: path.stat().st_size for path in files}
    pages = [path for path in files if path.suffix == ".html"]
    records = [path for path in files if path.suffix in (".json", ".jsonl")]
    page = max(pages, key=sizes.__getitem__)
    record = max(records, key=sizes.__getitem__)
    return Sizes(
        site_bytes=sum(sizes.values()),
        credentials=sum(1 for _ in (site / "credentials").glob("*/credential.json")),
        largest_page=str(page.relative_to(site)),
        largest_page_bytes=sizes[page],
        largest_json=str(record.relative_to(site)),
        largest_json_bytes=sizes[record],
        cache_bytes=folder_bytes(cache) if cache.is_dir() else None,
    )


# The run


RATIOS = (
    ("cold_build_over_bare_loop", "cold build / bare loop", "cold_build", "bare_loop"),
    ("unchanged_rebuild_over_cold_build", "rebuild, no change / cold build", "unchanged_rebuild", "cold_build"),
    ("warm_rebuild_over_cold_build", "rebuild after 1 edit / cold build", "warm_rebuild", "cold_build"),
    ("validate_warm_over_validate_cold", "validate warm / validate cold", "validate_warm", "validate_cold"),
    ("search_build_over_cold_build", "build with search / cold build", "search_build", "cold_build"),
)
"""The ratios that count: (key, label, numerator stage, denominator stage)."""


@dataclass(frozen=True, slots=True)
class Report:
    machine: dict[str, Any]
    stages: tuple[Stage, ...]
    sizes: Sizes
    pagefind_bytes: int | None

    def ratios(self) -> dict[str, float]:
        seconds = {stage.key: stage.run.seconds for stage in self.stages}
        cpu = {stage.key: stage.run.cpu_seconds for stage in self.stages}
        user = {stage.key: stage.run.cpu_seconds - stage.run.system_seconds for stage in self.stages}
        ratios = {key: seconds[top] / seconds[bottom] for key, _, top, bottom in RATIOS if top in seconds}
        return ratios | {
            "cold_build_over_bare_loop_cpu": cpu["cold_build"] / cpu["bare_loop"],
            "cold_build_over_bare_loop_user_cpu": user["cold_build"] / user["bare_loop"],
            "validate_warm_seconds": seconds["validate_warm"],
        }


def run_benchmark(root: Path, count: int, search: bool) -> Report:
    """Generate the catalog in root, then measure every stage in the order that keeps each one honest."""
    flags = {command: known_flags(command) for command in ("build", "validate")}
    machine = machine_facts(count, flags)
    print(f"generating {count} credentials in {root} ...", file=sys.stderr, flush=True)
    content = generate(root, count)
    stages = [run_stage("bare_loop", bare_loop_command(), root, "bare")]
    forget(root, CACHE, "site")
    stages.append(run_stage("cold_build", build_command(flags["build"]), root, "site"))
    sizes = site_sizes(root / "site", root / CACHE)
    # A maintainer previews after every edit: the edit's rebuild is measured in that steady state,
    # where the build starts from the site it retired the time before (site_builder.publish).
    stages.append(run_stage("unchanged_rebuild", build_command(flags["build"]), root, "site"))
    edit_one_credential(content, count)
    stages.append(run_stage("warm_rebuild", build_command(flags["build"]), root, "site"))
    stages.append(run_stage("validate_warm", validate_command(flags["validate"]), root, None))
    forget(root, CACHE)
    stages.append(run_stage("validate_cold", validate_command(flags["validate"]), root, None))
    pagefind_bytes = None
    if search:
        forget(root, CACHE, "site")
        stages.append(run_stage("search_build", build_command(flags["build"], search=True), root, "site"))
        pagefind_bytes = folder_bytes(root / "site" / "pagefind")
    return Report(machine, tuple(stages), sizes, pagefind_bytes)


def machine_facts(count: int, flags: dict[str, frozenset[str]]) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "n": count,
        "cli_flags": {command: sorted(known) for command, known in flags.items()},
    }


# Printing


def format_report(report: Report) -> str:
    machine = report.machine
    flags = "; ".join(f"{command}: {' '.join(known) or 'none'}" for command, known in machine["cli_flags"].items())
    lines = [
        f"N = {machine['n']} generated credentials | {machine['cpus']} CPUs | Python {machine['python']} | "
        f"load average {' '.join(map(str, machine['load_average']))} at start",
        f"new CLI options accepted ({flags})",
        "",
        f"{'stage':<26}{'seconds':>9}{'pages':>8}{'pages/s':>9}{'peak MB':>9}{'1 proc MB':>11}"
        f"{'CPU s':>8}{'sys s':>7}{'cores':>7}",
    ]
    for stage in report.stages:
        lines.append(stage_row(stage))
        if stage.key == "search_build":
            run = stage.run
            lines.append(f"{'  of which Pagefind':<26}{run.pagefind_seconds:>9.2f}{'':>17}{run.pagefind_peak_mb:>9.0f}")
    lines += [
        "peak MB: summed RSS of the process tree, sampled every 20 ms; 1 proc MB: its largest process (wait4);",
        "CPU s: user and system time of the tree; sys s: the system part; cores: CPU seconds / wall seconds",
        "",
        *ratio_lines(report),
        "",
        *size_lines(report),
    ]
    return "\n".join(lines)


def stage_row(stage: Stage) -> str:
    run = stage.run
    pages = "-" if stage.pages is None else str(stage.pages)
    rate = "-" if stage.pages_per_second is None else f"{stage.pages_per_second:.0f}"
    return (
        f"{STAGES[stage.key]:<26}{run.seconds:>9.2f}{pages:>8}{rate:>9}{run.peak_mb:>9.0f}"
        f"{run.largest_process_mb:>11.0f}{run.cpu_seconds:>8.1f}{run.system_seconds:>7.1f}"
        f"{run.cpu_seconds / run.seconds:>7.2f}"
    )


def ratio_lines(report: Report) -> list[str]:
    ratios = report.ratios()
    lines = [f"{label:<36}{ratios[key]:>7.2f}" for key, label, _, _ in RATIOS if key in ratios]
    return [
        *lines,
        f"{'cold build / bare loop, CPU seconds':<36}{ratios['cold_build_over_bare_loop_cpu']:>7.2f}"
        "   (what each consumed, however busy the machine)",
        f"{'cold build / bare loop, user CPU':<36}{ratios['cold_build_over_bare_loop_user_cpu']:>7.2f}"
        "   (the same without the kernel's part)",
        f"{'validate, warm (seconds)':<36}{ratios['validate_warm_seconds']:>7.2f}",
    ]


def size_lines(report: Report) -> list[str]:
    sizes = report.sizes
    cache = "none" if sizes.cache_bytes is None else f"{sizes.cache_bytes / MB:.1f} MB"
    lines = [
        "output of the cold build",
        f"  site without pagefind/   {sizes.site_bytes / MB:.1f} MB, "
        f"{sizes.bytes_per_credential / 1e3:.1f} KB per credential ({sizes.credentials} published)",
        f"  largest page             {sizes.largest_page}, {sizes.largest_page_bytes / 1e3:.0f} KB",
        f"  largest JSON             {sizes.largest_json}, {sizes.largest_json_bytes / MB:.2f} MB",
        f"  cache ({CACHE})   {cache}",
    ]
    if report.pagefind_bytes is not None:
        lines.append(f"  pagefind/ (with search)  {report.pagefind_bytes / MB:.1f} MB")
    return lines


def report_json(report: Report) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    for stage in report.stages:
        run = {key: value for key, value in asdict(stage.run).items() if key not in ("returncode", "output_tail")}
        stages[stage.key] = {"pages": stage.pages, "pages_per_second": stage.pages_per_second} | run
    return {
        "machine": report.machine,
        "stages": stages,
        "ratios": report.ratios(),
        "sizes": asdict(report.sizes) | {"bytes_per_credential": report.sizes.bytes_per_credential},
        "pagefind_bytes": report.pagefind_bytes,
    }


# The command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="generated credentials (default: 2000)")
    parser.add_argument("--search", action="store_true", help="also measure a build with the Pagefind index (slow)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate into DIR (new or empty) and leave it there")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--bare-loop", nargs=2, type=Path, metavar=("CONTENT", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_loop:
        bare_loop(*args.bare_loop)
        return 0
    if args.n < STACK_SIZE:
        print(f"--n must be at least {STACK_SIZE}", file=sys.stderr)
        return 2
    if args.keep and args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
        print(f"--keep {args.keep}: the folder is not empty; choose a new one", file=sys.stderr)
        return 2
    try:
        report = run_in_folder(args)
    except StageFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report_json(report), indent=2) + "\n", encoding="utf-8")
    return 0


def run_in_folder(args: argparse.Namespace) -> Report:
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run_benchmark(args.keep.resolve(), args.n, args.search)
        print(f"kept in {args.keep}: content/, site/ and bare/ (the bare loop's pages)", file=sys.stderr)
        return report
    with tempfile.TemporaryDirectory(prefix="credcat-bench-") as tmp:
        return run_benchmark(Path(tmp), args.n, args.search)


if __name__ == "__main__":
    sys.exit(main())
