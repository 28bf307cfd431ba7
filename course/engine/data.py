"""Load the course's incident and response datasets, validated with pandera.

Why this module exists: every lesson, model and figure reads the same two files,
``data/incidents.csv`` and ``data/responses.csv``. If each reader parsed them its own way, a typo
in one row (a misspelt category, a year like ``20015``, a response pointing at an incident that
does not exist) would surface as a wrong chart three notebooks later. Here the files are checked
once, declaratively, against the coding rules in ``data/README.md``; a bad file stops with a
:class:`DataValidationError` that says which file, which line, which column, what was found and
what is allowed, so a contributor can fix the row without reading code.

Two stages, both pandera schemas:

1. The raw text of every cell is checked (vocabularies, year ranges, ISO codes, the source
   format, cross-column rules such as "a disguised state operation has a sponsoring host").
   Checking text first means a non-numeric year is reported as a bad value, not as a crash.
2. The typed frame is built (categoricals, nullable integers) and checked against the typed
   contract that other modules rely on.

Nothing is read or cached at import time; each call reads the file again (both files load in a
few tens of milliseconds, see ``benchmarks/bench_data.py``).

Typical use::

    from course.engine.data import load_incidents, load_responses, responses_with_incidents
    incidents = load_incidents()
    responses = load_responses(incidents=incidents)
    joined = responses_with_incidents(responses, incidents)
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final, NamedTuple

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from course.engine.paths import DATA_DIR

__all__ = [
    "ACTOR_TYPES",
    "ATTRIBUTION_LEVELS",
    "HOST_POSTURES",
    "INCIDENTS_FILE",
    "INCIDENT_COLUMNS",
    "ISO_ALPHA2",
    "MANY_STATES",
    "OUTCOMES",
    "RESPONDER_UNIONS",
    "RESPONSES_FILE",
    "RESPONSE_COLUMNS",
    "RESPONSE_OPTIONS",
    "RESPONSE_OUTCOMES",
    "SCALES",
    "TARGETS",
    "UNKNOWN",
    "VICTIM_ASSISTANCE",
    "YEAR_RANGE",
    "DataValidationError",
    "Problem",
    "is_uncertain",
    "load_incidents",
    "load_responses",
    "responses_with_incidents",
    "scenario_for",
    "victim_codes",
]

# --- Vocabularies (the coding rules behind each one are in data/README.md) -------------------

ACTOR_TYPES: Final = (
    "criminal",
    "hacktivist",
    "proxy_contractor",
    "patriotic_hackers",
    "state_disguised",
    "non_state_armed_group",
)
"""Who attacked. ``state_disguised`` is a state operation wearing a criminal or hacktivist mask."""

HOST_POSTURES: Final = ("willing_able", "willing_unable", "able_unwilling", "sponsor", "unknown")
"""How the state the attack came from behaved (the brief's distinctions), plus ``unknown``."""

SCALES: Final = ("small", "large", "destructive")
"""Ordered: everyday crime < societal impact < physical damage or harm to people."""

ATTRIBUTION_LEVELS: Final = (
    "none",
    "industry",
    "claimed",
    "government",
    "government_evidence",
    "joint",
)
"""Ordered weakest to strongest public attribution (order as set in issue 3)."""

OUTCOMES: Final = ("yes", "no", "unknown")
"""Values of the two outcome columns, ``stopped`` and ``escalated``."""

RESPONSE_OPTIONS: Final = (
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "law_enforcement",
    "victim_assistance",
)
"""The brief's seven options as strings (``RESPONSE_OPTIONS[:7]`` is the ladder), plus two
measures outside the ladder: takedowns and seizures (neither 4 nor 6), and help to the victim
state (not option 2, which is help to a willing but unable *host*)."""

VICTIM_ASSISTANCE: Final = "victim_assistance"
"""The one option whose target is the victim state."""

TARGETS: Final = ("actor", "host_state", "victim_state")
"""Whom a response is aimed at. ``victim_state`` goes with ``victim_assistance`` and only with it;
option 2 (capacity-building for the host) goes to ``host_state``."""

RESPONSE_OUTCOMES: Final = (
    "stopped",
    "continued",
    "rebranded",
    "arrested",
    "refused",
    "host_retaliated",
    "unknown",
)
"""What followed one response (column ``outcome`` of the responses): the activity stopped or
continued, the group reappeared under a new name, suspects were arrested or convicted, the host
refused the request, the host or the attackers answered with hostile action, or not known."""

RESPONDER_UNIONS: Final = ("EU", "NATO")
"""Responders that are not single states."""

MANY_STATES: Final = "XX"
"""Extra victim code: many states worldwide (ISO 3166 reserves XX for user assignment)."""

UNKNOWN: Final = "unknown"
"""Value of ``host_state`` when the attackers' location is not established."""

YEAR_RANGE: Final = (1990, 2026)
"""Plausible years for incidents, attributions, responses and source dates (inclusive)."""

INCIDENTS_FILE: Final = "incidents.csv"
RESPONSES_FILE: Final = "responses.csv"

INCIDENT_COLUMNS: Final = (
    "id",
    "name",
    "start_year",
    "end_year",
    "victims",
    "actor",
    "actor_type",
    "host_state",
    "host_posture",
    "scale",
    "effects",
    "attribution",
    "attribution_year",
    "stopped",
    "escalated",
    "sources",
    "notes",
    "uncertain",
    "see_also",
    "checked",
)
RESPONSE_COLUMNS: Final = (
    "incident_id",
    "date",
    "responder",
    "option",
    "target",
    "description",
    "source",
    "outcome",
    "outcome_source",
    "uncertain",
    "checked",
)

_ISO_ALPHA2_TEXT: Final = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
ISO_ALPHA2: Final = frozenset(_ISO_ALPHA2_TEXT.split())
"""The 249 officially assigned ISO 3166-1 alpha-2 codes."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SOURCE = re.compile(r'(?P<publisher>[^",|]+), "(?P<title>[^"|]+)", (?P<date>\d{4}-\d{2}-\d{2})')
_SEE_ALSO = re.compile(r"CFR: [^|\s](?:[^|]*[^|\s])?|EuRepoC: https://[^\s|/]+\.[^\s|/]+/[^\s|]*")
_NOT_UNCERTAIN: Final = frozenset({"id", "uncertain", "checked"})
_HEADER_LINE = 1


# --- Errors -------------------------------------------------------------------------------------


class Problem(NamedTuple):
    """One bad cell: where it is, what it holds and what would be accepted."""

    line: int
    column: str
    value: str
    allowed: str

    def describe(self) -> str:
        """One line of the error message."""
        where = f"line {self.line}, column '{self.column}'"
        return f"{where}: bad value {self.value!r}; allowed: {self.allowed}"


class DataValidationError(ValueError):
    """A data file breaks the coding rules; the message lists every problem found.

    Line numbers count physical lines of the CSV file, the header being line 1, so an editor's
    "go to line" lands on the record (a record with a quoted line break is reported at the line
    where it starts).
    """

    def __init__(self, path: Path | str, problems: Sequence[Problem]) -> None:
        self.path = Path(path)
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.column)))
        header = (
            f"{self.path}: {len(self.problems)} problem(s) "
            "(line = line number in the CSV file, header = line 1)"
        )
        super().__init__("\n".join([header, *("  " + p.describe() for p in self.problems)]))


# --- Reading ------------------------------------------------------------------------------------


def _read_rows(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Read a CSV file as text, indexed by the line each record starts on.

    Why not ``pd.read_csv``: it guesses types (a year ``2007`` becomes a float when another row
    is empty) and loses line numbers; the schemas below want the cells exactly as written and
    the errors want the line. A record with the wrong number of fields is reported here, because
    no column-wise schema can see it.
    """
    problems: list[Problem] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        start = 1
        header: list[str] | None = None
        records: list[list[str]] = []
        lines: list[int] = []
        for row in reader:
            if header is None:
                header = row
            elif any(cell.strip() for cell in row):
                if len(row) != len(header):
                    problems.append(
                        Problem(start, "(record)", f"{len(row)} fields", f"{len(header)} fields")
                    )
                else:
                    records.append(row)
                    lines.append(start)
            start = reader.line_num + 1
    if header is None:
        raise DataValidationError(
            path, [Problem(_HEADER_LINE, "(header)", "", "a header line: " + ", ".join(columns))]
        )
    if problems:
        raise DataValidationError(path, problems)
    return pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=object)


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
                _HEADER_LINE, str(case.failure_case), str(case.failure_case),
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


