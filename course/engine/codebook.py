"""What the two data files may contain, and how a breach is reported: the course's codebook.

The vocabularies, column lists, ISO codes and year range below are the coding rules of
``data/README.md`` as Python values; lessons import them for labels and filters, the checks in
:mod:`course.engine.data_rules` hold every cell to them, and the loaders in
:mod:`course.engine.data` turn the coded columns into the typed frames (:data:`INCIDENT_TYPES`,
:data:`RESPONSE_TYPES`) every figure reads. :class:`DataValidationError` is the one error a bad
file gives: file, line, column, the value found and what is allowed.

This module needs only pandas: knowing the codes must not cost the import of the checking
library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Final, NamedTuple

import pandas as pd

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


#: Line number of the header of a CSV file (problems with the columns are reported there).
HEADER_LINE: Final = 1


def category_dtype(values: Sequence[str], *, ordered: bool = False) -> pd.CategoricalDtype:
    """The pandas categorical type of a coded column (ordered for scale and attribution)."""
    return pd.CategoricalDtype(list(values), ordered=ordered)


#: Typed columns of the incidents frame (every other column stays text): years as nullable
#: integers, the codes as categoricals, ``scale`` and ``attribution`` ordered.
INCIDENT_TYPES: Final[Mapping[str, object]] = MappingProxyType(
    {
        "start_year": "Int64",
        "end_year": "Int64",
        "attribution_year": "Int64",
        "actor_type": category_dtype(ACTOR_TYPES),
        "host_posture": category_dtype(HOST_POSTURES),
        "scale": category_dtype(SCALES, ordered=True),
        "attribution": category_dtype(ATTRIBUTION_LEVELS, ordered=True),
        "stopped": category_dtype(OUTCOMES),
        "escalated": category_dtype(OUTCOMES),
    }
)

#: Typed columns of the responses frame; ``option`` is unordered (see ``load_responses``).
RESPONSE_TYPES: Final[Mapping[str, object]] = MappingProxyType(
    {
        "option": category_dtype(RESPONSE_OPTIONS),
        "target": category_dtype(TARGETS),
        "outcome": category_dtype(RESPONSE_OUTCOMES),
    }
)

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
