"""Country names for the ISO 3166 codes in the data, as students read them ("Russia", not "RU").

Why pycountry: it ships the ISO 3166-1 list offline and is kept up to date with the standard, so
a new row with any valid code gets a name without anyone editing a table here. Its formal names
("Korea, Democratic People's Republic of") are replaced by the common name where ISO gives one
("North Korea"), and by the few short forms below where it does not.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

import pycountry

__all__ = ["NON_STATE_CODES", "country_name"]

NON_STATE_CODES: Final = MappingProxyType(
    {
        "EU": "European Union",
        "NATO": "NATO",
        "XX": "many states",
        "unknown": "unknown",
    }
)
"""Codes in the data that are not ISO countries (see data/README.md)."""

_SHORT_FORMS: Final = MappingProxyType(
    {
        "RU": "Russia",
        "GB": "United Kingdom",
        "US": "United States",
        "PS": "Palestinian territories",
        "CZ": "Czech Republic",
    }
)


@cache
def country_name(code: str) -> str:
    """The plain name of an ISO 3166-1 alpha-2 code (or EU, NATO, XX, unknown).

    Raises ValueError naming the code for anything else, so a typo in the data is not shown to
    students as a bare code."""
    if code in NON_STATE_CODES:
        return NON_STATE_CODES[code]
    if code in _SHORT_FORMS:
        return _SHORT_FORMS[code]
    country = pycountry.countries.get(alpha_2=str(code).upper()) if len(str(code)) == 2 else None
    if country is None or str(code) != str(code).upper():
        raise ValueError(
            f"code: {code!r} is not an ISO 3166-1 alpha-2 code; allowed: two capital letters "
            f"such as 'RU', or {', '.join(NON_STATE_CODES)}"
        )
    return getattr(country, "common_name", None) or country.name
