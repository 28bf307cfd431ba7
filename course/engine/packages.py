"""How a package of response options combines into one escalation risk.

States seldom answer a serious incident with one measure: a public attribution comes with
indictments, a request with sanctions on named people. The escalation model
(:mod:`course.engine.escalation`) scores one option at a time; this module turns the scores of
the parts of a package into one verdict. The rule and its reasons are in ``docs/model.md``
("Packages of options"); in short:

- **Risk.** The riskiest part sets the level; every other part adds a quarter of the risk it
  carries above the negligible band (:data:`ADD_ON_SHARE` x (risk - :data:`ADD_ON_ABOVE`)),
  and the total is capped at 100. The other side answers the package as one message, so risks
  do not simply add up; but each further coercive measure is one more grievance and one more
  thing to retaliate against, so it never counts for nothing.
- **Warnings.** Every warning of every part (a package inherits each part's problems).
- **Legal basis.** The heaviest rung any part needs: the package is lawful only if its most
  demanding measure is.

Two properties follow from the rule for every package and are property-tested
(``tests/test_packages.py``): adding an option to a package never lowers its risk, and a
package is at least as risky as its riskiest part.

The module is pure: no widgets, no files, no state between calls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from course.engine.escalation import (
    BAND_LIMITS,
    LEGAL_BASES,
    LEGAL_BASIS_TEXT,
    OPTIONS,
    WARNING_TEXT,
    WARNINGS,
    Assessment,
    Scenario,
    assess,
    band_for,
)

__all__ = [
    "ADD_ON_ABOVE",
    "ADD_ON_SHARE",
    "MAX_RISK",
    "SITUATION_FIELDS",
    "PackageAssessment",
    "add_on_points",
    "assess_package",
    "combine",
    "heaviest_legal_basis",
    "package_risk",
    "union_of_warnings",
]

ADD_ON_SHARE: Final = 0.25
"""Share of each non-riskiest part's excess risk that the package adds (docs/model.md)."""

ADD_ON_ABOVE: Final = BAND_LIMITS[0]
"""Only risk above the negligible band (10 points) adds to a package. Options 1 and 2 never
reach it (at most 4.6 and 6.6), so a request or help for the host adds nothing: the brief sees
almost no risk of a hostile reply to them."""

MAX_RISK: Final = 100.0
"""The package risk is capped here, like a single option's (the model's scale is 0-100)."""

SITUATION_FIELDS: Final = (
    "attack_scale",
    "attribution",
    "public_evidence",
    "host_state",
    "power_ratio",
)
"""Scenario fields that describe the situation, not the measure: every part of one package
must share them (a package answers one incident as the victim judges it)."""


