"""course.engine.labels: one plain-language label per code, for every vocabulary lessons show."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

import pytest

from course.engine import data, escalation, labels
from course.engine.labels import (
    ACTOR_TYPE_LABELS,
    ATTRIBUTION_LABELS,
    HOST_POSTURE_LABELS,
    LEGAL_BASIS_LABELS,
    OPTION_SHORT_LABELS,
    RESPONSE_OPTION_LABELS,
    RESPONSE_OUTCOME_LABELS,
    SCALE_LABELS,
)
from course.lessons import l01_nonstate_actors as explorer
from course.lessons import l02_proxies_and_attribution as attribution
from course.lessons import l03_due_diligence as diagnosis

#: Each mapping and the vocabulary it must cover exactly, in the vocabulary's order.
VOCABULARIES: dict[str, tuple[Mapping, tuple]] = {
    "ACTOR_TYPE_LABELS": (ACTOR_TYPE_LABELS, data.ACTOR_TYPES),
    "SCALE_LABELS": (SCALE_LABELS, data.SCALES),
    "HOST_POSTURE_LABELS": (HOST_POSTURE_LABELS, data.HOST_POSTURES),
    "ATTRIBUTION_LABELS": (ATTRIBUTION_LABELS, data.ATTRIBUTION_LEVELS),
    "RESPONSE_OPTION_LABELS": (RESPONSE_OPTION_LABELS, data.RESPONSE_OPTIONS),
    "RESPONSE_OUTCOME_LABELS": (RESPONSE_OUTCOME_LABELS, data.RESPONSE_OUTCOMES),
    "OPTION_SHORT_LABELS": (OPTION_SHORT_LABELS, tuple(escalation.OPTIONS)),
    "LEGAL_BASIS_LABELS": (LEGAL_BASIS_LABELS, escalation.LEGAL_BASES),
}


def test_every_public_mapping_is_checked_here() -> None:
    assert sorted(labels.__all__) == sorted(VOCABULARIES)


@pytest.mark.parametrize("name", VOCABULARIES)
def test_mapping_covers_exactly_its_vocabulary_in_order(name: str) -> None:
    mapping, vocabulary = VOCABULARIES[name]
    assert tuple(mapping) == tuple(vocabulary)


@pytest.mark.parametrize("name", VOCABULARIES)
def test_labels_are_unique_trimmed_text(name: str) -> None:
    mapping, _ = VOCABULARIES[name]
    texts = list(mapping.values())
    assert all(isinstance(t, str) and t == t.strip() and t for t in texts)
    folded = [t.casefold() for t in texts]
    assert len(set(folded)) == len(folded), f"{name}: two codes share a label"


@pytest.mark.parametrize("name", VOCABULARIES)
def test_mappings_are_read_only(name: str) -> None:
    mapping, vocabulary = VOCABULARIES[name]
    with pytest.raises(TypeError):
        mapping[vocabulary[0]] = "changed"  # type: ignore[index]


def test_the_models_vocabularies_are_covered_too() -> None:
    assert tuple(SCALE_LABELS) == escalation.ATTACK_SCALES
    assert set(escalation.HOST_STATES) < set(HOST_POSTURE_LABELS)


def test_option_labels_keep_the_number_and_the_models_title() -> None:
    for number, option in escalation.OPTIONS.items():
        assert RESPONSE_OPTION_LABELS[str(number)] == f"{number} {option.title}"
        short = OPTION_SHORT_LABELS[number]
        assert short.startswith(f"{number} ")
        assert len(short) <= min(22, len(RESPONSE_OPTION_LABELS[str(number)])), short
    assert RESPONSE_OPTION_LABELS["law_enforcement"] == "Police takedown or seizure"
    assert RESPONSE_OPTION_LABELS["victim_assistance"] == "Help to the victim state"
    assert tuple(RESPONSE_OPTION_LABELS)[:7] == tuple(str(n) for n in escalation.OPTIONS)


def test_labels_are_words_not_codes() -> None:
    for name, (mapping, _) in VOCABULARIES.items():
        for code, text in mapping.items():
            assert "_" not in text and (text[0].isupper() or text[0].isdigit()), (name, code)


#: Code -> text mappings that lesson modules may keep: text of another kind, or colours.
LESSON_TEXTS = {
    explorer: {"SCALE_COLOURS", "SCALE_RULES", "SCALE_TOOLS"},
    attribution: {"LEVEL_COLOURS"},
    diagnosis: {
        "LEGAL_BASIS_COLOURS",
        "POSTURE_TEXT",
        "_PRECONDITION",
        "_REQUEST_FEEDBACK",
        "_TALLINN_RULES",
    },
}


@pytest.mark.parametrize("module", LESSON_TEXTS, ids=lambda m: m.__name__)
def test_lesson_modules_take_their_code_labels_from_course_labels(module: ModuleType) -> None:
    """A mapping keyed by a vocabulary in a lesson module is imported (from course.engine.labels, or
    the model's own texts) or holds text of another kind (listed above): a second table of
    labels would drift again."""
    shared = {id(value) for source in (data, escalation, labels) for value in vars(source).values()}
    vocabularies = [set(v) for _, v in VOCABULARIES.values()] + [set(escalation.HOST_STATES)]
    local = {
        name
        for name, value in vars(module).items()
        if isinstance(value, Mapping)
        and set(value) in vocabularies
        and all(isinstance(text, str) for text in value.values())
        and id(value) not in shared
    }
    assert local == LESSON_TEXTS[module]
