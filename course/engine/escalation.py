"""Escalation-risk teaching model for the seven response options.

Why this module exists: every case study lets a student pick one of the seven options from
Sico van der Meer's Clingendael policy brief (June 2020) and see how risky it is. The score has
to be *transparent*, so the model is a plain sum of points: a base risk for the option plus one
non-negative term per factor, each term scaled by how strong (accusatory, coercive) the option
is. Every point is therefore traceable to a factor (`Assessment.contributions`), and the
properties the brief implies (risk rises with the option number, better attribution never
raises risk, ...) hold *by construction*, not by tuning. The weights are judgement calls, each
justified in ``docs/model.md``; this is a teaching model, not a forecast.

Typical use::

    from course.engine.escalation import Scenario, assess
    a = assess(Scenario(option="sanctions", attack_scale="large", attribution=0.8,
                        public_evidence=0.5, host_state="able_unwilling"))
    a.risk, a.band, a.contributions, a.warnings, a.legal_basis, a.explain()

``assess_many(df)`` scores a whole DataFrame at once (numpy, no Python loop per row) so that a
slider can redraw hundreds of thousands of scenarios; it gives exactly the numbers ``assess``
gives, because both paths run the same arithmetic on the same tables.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "ATTACK_SCALES",
    "ATTRIBUTION_POINTS",
    "BANDS",
    "BAND_LIMITS",
    "BASE_POINTS",
    "COLLATERAL_POINTS",
    "COLLATERAL_WARNING_ABOVE",
    "EXIT_CONDITIONS_POINTS",
    "FACTORS",
    "FACTOR_LABELS",
    "HOST_STATES",
    "HOST_STATE_POINTS",
    "LEGAL_BASES",
    "LEGAL_BASIS_TEXT",
    "LITTLE_PUBLIC_EVIDENCE_BELOW",
    "OPTIONS",
    "OUTPUT_COLUMNS",
    "POWER_RATIO_POINTS",
    "PROPORTIONALITY_POINTS",
    "PUBLIC_EVIDENCE_POINTS",
    "SCENARIO_DEFAULTS",
    "SCENARIO_FIELDS",
    "STRENGTH",
    "TARGETS",
    "TARGET_STATE_POINTS",
    "WARNINGS",
    "WARNING_TEXT",
    "WEAK_ATTRIBUTION_BELOW",
    "Assessment",
    "Option",
    "Scenario",
    "ScenarioError",
    "assess",
    "assess_many",
    "band_for",
    "option_by",
]

# --------------------------------------------------------------------------------------------
# Vocabulary: widgets build their controls from these tuples, so they are the single source.
# --------------------------------------------------------------------------------------------

AttackScale = Literal["small", "large", "destructive"]
HostState = Literal["willing_able", "willing_unable", "able_unwilling", "sponsor"]
Target = Literal["actor", "host_state"]

ATTACK_SCALES: Final = ("small", "large", "destructive")
"""Attack scale, mildest first: common crime, societal impact, physical damage or victims."""

HOST_STATES: Final = ("willing_able", "willing_unable", "able_unwilling", "sponsor")
"""Posture of the state the attack came from, least to most hostile."""

TARGETS: Final = ("actor", "host_state")
"""Whom the response hits: the non-state attackers, or the state hosting them."""

BANDS: Final = ("negligible", "low", "moderate", "high", "severe")
BAND_LIMITS: Final = (10.0, 25.0, 50.0, 75.0)
"""Upper limits (exclusive) of the first four bands; 75 and above is "severe"."""

WARNINGS: Final = (
    "disproportionate",
    "small_scale_crime",
    "weak_attribution",
    "little_public_evidence",
    "collateral_damage",
    "no_exit_conditions",
    "targets_state",
)
"""Warning codes, in the fixed order in which ``Assessment.warnings`` lists them."""

LEGAL_BASES: Final = ("none_needed", "retorsion", "countermeasure", "self_defence")
"""The Tallinn Manual 2.0 ladder, lightest first (necessity is folded into "countermeasure")."""

FACTORS: Final = (
    "option",
    "attribution",
    "public_evidence",
    "host_state",
    "target",
    "proportionality",
    "collateral_damage",
    "exit_conditions",
    "power_ratio",
)
"""Keys of ``Assessment.contributions``, in a fixed order (stacked bars keep their colours)."""

FACTOR_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "option": "Base risk of the option",
        "attribution": "Attribution short of certain",
        "public_evidence": "Evidence not shown in public",
        "host_state": "Host state's posture",
        "target": "Hitting the host state",
        "proportionality": "Out of proportion to the attack",
        "collateral_damage": "Harm to third parties",
        "exit_conditions": "No public exit conditions",
        "power_ratio": "Military balance (option 7)",
    }
)
"""Short labels for charts and tables."""

WARNING_TEXT: Final[Mapping[str, str]] = MappingProxyType(
    {
        "disproportionate": "the response is out of proportion to the attack",
        "small_scale_crime": "small-scale crime calls for other tools than this option",
        "weak_attribution": "attribution is not yet convincing",
        "little_public_evidence": "little of the evidence is public, inviting condemnation",
        "collateral_damage": "third parties are expected to be harmed",
        "no_exit_conditions": "nobody is told what would end the sanctions",
        "targets_state": "the response hits the host state, not only the attackers",
    }
)
"""One plain-language sentence fragment per warning code."""

LEGAL_BASIS_TEXT: Final[Mapping[str, str]] = MappingProxyType(
    {
        "none_needed": "none (a request or an offer of help wrongs nobody)",
        "retorsion": "retorsion (unfriendly, but lawful in itself)",
        "countermeasure": (
            "a countermeasure (unlawful in itself, allowed only in answer to a state's "
            "internationally wrongful act)"
        ),
        "self_defence": "self-defence (force, lawful only against an armed attack)",
    }
)


class Option(NamedTuple):
    """One of the brief's seven response options."""

    number: int
    key: str
    title: str


