"""Plain-language labels for the codes in the course's data: one wording for every lesson.

Why this module exists: the data stores short codes (``proxy_contractor``, ``able_unwilling``,
``government_evidence``) because codes are stable to filter, join and test on. Students should
see words. When each lesson wrote its own words, the same code read "Proxies" in one chart and
"Proxy or contractor" in the next, and a student could fairly ask whether these were two
different things. So there is one mapping per vocabulary here, worded for a reader with no IT or
law background, and every lesson module takes its chart, table and control labels from it.

Codes stay in the data; labels are for display only and are never parsed back into codes. Each
mapping is read-only, follows the order of its vocabulary in `course.engine.data` or
`course.engine.escalation`, covers exactly that vocabulary and gives every code its own label
(tests/test_labels.py checks both).

Text of another kind stays with its lesson: a sentence explaining each host posture
(``course.diagnosis.POSTURE_TEXT``), the coding rule behind each scale
(``course.explorer.SCALE_RULES``), the answers of one widget
(``course.diagnosis.ANSWER_LABELS``), the names of the builder's evidence kinds
(``course.attribution.EVIDENCE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from course.engine.escalation import OPTIONS

__all__ = [
    "ACTOR_TYPE_LABELS",
    "ATTRIBUTION_LABELS",
    "HOST_POSTURE_LABELS",
    "LEGAL_BASIS_LABELS",
    "OPTION_SHORT_LABELS",
    "RESPONSE_OPTION_LABELS",
    "RESPONSE_OUTCOME_LABELS",
    "SCALE_LABELS",
]

ACTOR_TYPE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "criminal": "Criminals",
        "hacktivist": "Hacktivists",
        "proxy_contractor": "Proxies for a state",
        "patriotic_hackers": "Patriotic hackers",
        "state_disguised": "Disguised states",
        "non_state_armed_group": "Armed groups",
    }
)
"""Who attacked (``course.engine.data.ACTOR_TYPES``), in the words lesson 01 uses."""

SCALE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {"small": "Small-scale", "large": "Large-scale", "destructive": "Destructive"}
)
"""How big the attack was (``course.engine.data.SCALES``, the same codes as the model's
``course.engine.escalation.ATTACK_SCALES``)."""

HOST_POSTURE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "willing_able": "Willing and able",
        "willing_unable": "Willing but unable",
        "able_unwilling": "Able but unwilling",
        "sponsor": "Sponsor (involved)",
        "unknown": "Unknown (no conduct to judge)",
    }
)
"""How the state the attackers worked from behaved (``course.engine.data.HOST_POSTURES``; the
model's ``course.engine.escalation.HOST_STATES`` are the same codes without ``unknown``)."""

ATTRIBUTION_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "none": "Not attributed",
        "industry": "Named by security firms",
        "claimed": "Claimed by the attackers",
        "government": "Named by a government",
        "government_evidence": "Named by a government, with evidence",
        "joint": "Named by several governments",
    }
)
"""Who publicly named the attackers, weakest to strongest
(``course.engine.data.ATTRIBUTION_LEVELS``)."""

RESPONSE_OPTION_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{str(number): f"{number} {option.title}" for number, option in OPTIONS.items()},
        "law_enforcement": "Police takedown or seizure",
        "victim_assistance": "Help to the victim state",
    }
)
"""A response's option (``course.engine.data.RESPONSE_OPTIONS``): the brief's seven, numbered
and titled as in ``course.engine.escalation.OPTIONS``, plus police takedowns and help to the
victim state, which sit on no rung of the ladder (the brief's option 2 is help to the *host*)."""

RESPONSE_OUTCOME_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "stopped": "Activity stopped",
        "continued": "Activity went on",
        "rebranded": "Came back under a new name",
        "arrested": "Arrests or convictions",
        "refused": "Host refused",
        "host_retaliated": "Hostile reply",
        "unknown": "Not known",
    }
)
"""What followed one response (``course.engine.data.RESPONSE_OUTCOMES``)."""

OPTION_SHORT_LABELS: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: "1 Request to the host",
        2: "2 Capacity-building",
        3: "3 Diplomatic action",
        4: "4 Legal measures",
        5: "5 Sanctions",
        6: "6 Cyber retaliation",
        7: "7 Military retaliation",
    }
)
"""The seven options (keys of ``course.engine.escalation.OPTIONS``) short enough for a chart
axis; the number stays in front because the position on the ladder is half of the meaning."""

LEGAL_BASIS_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "none_needed": "No legal basis needed",
        "retorsion": "Retorsion",
        "countermeasure": "Countermeasure",
        "self_defence": "Self-defence",
    }
)
"""The rungs of the legal ladder (``course.engine.escalation.LEGAL_BASES``), for legends and tables;
``course.engine.escalation.LEGAL_BASIS_TEXT`` explains each one in a sentence."""