def _category(values: Sequence[str], *, ordered: bool = False) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(values), ordered=ordered)


def _typed_incident_schema() -> pa.DataFrameSchema:
    year = pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE), nullable=True)
    return pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "start_year": pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE)),
            "end_year": year,
            "attribution_year": year,
            "actor_type": pa.Column(_category(ACTOR_TYPES)),
            "host_posture": pa.Column(_category(HOST_POSTURES)),
            "scale": pa.Column(_category(SCALES, ordered=True)),
            "attribution": pa.Column(_category(ATTRIBUTION_LEVELS, ordered=True)),
            "stopped": pa.Column(_category(OUTCOMES)),
            "escalated": pa.Column(_category(OUTCOMES)),
        },
        name="typed incidents",
    )


def _typed_response_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "incident_id": pa.Column(str),
            "option": pa.Column(_category(RESPONSE_OPTIONS)),
            "target": pa.Column(_category(TARGETS)),
            "outcome": pa.Column(_category(RESPONSE_OUTCOMES)),
        },
        name="typed responses",
    )


def _as_types(frame: pd.DataFrame, types: dict[str, object]) -> pd.DataFrame:
    """Convert the checked text frame; empty text becomes <NA> only in the year columns."""
    out = frame.reset_index(drop=True)
    for column, dtype in types.items():
        values = out[column].replace("", None) if dtype == "Int64" else out[column]
        out[column] = values.astype(dtype)  # type: ignore[call-overload]
    return out.astype({c: "str" for c in out.columns if c not in types})


