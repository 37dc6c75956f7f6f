"""Stacks: which credentials a stack groups, and the rules that make a grouping valid.

Membership is written only in stack files; each credential's list of stacks is derived here, so
the two can never drift apart. Stacks of stacks are not supported: a member must be a credential
(a stack id in the member list gets its own clear error rather than a confusing "unknown").
"""

from __future__ import annotations

import datetime
from typing import Iterable, Iterator, Mapping

from catalog.diagnostics import Diagnostic, Suggestions, error, warning
from catalog.labels import choice_range
from catalog.model import Credential, Stack
from catalog.recognition import approved_members, counts, member_credits
from catalog.sources import Source

MIN_MEMBERS = 2
CREDIT_TOLERANCE = 1e-6
"""Credit amounts are decimals added as floats (1.6 + 1.2 + 1.0 is not exactly 3.8)."""


def check_stack_members(
    stacks: Iterable[Source], credentials: Iterable[Source], unreadable: Iterable[str] = ()
) -> Iterator[Diagnostic]:
    """Members exist, are published, appear once; there are enough; `n` fits the member count.

    Members are matched by file name, which validation requires to equal the id; a credential
    whose file is broken is reported once, for its own file, not again for every stack.
    """
    status_by_id: dict[str, object] = {c.stem: c.data.get("status", "active") for c in credentials}
    status_by_id.update({stem: None for stem in unreadable})
    stack_ids = {s.data.get("id") for s in stacks}
    suggest = Suggestions(c for c in status_by_id if isinstance(c, str))
    for stack in stacks:
        members = stack.data.get("credentials")
        if not isinstance(members, list):
            continue
        at = stack.positions.of_value
        seen: set[str] = set()
        for index, member in enumerate(members):
            if not isinstance(member, str):
                continue
            where = at(("credentials", index))
            if member in seen:
                yield error(
                    "S003", f"credential '{member}' appears twice in this stack", where, "list each credential once"
                )
            elif member in stack_ids and member not in status_by_id:
                yield error(
                    "S006",
                    f"'{member}' is a stack; a stack can only contain credentials",
                    where,
                    "list that stack's credentials here instead",
                )
            elif member not in status_by_id:
                yield error(
                    "S001",
                    f"unknown credential '{member}'",
                    where,
                    suggest(member) or f"add content/credentials/{member}.md or fix the id",
                )
            elif status_by_id[member] not in ("active", None) and not (
                status_by_id[member] == "draft" and stack.data.get("status") == "draft"
            ):  # a draft stack may gather draft credentials while they are written
                yield error(
                    "S002",
                    f"credential '{member}' is {status_by_id[member]}; a stack can only list active credentials",
                    where,
                    "make the credential active, or remove it from the stack",
                )
            seen.add(member)
        if len(members) < MIN_MEMBERS:
            yield error(
                "S004",
                f"a stack needs at least {MIN_MEMBERS} credentials, this one has {len(members)}",
                at(("credentials",)),
            )
        yield from _check_completion(stack, len(members))


def _check_completion(stack: Source, member_count: int) -> Iterator[Diagnostic]:
    completion = stack.data.get("completion")
    if not isinstance(completion, dict):
        return
    rule, n = completion.get("rule"), completion.get("n")
    at = stack.positions.of_value
    if rule == "n_of" and n is None:
        yield error(
            "S005",
            "completion rule 'n_of' needs 'n': how many credentials the earner must complete",
            at(("completion",)),
            "add 'n: 2' (for example) under 'completion'",
        )
    elif rule == "n_of" and isinstance(n, int) and not 1 <= n <= member_count:
        yield error(
            "S005",
            f"completion 'n' is {n}, but it must be between 1 and {member_count} (the member count)",
            at(("completion", "n")),
        )
    elif rule == "all" and n is not None:
        yield error(
            "S005", "completion rule 'all' takes no 'n'", at(("completion", "n")), "remove 'n', or use rule: n_of"
        )


def stacks_by_credential(stacks: Iterable[Stack]) -> Mapping[str, tuple[str, ...]]:
    """For each credential id, the ids of the stacks that contain it, in stack order."""
    result: dict[str, list[str]] = {}
    for stack in stacks:
        for member in stack.credentials:
            result.setdefault(member, []).append(stack.id)
    return {key: tuple(value) for key, value in result.items()}


