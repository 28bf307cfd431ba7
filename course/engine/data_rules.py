"""The checks every data file must pass, as pandera schemas, and their readable problems.

Why pandera: the rules of ``data/README.md`` read as a declaration (this column holds one of
these codes, that one a year in range, a disguised state operation has a sponsoring host), and
pandera runs them all at once (``lazy=True``) so a contributor sees every bad cell of a file in
one message, not the first one only.

Two stages, both pandera schemas:

1. The raw text of every cell is checked (vocabularies, year ranges, ISO codes, the source
   format, cross-column rules). Checking text first means a non-numeric year is reported as a
   bad value, not as a crash.
2. The typed frame is checked against the typed contract that other modules rely on.

The loaders in :mod:`course.engine.data` call this module only for a file whose exact bytes
have not passed before (:mod:`course.engine.data_stamps`): importing pandera and running the
checks cost about half a second, which every kernel paid at start.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Final, NamedTuple

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from course.engine.codebook import (
    ACTOR_TYPES,
    ATTRIBUTION_LEVELS,
    HEADER_LINE,
    HOST_POSTURES,
    INCIDENT_COLUMNS,
    INCIDENTS_FILE,
    ISO_ALPHA2,
    MANY_STATES,
    OUTCOMES,
    RESPONDER_UNIONS,
    RESPONSE_COLUMNS,
    RESPONSE_OPTIONS,
    RESPONSE_OUTCOMES,
    RESPONSES_FILE,
    SCALES,
    TARGETS,
    UNKNOWN,
    VICTIM_ASSISTANCE,
    YEAR_RANGE,
    Problem,
    category_dtype,
)

__all__ = [
    "check_typed_incidents",
    "check_typed_responses",
    "incident_problems",
    "response_problems",
]

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SOURCE = re.compile(r'(?P<publisher>[^",|]+), "(?P<title>[^"|]+)", (?P<date>\d{4}-\d{2}-\d{2})')
_SEE_ALSO = re.compile(r"CFR: [^|\s](?:[^|]*[^|\s])?|EuRepoC: https://[^\s|/]+\.[^\s|/]+/[^\s|]*")
_NOT_UNCERTAIN: Final = frozenset({"id", "uncertain", "checked"})


# --- Cell rules (each returns True for an acceptable cell) ----------------------------------


def _is_year(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) == 4 and _in_range(int(value))


def _in_range(year: int) -> bool:
    return YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


def _is_date(value: str, *, full: bool = False) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD (only the last when ``full``), a real calendar date in range."""
    match = _DATE.fullmatch(value)
    if not match or (full and match.group(3) is None):
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return _in_range(year)


def _codes(value: str, allowed: frozenset[str] | set[str]) -> bool:
    """A non-empty ``;``-separated list of distinct allowed codes."""
    parts = value.split(";")
    return bool(value) and len(set(parts)) == len(parts) and all(p in allowed for p in parts)


def _is_sources(value: str) -> bool:
    """One or more ``Publisher, "Title or description", YYYY-MM-DD`` joined by `` | ``."""
    parts = value.split(" | ")
    return bool(value) and all(
        (m := _SOURCE.fullmatch(p)) is not None and _is_date(m["date"], full=True) for p in parts
    )


def _is_see_also(value: str) -> bool:
    """Empty, or ``CFR: <entry title>`` / ``EuRepoC: <https URL>`` entries joined by `` | ``."""
    parts = value.split(" | ")
    return value == "" or all(
        _SEE_ALSO.fullmatch(p) and p.count("CFR: ") + p.count("EuRepoC: ") == 1 for p in parts
    )


def _is_checked(value: str) -> bool:
    """Empty (not yet re-checked) or the YYYY-MM-DD date of the last re-check."""
    return value == "" or _is_date(value, full=True)


def _uncertain_rule(columns: Sequence[str]) -> Callable[[str], bool]:
    """Empty, or distinct names of ``columns`` (but not id, uncertain, checked) joined by ``;``."""
    names = set(columns) - _NOT_UNCERTAIN
    return lambda value: value == "" or _codes(value, names)


def _year(value: object) -> int | None:
    return int(value) if isinstance(value, str) and _is_year(value) else None