# --- Public API -------------------------------------------------------------------------------


def load_incidents(path: Path | str | None = None) -> pd.DataFrame:
    """Load and validate ``data/incidents.csv`` (or another file in the same format).

    Returns one row per incident with the columns of :data:`INCIDENT_COLUMNS`: years as nullable
    ``Int64`` (``end_year`` and ``attribution_year`` may be <NA>), ``scale`` and ``attribution``
    as ordered categoricals (so ``df.scale >= "large"`` works), the other coded columns as
    unordered categoricals, and text as strings (empty ``notes``/``uncertain`` stay ``""``).
    ``see_also`` (CFR / EuRepoC entries) and ``checked`` (the YYYY-MM-DD date of the last
    re-check against the sources, ``""`` for a row not yet re-checked) stay text.

    Raises :class:`DataValidationError` (a ``ValueError``) naming the file, line, column, bad
    value and what is allowed, for every problem in the file at once.
    """
    file = Path(path) if path is not None else DATA_DIR / INCIDENTS_FILE
    raw = _read_rows(file, INCIDENT_COLUMNS)
    problems = _check(_raw_incident_schema(), raw, _INCIDENT_RULES, INCIDENT_COLUMNS)
    if problems:
        raise DataValidationError(file, problems)
    typed = _as_types(
        raw,
        {
            "start_year": "Int64",
            "end_year": "Int64",
            "attribution_year": "Int64",
            "actor_type": _category(ACTOR_TYPES),
            "host_posture": _category(HOST_POSTURES),
            "scale": _category(SCALES, ordered=True),
            "attribution": _category(ATTRIBUTION_LEVELS, ordered=True),
            "stopped": _category(OUTCOMES),
            "escalated": _category(OUTCOMES),
        },
    )
    return _typed_incident_schema().validate(typed)


