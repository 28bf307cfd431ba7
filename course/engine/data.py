"""Load the course's incident and response datasets, checked against their coding rules.

Why this module exists: every lesson, model and figure reads the same two files,
``data/incidents.csv`` and ``data/responses.csv``. If each reader parsed them its own way, a typo
in one row (a misspelt category, a year like ``20015``, a response pointing at an incident that
does not exist) would surface as a wrong chart three notebooks later. Here every file is held to
the rules of ``data/README.md`` (:mod:`course.engine.data_rules`, pandera schemas); a bad file
stops with a :class:`DataValidationError` that says which file, which line, which column, what
was found and what is allowed, so a contributor can fix the row without reading code.

The checks run for a file whose exact bytes have not passed before; a file that has passed is
loaded straight away (:mod:`course.engine.checked_files`: a stamp is the SHA-256 of the file, the
rules and the libraries, so any edit is checked again in full). That saves every kernel
about half a second at start; ``COURSE_CHECK_DATA=always`` checks on every load.

The vocabularies and columns (``ACTOR_TYPES``, ``INCIDENT_COLUMNS``, ...) are defined in
:mod:`course.engine.codebook` and importable from here too. Nothing is read at import time.
Each call reads the file's bytes again; a file this process already loaded with the same bytes
is not parsed again (each caller gets its own copy), so an edited file shows at the next call
(times in ``benchmarks/bench_data.py``).

Typical use::

    from course.engine.data import load_incidents, load_responses, responses_with_incidents
    incidents = load_incidents()
    responses = load_responses(incidents=incidents)
    joined = responses_with_incidents(responses, incidents)
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Final

import pandas as pd

from course.engine import checked_files
from course.engine.codebook import (
    ACTOR_TYPES,
    ATTRIBUTION_LEVELS,
    HEADER_LINE,
    HOST_POSTURES,
    INCIDENT_COLUMNS,
    INCIDENT_TYPES,
    INCIDENTS_FILE,
    ISO_ALPHA2,
    MANY_STATES,
    OUTCOMES,
    RESPONDER_UNIONS,
    RESPONSE_COLUMNS,
    RESPONSE_OPTIONS,
    RESPONSE_OUTCOMES,
    RESPONSE_TYPES,
    RESPONSES_FILE,
    SCALES,
    TARGETS,
    UNKNOWN,
    VICTIM_ASSISTANCE,
    YEAR_RANGE,
    DataValidationError,
    Problem,
)
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


# --- Reading ------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing or unreadable file names itself."""
    try:
        return path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise DataValidationError(
            path, [Problem(HEADER_LINE, "(file)", str(path), f"a readable CSV file ({reason})")]
        ) from err


def _decode(path: Path, content: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); a bad byte is reported at its line."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        bad = content[err.start : err.end].hex(" ")
        raise DataValidationError(
            path, [Problem(line, "(encoding)", f"bytes {bad}", "UTF-8 text")]
        ) from err


def _read_rows(path: Path, text: str, columns: Sequence[str]) -> pd.DataFrame:
    """Read a CSV file as text, indexed by the line each record starts on.

    Why not ``pd.read_csv``: it guesses types (a year ``2007`` becomes a float when another row
    is empty) and loses line numbers; the checks (data_rules) want the cells exactly as written and
    the errors want the line. A record with the wrong number of fields is reported here, because
    no column-wise schema can see it.
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
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
            path, [Problem(HEADER_LINE, "(header)", "", "a header line: " + ", ".join(columns))]
        )
    if problems:
        raise DataValidationError(path, problems)
    return pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=object)


def _as_types(frame: pd.DataFrame, types: Mapping[str, object]) -> pd.DataFrame:
    """Convert the checked text frame; empty text becomes <NA> only in the year columns."""
    out = frame.reset_index(drop=True)
    for column, dtype in types.items():
        values = out[column].replace("", None) if dtype == "Int64" else out[column]
        out[column] = values.astype(dtype)  # type: ignore[call-overload]
    return out.astype({c: "str" for c in out.columns if c not in types})


#: The modules whose source decides what passes, and the libraries that run the checks.
RULE_MODULES: Final = ("codebook.py", "data_rules.py", "data.py")
CHECK_LIBRARIES: Final = ("pandas", "pandera")


@functools.cache
def _rules() -> str:
    """Fingerprint of the data rules (:func:`course.engine.checked_files.fingerprint`)."""
    here = Path(__file__).resolve().parent
    return checked_files.fingerprint((here / name for name in RULE_MODULES), CHECK_LIBRARIES)


def _links(incidents: pd.DataFrame) -> str:
    """What a responses file is checked against: each incident's id and start year."""
    pairs = zip(incidents["id"].astype(str), incidents["start_year"].astype(str), strict=True)
    return "\n".join(f"{incident},{year}" for incident, year in pairs)


#: Frames this process has loaded, by stamp (the file's bytes, the rules, what it was checked
#: against): a lesson and its model helpers load the same files several times (``scenario_for``
#: without ``incidents`` loads them again), and parsing and typing a file costs about 15 ms. A
#: changed file has another stamp, so it is read again; each caller gets its own copy.
_LOADED: OrderedDict[str, pd.DataFrame] = OrderedDict()
_LOADED_MAX = 8


def _loaded_before(stamp: str) -> pd.DataFrame | None:
    """A copy of the frame this process loaded under ``stamp``, if any (not when every load
    must be checked)."""
    if checked_files.checks_forced() or stamp not in _LOADED:
        return None
    _LOADED.move_to_end(stamp)
    return _LOADED[stamp].copy()


def _remember(stamp: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep ``frame`` for later loads of the same file and hand out a copy of it."""
    _LOADED[stamp] = frame
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.popitem(last=False)
    return frame.copy()


def _load(
    file: Path,
    kind: str,
    columns: Sequence[str],
    types: Mapping[str, object],
    incidents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One data file as a typed frame: from this process's copy, else parsed and typed, with
    every check run unless the same file passed before (``incidents``: what a responses file
    is checked against; None for the incidents file itself)."""
    content = _read_bytes(file)
    context = _links(incidents) if incidents is not None else ""
    stamp = checked_files.stamp_for(_rules(), kind, content, context)
    loaded = _loaded_before(stamp)
    if loaded is not None:
        return loaded
    raw = _read_rows(file, _decode(file, content), columns)
    if checked_files.is_stamped(stamp):
        return _remember(stamp, _as_types(raw, types))
    from course.engine import data_rules  # pandera: only for a file not checked before

    if incidents is None:
        problems = data_rules.incident_problems(raw)
    else:
        problems = data_rules.response_problems(raw, incidents)
    if problems:
        raise DataValidationError(file, problems)
    typed = _as_types(raw, types)
    if incidents is None:
        data_rules.check_typed_incidents(typed)
    else:
        data_rules.check_typed_responses(typed)
    checked_files.add_stamp(stamp)
    return _remember(stamp, typed)


# --- Public API -------------------------------------------------------------------------------


def load_incidents(path: Path | str | None = None) -> pd.DataFrame:
    """Load and check ``data/incidents.csv`` (or another file in the same format).

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
    return _load(file, INCIDENTS_FILE, INCIDENT_COLUMNS, INCIDENT_TYPES)


def load_responses(
    path: Path | str | None = None, incidents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load and check ``data/responses.csv``, each row against the incidents.

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
    return _load(file, RESPONSES_FILE, RESPONSE_COLUMNS, RESPONSE_TYPES, known)


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