OPTIONS: Final[Mapping[int, Option]] = MappingProxyType(
    {
        1: Option(1, "request", "Request the host state to act"),
        2: Option(2, "capacity_building", "Capacity-building"),
        3: Option(3, "diplomatic", "Diplomatic action"),
        4: Option(4, "legal", "Legal measures"),
        5: Option(5, "sanctions", "Sanctions"),
        6: Option(6, "cyber_retaliation", "Retaliation in cyberspace"),
        7: Option(7, "military", "Conventional military retaliation"),
    }
)
"""Read-only mapping 1..7 -> Option, in rising order of escalation risk (iterates 1..7)."""

_OPTION_BY_KEY: Final = {o.key: o for o in OPTIONS.values()}
_N_OPTIONS: Final = len(OPTIONS)

# --------------------------------------------------------------------------------------------
# Weights. Every number is justified in docs/model.md ("Weights" table); tests check that the
# table there quotes these values, so the two cannot drift apart. All points are >= 0.
# --------------------------------------------------------------------------------------------

BASE_POINTS: Final = (2.0, 4.0, 12.0, 16.0, 22.0, 32.0, 40.0)
"""Risk of each option before any factor, options 1..7. Option 7's base is its floor (40)."""

STRENGTH: Final = (0.1, 0.1, 0.4, 0.5, 0.7, 0.9, 1.0)
"""How accusatory or coercive each option is (0..1); scales the factor points per option."""

ATTRIBUTION_POINTS: Final = 8.0
"""Points at full strength when attribution is 0; times (1 - attribution)."""

PUBLIC_EVIDENCE_POINTS: Final = 10.0
"""Points at full strength when nothing is shown publicly; times (1 - attribution * public)."""

HOST_STATE_POINTS: Final[Mapping[str, float]] = MappingProxyType(
    {"willing_able": 0.0, "willing_unable": 2.0, "able_unwilling": 4.0, "sponsor": 8.0}
)
"""Points at full strength per host posture; the sponsor is the maximum."""

TARGET_STATE_POINTS: Final = 5.0
"""Points at full strength for hitting the host state (options 3-7 only)."""

COLLATERAL_POINTS: Final = 8.0
"""Points at full strength for collateral_damage = 1 (options 5-7 only)."""