def load_responses(
    path: Path | str | None = None, incidents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load and validate ``data/responses.csv``, checking each row against the incidents.

    ``incidents`` is the frame from :func:`load_incidents`; without it the default incidents
    file is loaded. Every ``incident_id`` must name an incident, and no response may be dated
    before its incident's ``start_year``.

    ``option`` loads as an *unordered* categorical of strings ("1".."7", "law_enforcement",
    "victim_assistance"): strings, because the last two are not numbers; unordered, because
    takedowns and help to the victim sit outside the brief's ladder, so an order would put them
    somewhere arbitrary. For the ladder use ``df.option.isin(RESPONSE_OPTIONS[:7])`` and
    ``.astype(str).astype(int)`` (pandas cannot cast a categorical holding ``law_enforcement``
    straight to int). ``outcome`` (what followed the response, :data:`RESPONSE_OUTCOMES`) is an
    unordered categorical. ``date`` stays text because its precision varies (YYYY, YYYY-MM or
    YYYY-MM-DD); ``checked`` is the YYYY-MM-DD date of the last re-check, or ``""``.
    """
    file = Path(path) if path is not None else DATA_DIR / RESPONSES_FILE
    known = incidents if incidents is not None else load_incidents()
    raw = _read_rows(file, RESPONSE_COLUMNS)
    problems = _check(_raw_response_schema(), raw, _RESPONSE_RULES, RESPONSE_COLUMNS)
    if set(RESPONSE_COLUMNS) <= set(raw.columns):
        link_rules = _link_rules(known)
        problems += _check(_links_schema(known, link_rules), raw, link_rules, RESPONSE_COLUMNS)
    if problems:
        raise DataValidationError(file, problems)
    typed = _as_types(
        raw,
        {
            "option": _category(RESPONSE_OPTIONS),
            "target": _category(TARGETS),
            "outcome": _category(RESPONSE_OUTCOMES),
        },
    )
    return _typed_response_schema().validate(typed)


def responses_with_incidents(
    responses: pd.DataFrame | None = None, incidents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per response with its incident's columns alongside (the join lessons plot from).

    Loads whichever frame is not given. Categorical dtypes survive the join. The incident's
    ``id`` column is dropped because it repeats ``incident_id``. Both tables have ``uncertain``
    and ``checked``: in the joined frame these plain names are the response's, and the
    incident's are ``uncertain_incident`` and ``checked_incident``.
    """
    incidents = incidents if incidents is not None else load_incidents()
    responses = responses if responses is not None else load_responses(incidents=incidents)
    joined = responses.merge(
        incidents,
        how="left",
        left_on="incident_id",
        right_on="id",
        validate="many_to_one",
        suffixes=("", "_incident"),
    )
    return joined.drop(columns="id")


def victim_codes(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (incident, victim code), for maps and per-country counts.

    The ``XX`` code (many states worldwide) is kept; drop it with
    ``df[df.victim != MANY_STATES]`` when only named states matter.
    """
    pairs = incidents[["id", "victims"]].assign(victim=incidents["victims"].str.split(";"))
    return pairs.explode("victim")[["id", "victim"]].reset_index(drop=True)


def is_uncertain(frame: pd.DataFrame, column: str) -> pd.Series:
    """True for rows whose ``uncertain`` field names ``column`` (to flag cells in a table).

    ``frame`` is the incidents, or the responses (or their join with the incidents, whose
    ``uncertain`` is the response's). Raises ``ValueError`` for a name that is not a column of
    that table.
    """
    columns = INCIDENT_COLUMNS if "id" in frame.columns else RESPONSE_COLUMNS
    if column not in columns:
        raise ValueError(f"column: bad value {column!r}; allowed: one of " + ", ".join(columns))
    return frame["uncertain"].str.split(";").apply(lambda names: column in names)


# --- From a coded incident to a model scenario -------------------------------------------------

#: How convincingly each attribution level identifies the attacker (0..1), for the model.
#: A teaching judgement, documented in docs/model.md, rising with the data's ordered levels: a
#: security firm's report is technical but not political; a claim names the actor but may be a
#: disguise; a government's word is stronger, stronger still with an indictment's detail, and
#: strongest when several governments attribute jointly.
ATTRIBUTION_STRENGTH: Final = MappingProxyType(
    {
        "none": 0.0,
        "industry": 0.4,
        "claimed": 0.5,
        "government": 0.7,
        "government_evidence": 0.85,
        "joint": 0.9,
    }
)

#: How much of that evidence is public (0..1) at each level: industry reports and indictments
#: publish technical detail; a claim, a bare government statement or a joint statement publish
#: little.
PUBLIC_EVIDENCE_BY_ATTRIBUTION: Final = MappingProxyType(
    {
        "none": 0.0,
        "industry": 0.6,
        "claimed": 0.3,
        "government": 0.3,
        "government_evidence": 0.8,
        "joint": 0.5,
    }
)


def scenario_for(
    incident_id: str,
    option: int | str,
    incidents: pd.DataFrame | None = None,
    **overrides: object,
):
    """A model :class:`~course.engine.escalation.Scenario` filled from a real incident's coded
    fields.

    ``attack_scale`` comes from ``scale``; ``attribution`` and ``public_evidence`` from the
    attribution level (see :data:`ATTRIBUTION_STRENGTH` and
    :data:`PUBLIC_EVIDENCE_BY_ATTRIBUTION`); ``host_state`` from ``host_posture``. Everything else
    takes the Scenario defaults unless given in ``overrides`` (any Scenario field).

    An incident whose host posture is ``unknown`` needs ``host_state=...`` in ``overrides``: the
    model will not guess what the data does not know.
    """
    from course.engine.escalation import SCENARIO_FIELDS, Scenario  # models build on loaders

    frame = incidents if incidents is not None else load_incidents()
    matches = frame.loc[frame["id"] == incident_id]
    if matches.empty:
        close = difflib.get_close_matches(str(incident_id), frame["id"].tolist(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"incident_id: no incident {incident_id!r} in the data{hint}")
    unknown_fields = sorted(set(overrides) - set(SCENARIO_FIELDS))
    if unknown_fields:
        allowed = ", ".join(f for f in SCENARIO_FIELDS if f != "option")
        names = ", ".join(unknown_fields)
        raise ValueError(f"overrides: unknown field(s) {names}; allowed: {allowed}")
    row = matches.iloc[0]
    fields: dict[str, object] = {
        "option": option,
        "attack_scale": str(row["scale"]),
        "attribution": ATTRIBUTION_STRENGTH[str(row["attribution"])],
        "public_evidence": PUBLIC_EVIDENCE_BY_ATTRIBUTION[str(row["attribution"])],
    }
    posture = str(row["host_posture"])
    if posture != UNKNOWN:
        fields["host_state"] = posture
    elif "host_state" not in overrides:
        raise ValueError(
            f"host_state: incident {incident_id!r} has host_posture 'unknown'; pass "
            "host_state= one of willing_able, willing_unable, able_unwilling, sponsor"
        )
    fields.update(overrides)
    return Scenario(**fields)