def check_licensure_fit(
    source: Source, stack: Stack, members: tuple[Credential, ...], today: datetime.date
) -> Iterator[Diagnostic]:
    """A stack's fit counted from its members (`basis: members`, the default) must agree with them.

    A required member without its own approval there is a warning (the claim outruns the
    evidence); a credit that is not the members' own total (or, for 'any N of M', outside the
    range of totals) is an error. A row with `basis: stack` is the recognizer's word on the stack
    as a whole and stands as written.
    """
    required = stack.required_count
    for index, row in enumerate(stack.licensure_fit):
        if row.basis != "members" or not counts(row, today):
            continue
        at = source.positions.of_value(("licensure_fit", index))
        approved = approved_members(row, members, today)
        if len(approved) < required:
            missing = [m.id for m in members if m not in approved]
            whom = "a required member has" if required == len(members) else f"only {len(approved)} members have"
            yield warning(
                "S007",
                f"{whom} no approved {row.jurisdiction} {row.use} row of its own: {', '.join(missing)}",
                at,
                "add the members' own approvals, or say 'basis: stack' if the recognizer approved the stack as a whole",
            )
        if row.credit is None:
            continue
        credits = member_credits(row, members, today)
        if len(credits) < required:
            continue  # the total is unknown; the warning above says why
        total = choice_range(credits, required)
        if not total.low - CREDIT_TOLERANCE <= row.credit.amount <= total.high + CREDIT_TOLERANCE:
            stated = f"{row.credit.amount:g} {row.credit.unit}"
            yield error(
                "S008",
                f"the stack claims {stated} in {row.jurisdiction}, but its members' own credit totals "
                + total.words(lambda value: f"{value:g} {row.credit.unit}" if row.credit else f"{value:g}"),
                source.positions.of_value(("licensure_fit", index, "credit", "amount")),
                "state the members' total, or say 'basis: stack' if the recognizer set the stack's credit itself",
            )


def check_prerequisites(
    credentials: Iterable[Source], stacks: Iterable[Source], unreadable: Iterable[str] = ()
) -> Iterator[Diagnostic]:
    """Prerequisites name real credentials (R014), never form a cycle (R015), and point at published
    ones (R016, a warning); a stack earned in order never puts a credential before its prerequisite (S009)."""
    sources = list(credentials)
    status = {c.stem: c.data.get("status", "active") for c in sources}
    known = set(status) | set(unreadable)
    suggest = Suggestions(known)
    requires: dict[str, list[str]] = {}
    for source in sources:
        prerequisites = source.data.get("prerequisites")
        if not isinstance(prerequisites, list):
            continue
        requires[source.stem] = []
        for index, prerequisite in enumerate(prerequisites):
            if not isinstance(prerequisite, str):
                continue
            at = source.positions.of_value(("prerequisites", index))
            if prerequisite not in known:
                yield error(
                    "R014",
                    f"unknown prerequisite '{prerequisite}'",
                    at,
                    suggest(prerequisite) or "give the id of a credential in content/credentials/",
                )
                continue
            requires[source.stem].append(prerequisite)
            if status.get(prerequisite) in ("draft", "retired") and source.data.get("status", "active") == "active":
                yield warning(
                    "R016",
                    f"prerequisite '{prerequisite}' is {status[prerequisite]}: earners cannot start it",
                    at,
                    "publish it, or remove it from the prerequisites",
                )
    yield from _prerequisite_cycles(sources, requires)
    for stack in stacks:
        members = stack.data.get("credentials")
        if stack.data.get("sequence", "ordered") != "ordered" or not isinstance(members, list):
            continue
        position = {member: index for index, member in enumerate(members) if isinstance(member, str)}
        for member, index in position.items():
            for prerequisite in requires.get(member, ()):
                if position.get(prerequisite, -1) > index:
                    yield error(
                        "S009",
                        f"the stack is earned in order, but '{member}' comes before its prerequisite '{prerequisite}'",
                        stack.positions.of_value(("credentials", index)),
                        f"list '{prerequisite}' before '{member}', or set sequence: any_order",
                    )


def _prerequisite_cycles(sources: list[Source], requires: Mapping[str, list[str]]) -> Iterator[Diagnostic]:
    """Each cycle once, reported at the prerequisite that closes it (a depth-first walk, linear)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    by_stem = {source.stem: source for source in sources}

    def visit(node: str, path: list[str]) -> Iterator[Diagnostic]:
        state[node] = 1
        for index, prerequisite in enumerate(requires.get(node, ())):
            if state.get(prerequisite) == 1:
                cycle = (
                    path[path.index(prerequisite) :] + [node, prerequisite]
                    if prerequisite in path
                    else [node, prerequisite]
                )
                source = by_stem[node]
                listed = source.data.get("prerequisites", [])
                at = source.positions.of_value(("prerequisites", listed.index(prerequisite)))
                yield error(
                    "R015",
                    "prerequisites form a cycle: " + " -> ".join(dict.fromkeys(cycle)) + f" -> {prerequisite}",
                    at,
                    "no credential can be a prerequisite of itself, directly or through others",
                )
            elif prerequisite not in state and prerequisite in requires:
                yield from visit(prerequisite, path + [node])
        state[node] = 2

    for node in requires:
        if node not in state:
            yield from visit(node, [])