# --- Schema building blocks --------------------------------------------------------------------


def _cell(rule: Callable[[str], bool], allowed: str) -> pa.Check:
    """An element-wise check whose error text is the "allowed" part of the message."""
    return pa.Check(rule, element_wise=True, error=allowed)


def _one_of(values: Sequence[str]) -> pa.Check:
    return pa.Check.isin(list(values), error="one of " + ", ".join(values))


_REQUIRED = _cell(lambda v: v.strip() != "", "any non-empty text")
_YEAR_TEXT = f"a four-digit year {YEAR_RANGE[0]}..{YEAR_RANGE[1]}"
_SOURCE_TEXT = 'Publisher, "Title or description", YYYY-MM-DD (several joined by " | ")'
_SEE_ALSO_TEXT = 'empty, or entries "CFR: <entry title>" or "EuRepoC: <https URL>" joined by " | "'
_CHECKED = _cell(_is_checked, "empty or a date YYYY-MM-DD (the day the row was last re-checked)")


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(object, checks=list(checks), unique=unique, nullable=False)


class _RowRule(NamedTuple):
    """A rule across columns, reported against ``column`` with ``allowed`` as the explanation."""

    name: str
    column: str
    allowed: str
    ok: Callable[[pd.Series], bool]


def _row_checks(rules: Sequence[_RowRule]) -> list[pa.Check]:
    """Wrap each rule as a DataFrame-level pandera check returning one boolean per row."""

    def check(rule: _RowRule) -> pa.Check:
        def ok_rows(df: pd.DataFrame) -> pd.Series:
            return pd.Series([bool(rule.ok(row)) for _, row in df.iterrows()], index=df.index)

        return pa.Check(ok_rows, name=rule.name, error=rule.name)

    return [check(rule) for rule in rules]


def _end_not_before_start(row: pd.Series) -> bool:
    start, end = _year(row["start_year"]), _year(row["end_year"])
    return start is None or end is None or end >= start


def _attribution_year_fits(row: pd.Series) -> bool:
    start, year = _year(row["start_year"]), _year(row["attribution_year"])
    if row["attribution"] == "none":
        return row["attribution_year"] == ""
    if row["attribution_year"] == "":
        return False
    return start is None or year is None or year >= start


_INCIDENT_RULES: Final = (
    _RowRule("end_year_not_before_start", "end_year", "empty or a year >= start_year",
             _end_not_before_start),
    _RowRule("attribution_year_fits", "attribution_year",
             "a year >= start_year (empty only when attribution is 'none')",
             _attribution_year_fits),
    _RowRule("disguised_state_has_sponsor", "host_posture",
             "sponsor (required when actor_type is state_disguised)",
             lambda r: r["actor_type"] != "state_disguised" or r["host_posture"] == "sponsor"),
    _RowRule("unknown_host_unknown_posture", "host_posture",
             "unknown (required when host_state is unknown)",
             lambda r: r["host_state"] != UNKNOWN or r["host_posture"] == UNKNOWN),
)  # fmt: skip

_RESPONSE_RULES: Final = (
    _RowRule("victim_target_only_for_assistance", "target",
             f"actor or host_state (victim_state only with option {VICTIM_ASSISTANCE})",
             lambda r: r["target"] != "victim_state" or r["option"] == VICTIM_ASSISTANCE),
    _RowRule("assistance_targets_victim", "target",
             f"victim_state (required when option is {VICTIM_ASSISTANCE})",
             lambda r: r["option"] != VICTIM_ASSISTANCE
             or r["target"] not in ("actor", "host_state")),
    _RowRule("capacity_building_targets_host", "target",
             "host_state (required when option is 2: capacity-building for the host state)",
             lambda r: r["option"] != "2" or r["target"] != "actor"),
    _RowRule("outcome_needs_source", "outcome_source",
             _SOURCE_TEXT + " (required unless outcome is unknown)",
             lambda r: r["outcome"] == UNKNOWN or r["outcome_source"] != ""),
)  # fmt: skip