PROPORTIONALITY_POINTS: Final[Mapping[str, tuple[float, ...]]] = MappingProxyType(
    {
        "small": (0.0, 0.0, 0.0, 0.0, 5.0, 10.0, 12.0),
        "large": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0),
        "destructive": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    }
)
"""Points per attack scale and option 1..7 for a response stronger than the attack warrants."""

EXIT_CONDITIONS_POINTS: Final = 6.0
"""Points for sanctions (option 5 only) when it is not public what would end them."""

POWER_RATIO_POINTS: Final = 9.0
"""Option 7 only: POWER_RATIO_POINTS / (1 + power_ratio), so 4.5 at parity, -> 0 when stronger."""

WEAK_ATTRIBUTION_BELOW: Final = 0.5
LITTLE_PUBLIC_EVIDENCE_BELOW: Final = 0.5
COLLATERAL_WARNING_ABOVE: Final = 0.1

_FIRST_TARGETING_OPTION: Final = 3  # options 1-2 ask or help the host state; they hit nobody
_FIRST_COERCIVE_OPTION: Final = 5  # sanctions, cyber and military retaliation
_SANCTIONS: Final = 5
_MILITARY: Final = 7
# The lightest attack scale each option is proportionate to (index into ATTACK_SCALES).
_MIN_PROPORTIONATE_SCALE: Final = (0, 0, 0, 0, 0, 1, 2)
_LEGAL_BY_OPTION: Final = (0, 0, 1, 1, 1, 2, 3)  # index into LEGAL_BASES


def _per_option(weight: float, first_option: int = 1) -> tuple[float, ...]:
    """Weight x strength for each option, zero below the first option the factor applies to."""
    return tuple(weight * s if k + 1 >= first_option else 0.0 for k, s in enumerate(STRENGTH))


# Points tables, options 1..7 (index 0..6). The scalar and the vectorised path both read these
# exact floats, so they produce bit-identical results.
_ATTR: Final = _per_option(ATTRIBUTION_POINTS)
_PUB: Final = _per_option(PUBLIC_EVIDENCE_POINTS)
_HOST: Final = tuple(_per_option(HOST_STATE_POINTS[h]) for h in HOST_STATES)
_TARGET: Final = _per_option(TARGET_STATE_POINTS, first_option=_FIRST_TARGETING_OPTION)
_COLL: Final = _per_option(COLLATERAL_POINTS, first_option=_FIRST_COERCIVE_OPTION)
_PROP: Final = tuple(PROPORTIONALITY_POINTS[s] for s in ATTACK_SCALES)
_EXIT: Final = tuple(EXIT_CONDITIONS_POINTS if k + 1 == _SANCTIONS else 0.0 for k in range(7))
_POWER: Final = tuple(POWER_RATIO_POINTS if k + 1 == _MILITARY else 0.0 for k in range(7))

# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

_NO_ROW: Final = object()


class ScenarioError(ValueError):
    """Bad scenario input; the message names the field, the value and what is allowed.

    ``row`` is the DataFrame index label when the error comes from ``assess_many``.
    """

    def __init__(self, field: str, value: object, allowed: str, row: object = _NO_ROW) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.row = None if row is _NO_ROW else row
        where = "" if row is _NO_ROW else f"row {_plain(row)!r}: "
        super().__init__(f"{where}{field}={_plain(value)!r} is not allowed; expected {allowed}")


def _plain(value: object) -> object:
    """numpy scalars as Python ones, so messages read 1.5 rather than np.float64(1.5)."""
    return value.item() if isinstance(value, np.generic) else value


_OPTION_ALLOWED: Final = "an int 1..7 or one of the keys " + ", ".join(
    repr(o.key) for o in OPTIONS.values()
)
_UNIT_ALLOWED: Final = "a number from 0 to 1 (not a bool or a str)"
_RATIO_ALLOWED: Final = "a finite number > 0 (not a bool or a str)"
_BOOL_ALLOWED: Final = "True or False"


def _one_of(vocab: tuple[str, ...]) -> str:
    return "one of " + ", ".join(repr(v) for v in vocab)