def _check_risk(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: bad value {value!r}; allowed: a number from 0 to 100")
    x = float(value)
    if not 0.0 <= x <= MAX_RISK:  # NaN fails too
        raise ValueError(f"{where}: bad value {value!r}; allowed: a number from 0 to 100")
    return x


def add_on_points(risk: float) -> float:
    """What one part that is *not* the riskiest adds to a package: a quarter of its risk above
    the negligible band, never less than zero."""
    x = _check_risk(risk, "risk")
    return ADD_ON_SHARE * max(0.0, x - ADD_ON_ABOVE)


def package_risk(risks: Sequence[float]) -> float:
    """The combination rule on bare numbers: the largest risk plus :func:`add_on_points` of
    every other one, capped at :data:`MAX_RISK`.

    Order does not matter (the add-ons are summed with :func:`math.fsum`, exactly rounded), and
    equal risks are treated alike: which of two equal maxima counts as "the riskiest" changes
    nothing. An empty package raises ValueError.
    """
    values = [_check_risk(r, f"risks[{i}]") for i, r in enumerate(risks)]
    if not values:
        raise ValueError("risks: an empty package; allowed: one or more risks from 0 to 100")
    ordered = sorted(values, reverse=True)
    added = math.fsum(add_on_points(r) for r in ordered[1:])
    return min(MAX_RISK, ordered[0] + added)


def union_of_warnings(parts: Iterable[Assessment]) -> tuple[str, ...]:
    """Every warning any part raises, once each, in the model's fixed order (WARNINGS)."""
    raised = {w for part in parts for w in part.warnings}
    return tuple(w for w in WARNINGS if w in raised)


def heaviest_legal_basis(parts: Iterable[Assessment]) -> str:
    """The highest rung of the legal ladder (LEGAL_BASES order) that any part needs."""
    return max((part.legal_basis for part in parts), key=LEGAL_BASES.index)


@dataclass(frozen=True, slots=True)
class PackageAssessment:
    """The model's verdict on a package: one risk, band, warnings and legal basis.

    ``parts`` are the parts' own assessments in ladder order; ``riskiest`` is the one that sets
    the level (the lowest option number among equals); ``added`` the points the other parts add
    before the cap; ``capped`` whether the cap at 100 cut the total.
    """

    parts: tuple[Assessment, ...]
    risk: float
    band: str
    riskiest: Assessment
    added: float
    capped: bool
    warnings: tuple[str, ...]
    legal_basis: str

    @property
    def options(self) -> tuple[int, ...]:
        """The option numbers of the parts, in ladder order (repeats kept)."""
        return tuple(part.scenario.option for part in self.parts)

    def explain(self) -> str:
        """A short plain-language paragraph: score, band, what sets it, warnings, legal basis."""
        top = self.riskiest
        title = OPTIONS[top.scenario.option].title
        if len(self.parts) == 1:
            return f"A single measure. {top.explain()}"
        names = ", ".join(f"{OPTIONS[o].title.lower()} ({o})" for o in self.options)
        text = (
            f"The package ({names}) scores {self.risk:.1f} out of 100, a {self.band} risk. "
            f"Its riskiest part, {title.lower()} (option {top.scenario.option}), scores "
            f"{top.risk:.1f}; the other parts add {self.added:.1f} points"
        )
        text += " (cut at 100)." if self.capped else "."
        if self.warnings:
            text += " Warnings: " + "; ".join(WARNING_TEXT[w] for w in self.warnings) + "."
        text += f" Legal basis the package needs: {LEGAL_BASIS_TEXT[self.legal_basis]}."
        text += " This is a teaching model built on one policy brief, not a forecast."
        return text


def _check_same_situation(parts: Sequence[Assessment]) -> None:
    first = parts[0].scenario
    for index, part in enumerate(parts[1:], start=1):
        for field in SITUATION_FIELDS:
            mine, theirs = getattr(part.scenario, field), getattr(first, field)
            if mine != theirs:
                raise ValueError(
                    f"parts[{index}].{field}: bad value {mine!r}; allowed: {theirs!r}, the value "
                    "of the first part (all parts of a package answer the same situation)"
                )


def combine(parts: Iterable[Assessment]) -> PackageAssessment:
    """Combine the assessments of a package's parts (one per measure) into one verdict.

    Bad input raises ValueError: an empty package, something that is not an Assessment, or
    parts scored for different situations (see :data:`SITUATION_FIELDS`).
    """
    items = list(parts)
    if not items:
        raise ValueError("parts: an empty package; allowed: one or more assessments")
    for index, part in enumerate(items):
        if not isinstance(part, Assessment):
            raise ValueError(
                f"parts[{index}]: bad value {part!r}; allowed: a course.engine.escalation "
                "Assessment"
            )
    _check_same_situation(items)
    ordered = tuple(sorted(items, key=lambda a: a.scenario.option))
    riskiest = max(ordered, key=lambda a: a.risk)  # first of equals: the lowest option
    others = [a.risk for a in ordered if a is not riskiest]
    added = math.fsum(add_on_points(r) for r in sorted(others, reverse=True))
    total = riskiest.risk + added
    risk = package_risk([a.risk for a in ordered])
    return PackageAssessment(
        parts=ordered,
        risk=risk,
        band=band_for(risk),
        riskiest=riskiest,
        added=added,
        capped=total > MAX_RISK,
        warnings=union_of_warnings(ordered),
        legal_basis=heaviest_legal_basis(ordered),
    )


def assess_package(scenarios: Iterable[Scenario]) -> PackageAssessment:
    """Score every scenario with :func:`course.engine.escalation.assess` and combine them."""
    return combine(assess(s) for s in scenarios)