def _raw_incident_schema() -> pa.DataFrameSchema:
    year_or_empty = _cell(lambda v: v == "" or _is_year(v), _YEAR_TEXT + " or empty")
    slug = _cell(lambda v: bool(_SLUG.fullmatch(v)), "a lowercase slug like estonia-2007")
    victims = _cell(
        lambda v: _codes(v, ISO_ALPHA2 | {MANY_STATES}),
        f"ISO 3166-1 alpha-2 codes separated by ';' ({MANY_STATES} = many states)",
    )
    host = _cell(lambda v: v in ISO_ALPHA2 or v == UNKNOWN, "an ISO 3166-1 alpha-2 code or unknown")
    uncertain = _cell(
        _uncertain_rule(INCIDENT_COLUMNS), "empty, or incident column names separated by ';'"
    )
    return pa.DataFrameSchema(
        {
            "id": _text(slug, unique=True),
            "name": _text(_REQUIRED),
            "start_year": _text(_cell(_is_year, _YEAR_TEXT)),
            "end_year": _text(year_or_empty),
            "victims": _text(victims),
            "actor": _text(_REQUIRED),
            "actor_type": _text(_one_of(ACTOR_TYPES)),
            "host_state": _text(host),
            "host_posture": _text(_one_of(HOST_POSTURES)),
            "scale": _text(_one_of(SCALES)),
            "effects": _text(_REQUIRED),
            "attribution": _text(_one_of(ATTRIBUTION_LEVELS)),
            "attribution_year": _text(year_or_empty),
            "stopped": _text(_one_of(OUTCOMES)),
            "escalated": _text(_one_of(OUTCOMES)),
            "sources": _text(_cell(_is_sources, _SOURCE_TEXT)),
            "notes": _text(),
            "uncertain": _text(uncertain),
            "see_also": _text(_cell(_is_see_also, _SEE_ALSO_TEXT)),
            "checked": _text(_CHECKED),
        },
        checks=_row_checks(_INCIDENT_RULES),
        strict=True,
        ordered=True,
        name=INCIDENTS_FILE,
    )


def _raw_response_schema() -> pa.DataFrameSchema:
    first, last = YEAR_RANGE
    when = _cell(_is_date, f"YYYY-MM-DD, YYYY-MM or YYYY, {first}..{last}")
    responder = _cell(
        lambda v: v in ISO_ALPHA2 or v in RESPONDER_UNIONS,
        "an ISO 3166-1 alpha-2 code or one of " + ", ".join(RESPONDER_UNIONS),
    )
    return pa.DataFrameSchema(
        {
            "incident_id": _text(_REQUIRED),
            "date": _text(when),
            "responder": _text(responder),
            "option": _text(_one_of(RESPONSE_OPTIONS)),
            "target": _text(_one_of(TARGETS)),
            "description": _text(_REQUIRED),
            "source": _text(_cell(_is_sources, _SOURCE_TEXT)),
            "outcome": _text(_one_of(RESPONSE_OUTCOMES)),
            "outcome_source": _text(
                _cell(lambda v: v == "" or _is_sources(v), _SOURCE_TEXT + ", or empty")
            ),
            "uncertain": _text(
                _cell(
                    _uncertain_rule(RESPONSE_COLUMNS),
                    "empty, or response column names separated by ';'",
                )
            ),
            "checked": _text(_CHECKED),
        },
        checks=_row_checks(_RESPONSE_RULES),
        strict=True,
        ordered=True,
        name=RESPONSES_FILE,
    )


def _link_rules(incidents: pd.DataFrame) -> tuple[_RowRule, ...]:
    """Cross-file row rule: a response is not dated before its incident began."""
    start = dict(zip(incidents["id"].astype(str), incidents["start_year"], strict=True))

    def not_before_incident(row: pd.Series) -> bool:
        year = _year(str(row["date"])[:4])
        first = start.get(row["incident_id"])
        return year is None or first is None or pd.isna(first) or year >= int(first)

    allowed = "a date in or after the start_year of its incident"
    return (_RowRule("response_not_before_incident", "date", allowed, not_before_incident),)


def _links_schema(incidents: pd.DataFrame, rules: Sequence[_RowRule]) -> pa.DataFrameSchema:
    """Cross-file schema: every response names an existing incident, plus ``rules``."""
    ids = incidents["id"].astype(str).tolist()
    allowed = f"an id from {INCIDENTS_FILE} (e.g. " + ", ".join(ids[:3]) + ")"
    return pa.DataFrameSchema(
        {"incident_id": pa.Column(object, pa.Check.isin(ids, error=allowed))},
        checks=_row_checks(rules),
        name=RESPONSES_FILE,
    )