def _check_option(value: object) -> int:
    """Return the option number for an int 1..7 or an option key; reject bools and floats."""
    if isinstance(value, str):
        found = _OPTION_BY_KEY.get(value)
        if found is not None:
            return found.number
    elif (
        isinstance(value, int | np.integer)
        and not isinstance(value, bool)
        and 1 <= value <= _N_OPTIONS
    ):
        return int(value)
    raise ScenarioError("option", value, _OPTION_ALLOWED)


def _check_choice(field: str, value: object, vocab: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in vocab:
        return str(value)
    raise ScenarioError(field, value, _one_of(vocab))


def _check_unit(field: str, value: object) -> float:
    """A real number in [0, 1]; bools, strings, NaN and infinities are refused, never clamped."""
    x = _as_real(field, value, _UNIT_ALLOWED)
    if not 0.0 <= x <= 1.0:
        raise ScenarioError(field, value, _UNIT_ALLOWED)
    return x


def _check_ratio(field: str, value: object) -> float:
    x = _as_real(field, value, _RATIO_ALLOWED)
    if not (math.isfinite(x) and x > 0.0):
        raise ScenarioError(field, value, _RATIO_ALLOWED)
    return x


def _as_real(field: str, value: object, allowed: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ScenarioError(field, value, allowed)
    try:
        x = float(value)
    except (OverflowError, ValueError, TypeError):
        raise ScenarioError(field, value, allowed) from None
    if math.isnan(x):
        raise ScenarioError(field, value, allowed)
    return x


def _check_bool(field: str, value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ScenarioError(field, value, _BOOL_ALLOWED)


# --------------------------------------------------------------------------------------------
# Scenario and Assessment
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class Scenario:
    """One response choice in one situation: the model's whole input. Immutable and validated.

    ``option`` accepts an int 1..7 or an option key ("sanctions") and is stored as the int.
    Bad input raises ``ScenarioError`` (a ``ValueError``) naming the field, value and what is
    allowed; nothing is clamped.
    """

    option: int
    attack_scale: AttackScale
    attribution: float
    public_evidence: float
    host_state: HostState
    target: Target
    collateral_damage: float
    power_ratio: float
    exit_conditions: bool

    def __init__(
        self,
        option: int | str,
        attack_scale: AttackScale,
        attribution: float,
        public_evidence: float,
        host_state: HostState,
        target: Target = "actor",
        collateral_damage: float = 0.0,
        power_ratio: float = 1.0,
        exit_conditions: bool = True,
    ) -> None:
        setattr_ = object.__setattr__  # the dataclass is frozen; set once, here only
        setattr_(self, "option", _check_option(option))
        setattr_(self, "attack_scale", _check_choice("attack_scale", attack_scale, ATTACK_SCALES))
        setattr_(self, "attribution", _check_unit("attribution", attribution))
        setattr_(self, "public_evidence", _check_unit("public_evidence", public_evidence))
        setattr_(self, "host_state", _check_choice("host_state", host_state, HOST_STATES))
        setattr_(self, "target", _check_choice("target", target, TARGETS))
        setattr_(self, "collateral_damage", _check_unit("collateral_damage", collateral_damage))
        setattr_(self, "power_ratio", _check_ratio("power_ratio", power_ratio))
        setattr_(self, "exit_conditions", _check_bool("exit_conditions", exit_conditions))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed, validated like a new Scenario (for sliders)."""
        unknown = sorted(set(changes) - set(SCENARIO_FIELDS))
        if unknown:
            raise ScenarioError("replace", unknown[0], _one_of(SCENARIO_FIELDS))
        return dataclasses.replace(self, **changes)

    @property
    def option_info(self) -> Option:
        """The Option (number, key, title) this scenario picks."""
        return OPTIONS[self.option]


SCENARIO_FIELDS: Final = tuple(f.name for f in dataclasses.fields(Scenario))
"""Scenario field names, in order; also the columns ``assess_many`` reads."""

SCENARIO_DEFAULTS: Final[Mapping[str, object]] = MappingProxyType(
    {"target": "actor", "collateral_damage": 0.0, "power_ratio": 1.0, "exit_conditions": True}
)
"""Defaults of the optional fields; ``assess_many`` uses them for absent columns."""

_REQUIRED_FIELDS: Final = tuple(f for f in SCENARIO_FIELDS if f not in SCENARIO_DEFAULTS)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The model's verdict on one Scenario: risk, band, per-factor points, warnings, legal basis.

    ``contributions`` holds every factor in ``FACTORS`` order (zeros included); its values add
    up to ``risk``.
    """

    scenario: Scenario
    risk: float
    band: str
    contributions: dict[str, float]
    warnings: tuple[str, ...]
    legal_basis: str

    def explain(self) -> str:
        """A short plain-language paragraph: score, band, the factors behind it, warnings."""
        s = self.scenario
        title = OPTIONS[s.option].title
        base = self.contributions["option"]
        drivers = sorted(
            (f for f, pts in self.contributions.items() if f != "option" and pts >= 0.05),
            key=lambda f: (-self.contributions[f], FACTORS.index(f)),
        )
        text = (
            f"{title} (option {s.option}) scores {self.risk:.1f} out of 100, a {self.band} "
            f"risk. The option itself accounts for {base:.1f} points"
        )
        if drivers:
            parts = [f"{_factor_phrase(f, s)} (+{self.contributions[f]:.1f})" for f in drivers]
            text += "; the rest comes from " + ", ".join(parts) + "."
        else:
            text += ", and no other factor adds to it."
        if self.warnings:
            text += " Warnings: " + "; ".join(WARNING_TEXT[w] for w in self.warnings) + "."
        text += f" Lightest legal basis needed: {LEGAL_BASIS_TEXT[self.legal_basis]}."
        text += " This is a teaching model built on one policy brief, not a forecast."
        return text


_HOST_PHRASE: Final = {
    "willing_able": "a willing and able host state",
    "willing_unable": "a host state willing but unable to act",
    "able_unwilling": "a host state able but unwilling to act",
    "sponsor": "a host state that sponsors the attackers",
}


def _factor_phrase(factor: str, s: Scenario) -> str:
    """Name a factor in words a student can check against the scenario's inputs."""
    if factor == "attribution":
        return f"attribution short of certain ({s.attribution:.2f})"
    if factor == "public_evidence":
        shown = s.attribution * s.public_evidence
        return f"evidence not shown in public (public case {shown:.2f} of a full one)"
    if factor == "host_state":
        return _HOST_PHRASE[s.host_state]
    if factor == "target":
        return "hitting the host state rather than only the attackers"
    if factor == "proportionality":
        if s.attack_scale == "small":
            return "using this option against small-scale crime"
        return "military force against an attack without physical harm"
    if factor == "collateral_damage":
        return f"expected harm to third parties ({s.collateral_damage:.2f})"
    if factor == "exit_conditions":
        return "sanctions with no public exit conditions"
    if factor == "power_ratio":
        return (
            f"the host state's military strength (power ratio {s.power_ratio:g}, yours over theirs)"
        )
    raise AssertionError(f"no phrase for factor {factor!r}")  # pragma: no cover


def option_by(number_or_key: int | str) -> Option:
    """Look up an Option by number 1..7 or key; bad input raises ScenarioError."""
    return OPTIONS[_check_option(number_or_key)]


def band_for(risk: float) -> str:
    """The band name for a risk score (validated: a finite number from 0 to 100)."""
    x = _as_real("risk", risk, "a number from 0 to 100")
    if not 0.0 <= x <= 100.0:
        raise ScenarioError("risk", risk, "a number from 0 to 100")
    return BANDS[bisect_right(BAND_LIMITS, x)]


# --------------------------------------------------------------------------------------------
# Scalar model
# --------------------------------------------------------------------------------------------


def assess(scenario: Scenario) -> Assessment:
    """Score one Scenario. Pure and deterministic; a few microseconds per call."""
    if not isinstance(scenario, Scenario):
        raise ScenarioError("scenario", scenario, "a course.engine.escalation.Scenario")
    s = scenario
    k = s.option - 1
    a = s.attribution
    scale = ATTACK_SCALES.index(s.attack_scale)
    on_state = s.target == "host_state"
    # Each line mirrors one line in _vector_points; keep the two in step.
    points = (
        BASE_POINTS[k],
        _ATTR[k] * (1.0 - a),
        _PUB[k] * (1.0 - a * s.public_evidence),
        _HOST[HOST_STATES.index(s.host_state)][k],
        _TARGET[k] if on_state else 0.0,
        _PROP[scale][k],
        _COLL[k] * s.collateral_damage,
        0.0 if s.exit_conditions else _EXIT[k],
        _POWER[k] / (1.0 + s.power_ratio),
    )
    risk = points[0]
    for p in points[1:]:  # left to right, exactly as the vectorised path adds
        risk = risk + p
    option = s.option
    flags = (
        scale < _MIN_PROPORTIONATE_SCALE[k],
        scale == 0 and option >= _FIRST_COERCIVE_OPTION,
        option >= _FIRST_TARGETING_OPTION and a < WEAK_ATTRIBUTION_BELOW,
        option >= _FIRST_COERCIVE_OPTION and s.public_evidence < LITTLE_PUBLIC_EVIDENCE_BELOW,
        option >= _FIRST_COERCIVE_OPTION and s.collateral_damage > COLLATERAL_WARNING_ABOVE,
        option == _SANCTIONS and not s.exit_conditions,
        option >= _FIRST_TARGETING_OPTION and on_state,
    )
    return Assessment(
        scenario=s,
        risk=risk,
        band=BANDS[bisect_right(BAND_LIMITS, risk)],
        contributions=dict(zip(FACTORS, points, strict=True)),
        warnings=tuple(w for w, on in zip(WARNINGS, flags, strict=True) if on),
        legal_basis=LEGAL_BASES[_LEGAL_BY_OPTION[k]],
    )


# --------------------------------------------------------------------------------------------
# Vectorised model
# --------------------------------------------------------------------------------------------

_V_BASE: Final = np.array(BASE_POINTS)
_V_ATTR: Final = np.array(_ATTR)
_V_PUB: Final = np.array(_PUB)
_V_HOST: Final = np.array(_HOST)
_V_TARGET: Final = np.array(_TARGET)
_V_PROP: Final = np.array(_PROP)
_V_COLL: Final = np.array(_COLL)
_V_EXIT: Final = np.array(_EXIT)
_V_POWER: Final = np.array(_POWER)
_V_MIN_SCALE: Final = np.array(_MIN_PROPORTIONATE_SCALE)
_V_LEGAL: Final = np.array(_LEGAL_BY_OPTION, dtype=np.int8)
_V_BAND_LIMITS: Final = np.array(BAND_LIMITS)
# Every one of the 2**7 warning combinations as a ready tuple, indexed by a bit mask.
_V_WARNING_TUPLES: Final = np.empty(2 ** len(WARNINGS), dtype=object)
for _mask in range(2 ** len(WARNINGS)):
    _V_WARNING_TUPLES[_mask] = tuple(w for i, w in enumerate(WARNINGS) if _mask >> i & 1)

OUTPUT_COLUMNS: Final = ("risk", "band", "legal_basis", "warnings")


def assess_many(df: pd.DataFrame, *, contributions: bool = False) -> pd.DataFrame:
    """Score every row of ``df`` (one column per Scenario field) at once.

    Returns a copy of ``df`` with columns ``risk`` (float), ``band`` and ``legal_basis``
    (ordered categoricals in BANDS / LEGAL_BASES order) and ``warnings`` (tuples), equal to
    ``assess`` row by row; existing columns of those names are replaced. With
    ``contributions=True`` it also adds ``points_<factor>`` for every factor in FACTORS.

    The required columns are those of Scenario's required fields; an absent optional column
    takes the Scenario default (SCENARIO_DEFAULTS). Any bad value raises ScenarioError naming
    the index label of the first bad row and the field; nothing is clamped.
    """
    if not isinstance(df, pd.DataFrame):
        raise ScenarioError("df", type(df).__name__, "a pandas DataFrame")
    missing = [c for c in _REQUIRED_FIELDS if c not in df.columns]
    if missing:
        raise ScenarioError(
            "columns",
            missing,
            f"all required columns {list(_REQUIRED_FIELDS)} (optional, defaulted when absent: "
            f"{dict(SCENARIO_DEFAULTS)})",
        )
    cols = _VectorInputs.from_frame(df)
    parts = _vector_points(cols)
    risk = parts[0].copy()
    for p in parts[1:]:  # same order as assess()
        risk += p
    out = df.copy()
    out["risk"] = risk
    out["band"] = pd.Categorical.from_codes(
        np.searchsorted(_V_BAND_LIMITS, risk, side="right"), categories=BANDS, ordered=True
    )
    out["legal_basis"] = pd.Categorical.from_codes(
        _V_LEGAL[cols.k], categories=LEGAL_BASES, ordered=True
    )
    out["warnings"] = _V_WARNING_TUPLES[_vector_warning_mask(cols)]
    if contributions:
        for name, p in zip(FACTORS, parts, strict=True):
            out[f"points_{name}"] = p
    return out


@dataclass(frozen=True, slots=True)
class _VectorInputs:
    """Validated columns as numpy arrays; categories as integer codes, option as 0..6."""

    k: np.ndarray
    scale: np.ndarray
    a: np.ndarray
    e: np.ndarray
    host: np.ndarray
    on_state: np.ndarray
    c: np.ndarray
    p: np.ndarray
    exit_conditions: np.ndarray

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> _VectorInputs:
        n = len(df)
        checks: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # field -> (values, bad mask)
        for field in SCENARIO_FIELDS:
            col = df[field] if field in df.columns else None
            if col is not None and isinstance(col, pd.DataFrame):
                raise ScenarioError("columns", field, "each column name exactly once")
            checks[field] = _vector_check(field, col, n)
        bad = np.zeros(n, dtype=bool)
        for _, is_bad in checks.values():
            bad |= is_bad
        if bad.any():
            _raise_for_row(df, int(np.argmax(bad)), checks)
        v = {f: vals for f, (vals, _) in checks.items()}
        return cls(
            k=v["option"],
            scale=v["attack_scale"],
            a=v["attribution"],
            e=v["public_evidence"],
            host=v["host_state"],
            on_state=v["target"] == 1,
            c=v["collateral_damage"],
            p=v["power_ratio"],
            exit_conditions=v["exit_conditions"],
        )


def _vector_points(v: _VectorInputs) -> tuple[np.ndarray, ...]:
    """Per-factor points for every row: the same arithmetic, in the same order, as assess()."""
    k = v.k
    return (
        _V_BASE[k],
        _V_ATTR[k] * (1.0 - v.a),
        _V_PUB[k] * (1.0 - v.a * v.e),
        _V_HOST[v.host, k],
        np.where(v.on_state, _V_TARGET[k], 0.0),
        _V_PROP[v.scale, k],
        _V_COLL[k] * v.c,
        np.where(v.exit_conditions, 0.0, _V_EXIT[k]),
        _V_POWER[k] / (1.0 + v.p),
    )


def _vector_warning_mask(v: _VectorInputs) -> np.ndarray:
    option = v.k + 1
    coercive = option >= _FIRST_COERCIVE_OPTION
    targeting = option >= _FIRST_TARGETING_OPTION
    flags = (
        v.scale < _V_MIN_SCALE[v.k],
        (v.scale == 0) & coercive,
        targeting & (v.a < WEAK_ATTRIBUTION_BELOW),
        coercive & (v.e < LITTLE_PUBLIC_EVIDENCE_BELOW),
        coercive & (v.c > COLLATERAL_WARNING_ABOVE),
        (option == _SANCTIONS) & ~v.exit_conditions,
        targeting & v.on_state,
    )
    mask = np.zeros(len(v.k), dtype=np.intp)
    for bit, flag in enumerate(flags):
        mask |= flag.astype(np.intp) << bit
    return mask


_VOCAB: Final = {"attack_scale": ATTACK_SCALES, "host_state": HOST_STATES, "target": TARGETS}
_UNIT_FIELDS: Final = ("attribution", "public_evidence", "collateral_damage")


def _vector_check(field: str, col: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Values (codes or floats) and a bad-row mask for one column; None means use the default."""
    if col is None:
        value = SCENARIO_DEFAULTS[field]
        if field in _VOCAB:
            return np.full(n, _VOCAB[field].index(str(value)), dtype=np.intp), np.zeros(n, bool)
        dtype = bool if field == "exit_conditions" else float
        return np.full(n, value, dtype=dtype), np.zeros(n, bool)
    if field == "option":
        return _vector_option(col)
    if field in _VOCAB:
        vocab = _VOCAB[field]
        return _vector_codes(col, lambda x: vocab.index(x) if _is_in(x, vocab) else -1)
    if field == "exit_conditions":
        return _vector_bool(col)
    x = _vector_real(col)  # NaN fails every comparison below, so it is always bad
    ok = (x >= 0.0) & (x <= 1.0) if field in _UNIT_FIELDS else np.isfinite(x) & (x > 0.0)
    return x, ~ok


def _is_in(x: object, vocab: tuple[str, ...]) -> bool:
    return isinstance(x, str) and x in vocab


def _option_code(x: object) -> int:
    try:
        return _check_option(x) - 1
    except ScenarioError:
        return -1


def _vector_codes(col: pd.Series, code_of: Any) -> tuple[np.ndarray, np.ndarray]:
    """Map a column to codes through its distinct values (fast: one lookup per distinct value).

    Only safe when ``code_of`` accepts values of one type (str): factorize treats 1 and True
    as the same value, which matters for the option column (see _vector_option).
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    lookup = np.array([code_of(u) for u in uniques] + [-1], dtype=np.intp)
    mapped = lookup[codes]  # code -1 (missing) picks the trailing -1
    return np.maximum(mapped, 0), mapped < 0


def _vector_option(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return np.zeros(len(col), np.intp), np.ones(len(col), bool)
    if pd.api.types.is_integer_dtype(dtype):
        x = col.to_numpy(dtype=float, na_value=np.nan)
        bad = ~((x >= 1) & (x <= _N_OPTIONS))
        return np.where(bad, 0, x - 1).astype(np.intp), bad
    if pd.api.types.is_object_dtype(dtype):
        # Element by element: factorize would merge True with 1 and 5.0 with 5.
        codes = np.fromiter((_option_code(x) for x in col), dtype=np.intp, count=len(col))
        return np.maximum(codes, 0), codes < 0
    return _vector_codes(col, _option_code)  # str and categorical columns


def _vector_real(col: pd.Series) -> np.ndarray:
    """Float values of a numeric column; NaN marks anything that is not a real number."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = _vector_real(pd.Series(col.cat.categories, dtype=dtype.categories.dtype))
        return np.append(values, np.nan)[col.cat.codes.to_numpy()]  # code -1 -> NaN
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return np.full(len(col), np.nan)
    if pd.api.types.is_numeric_dtype(dtype):
        return col.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_object_dtype(dtype):
        return np.fromiter((_real_or_nan(x) for x in col), dtype=float, count=len(col))
    return np.full(len(col), np.nan)


def _real_or_nan(x: object) -> float:
    try:
        return _as_real("value", x, "")
    except ScenarioError:
        return math.nan


def _vector_bool(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        col = col.astype(object)
        dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        if col.hasnans:  # nullable "boolean" with missing values
            bad = col.isna().to_numpy()
            return col.fillna(True).to_numpy(dtype=bool), bad
        return col.to_numpy(dtype=bool), np.zeros(len(col), bool)
    if pd.api.types.is_object_dtype(dtype):
        ok = np.fromiter((isinstance(x, bool | np.bool_) for x in col), bool, count=len(col))
        vals = np.fromiter((bool(x) if o else True for x, o in zip(col, ok, strict=True)), bool)
        return vals, ~ok
    return np.ones(len(col), bool), np.ones(len(col), bool)


def _raise_for_row(df: pd.DataFrame, pos: int, checks: dict[str, Any]) -> None:
    """Raise the error Scenario itself gives for the first bad row, tagged with its label."""
    label = df.index[pos]
    row = {f: df[f].iloc[pos] if f in df.columns else SCENARIO_DEFAULTS[f] for f in checks}
    try:
        Scenario(**row)
    except ScenarioError as err:
        raise ScenarioError(err.field, err.value, err.allowed, row=label) from None
    # The vectorised check is stricter than Scenario for this row: still refuse, naming it.
    field = next(f for f, (_, bad) in checks.items() if bad[pos])
    raise ScenarioError(field, row[field], "a value Scenario accepts", row=label)