# --- Turning pandera's failure table into readable problems -----------------------------------

_STRUCTURE_CHECKS: Final = {
    "column_in_schema": "unexpected column; expected columns",
    "column_in_dataframe": "missing column; expected columns",
    "column_ordered": "columns out of order; expected order",
}


def _problems(
    errors: SchemaErrors, frame: pd.DataFrame, rules: Sequence[_RowRule], columns: Sequence[str]
) -> list[Problem]:
    by_name = {rule.name: rule for rule in rules}
    expected = ", ".join(columns)
    found: dict[tuple[int, str, str], Problem] = {}
    for case in errors.failure_cases.itertuples(index=False):
        check = str(case.check)
        if check in _STRUCTURE_CHECKS:
            problem = Problem(
                HEADER_LINE, str(case.failure_case), str(case.failure_case),
                f"{_STRUCTURE_CHECKS[check]}: {expected}",
            )  # fmt: skip
        elif check in by_name:
            rule = by_name[check]
            line = int(case.index)
            problem = Problem(line, rule.column, str(frame.at[line, rule.column]), rule.allowed)
        else:
            allowed = "a value not used on another line" if "unique" in check else check
            problem = Problem(int(case.index), str(case.column), str(case.failure_case), allowed)
        found.setdefault((problem.line, problem.column, problem.allowed), problem)
    return list(found.values())


def _check(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    rules: Sequence[_RowRule],
    columns: Sequence[str],
) -> list[Problem]:
    """Run ``schema`` lazily (all failures at once) and return them as problems."""
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return _problems(errors, frame, rules, columns)
    return []


# --- Typed frames -------------------------------------------------------------------------------


def _typed_incident_schema() -> pa.DataFrameSchema:
    year = pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE), nullable=True)
    return pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "start_year": pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE)),
            "end_year": year,
            "attribution_year": year,
            "actor_type": pa.Column(category_dtype(ACTOR_TYPES)),
            "host_posture": pa.Column(category_dtype(HOST_POSTURES)),
            "scale": pa.Column(category_dtype(SCALES, ordered=True)),
            "attribution": pa.Column(category_dtype(ATTRIBUTION_LEVELS, ordered=True)),
            "stopped": pa.Column(category_dtype(OUTCOMES)),
            "escalated": pa.Column(category_dtype(OUTCOMES)),
        },
        name="typed incidents",
    )


def _typed_response_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "incident_id": pa.Column(str),
            "option": pa.Column(category_dtype(RESPONSE_OPTIONS)),
            "target": pa.Column(category_dtype(TARGETS)),
            "outcome": pa.Column(category_dtype(RESPONSE_OUTCOMES)),
        },
        name="typed responses",
    )


# --- What the loaders call ---------------------------------------------------------------------


def incident_problems(raw: pd.DataFrame) -> list[Problem]:
    """Every problem in the raw text of an incidents file (empty if it passes)."""
    return _check(_raw_incident_schema(), raw, _INCIDENT_RULES, INCIDENT_COLUMNS)


def response_problems(raw: pd.DataFrame, incidents: pd.DataFrame) -> list[Problem]:
    """Every problem in the raw text of a responses file, read against ``incidents``."""
    problems = _check(_raw_response_schema(), raw, _RESPONSE_RULES, RESPONSE_COLUMNS)
    if set(RESPONSE_COLUMNS) <= set(raw.columns):
        link_rules = _link_rules(incidents)
        problems += _check(_links_schema(incidents, link_rules), raw, link_rules, RESPONSE_COLUMNS)
    return problems


def check_typed_incidents(typed: pd.DataFrame) -> None:
    """Raise pandera's ``SchemaError`` if the typed incidents break the typed contract."""
    _typed_incident_schema().validate(typed)


def check_typed_responses(typed: pd.DataFrame) -> None:
    """Raise pandera's ``SchemaError`` if the typed responses break the typed contract."""
    _typed_response_schema().validate(typed)
