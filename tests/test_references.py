"""Tests for data/references.csv, data/glossary.csv and their loaders.

Also tests the two helpers the repository-wide checks use: `cited_keys_in_notebook` and
`glossary_terms_missing_from`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from course.engine.paths import NOTEBOOKS_DIR
from course.learning import glossary, references
from course.learning.glossary import (
    define,
    glossary_table,
    glossary_terms_missing_from,
    load_glossary,
)
from course.learning.references import (
    cite,
    cited_keys_in_notebook,
    cited_keys_in_source,
    load_references,
    parse_date,
    reference_list,
)

# Every work the brief footnotes, the brief itself, and the frameworks and datasets the course
# leans on (research notes section 2-3).
REQUIRED_KEYS = {
    "vandermeer2020",
    "maurer2018",
    "segal2017",
    "vandermeer2018",
    "schmitt2015",
    "ungge2015",
    "vandermeer2020netpolitics",
    "newman2019",
    "tallinn2017",
    "eucouncil2017",
    "eucouncil2019",
    "kahn1965",
    "kreps2019",
    "healey2020",
    "valeriano2018",
    "jensen2019",
    "eurepoc2022",
    "cfr2017",
    "maness2023",
    "winger2023",
    "ungge2021",
}
REQUIRED_TERMS = {
    "attribution",
    "technical attribution",
    "political attribution",
    "plausible deniability",
    "cyber proxy",
    "cyber mercenary",
    "hacktivist",
    "patriotic hackers",
    "false flag",
    "due diligence",
    "host state",
    "capacity-building",
    "retorsion",
    "countermeasure",
    "self-defence",
    "armed attack",
    "proportionality",
    "collateral damage",
    "escalation",
    "deterrence",
    "sanctions",
    "indictment",
    "naming and shaming",
    "DDoS",
    "ransomware",
    "wiper",
    "CERT",
    "UN GGE",
    "Tallinn Manual",
    "exit conditions",
    "law-enforcement takedown",
}


@pytest.fixture(scope="module")
def refs() -> pd.DataFrame:
    return load_references()


@pytest.fixture(scope="module")
def terms() -> pd.DataFrame:
    return load_glossary()


# --------------------------------------------------------------------------- references.csv


def test_references_schema(refs: pd.DataFrame) -> None:
    assert list(refs.columns) == ["key", "authors", "title", "container", "date", "url", "note"]
    assert (refs["key"].str.len() > 0).all()
    assert refs["key"].is_unique
    for column in ("authors", "title", "container", "date"):
        assert (refs[column].str.len() > 0).all(), column
    for value in refs["date"]:
        parse_date(value)
    assert refs["url"].map(lambda u: u == "" or u.startswith(("https://", "http://"))).all()


def test_references_cover_the_brief_and_the_frameworks(refs: pd.DataFrame) -> None:
    assert set(refs["key"]) >= REQUIRED_KEYS


def test_wired_article_date_is_corrected_and_explained(refs: pd.DataFrame) -> None:
    row = refs.set_index("key").loc["newman2019"]
    assert row["date"] == "2019-05-06"
    assert "2020" in row["note"] and "2019" in row["note"]


@pytest.mark.parametrize("bad", ["2020-13-01", "June 2020", "20-06-2020", "", "2020-02-30"])
def test_parse_date_rejects_bad_dates_naming_the_field(bad: str) -> None:
    with pytest.raises(ValueError, match=r"^date"):
        parse_date(bad)


def test_loader_rejects_duplicate_keys(tmp_path: Path) -> None:
    bad = tmp_path / "references.csv"
    bad.write_text(
        "key,authors,title,container,date,url,note\n"
        'a2020,"Doe, J",T,C,2020,,\n'
        'a2020,"Doe, J",U,C,2021,,\n'
    )
    with pytest.raises(ValueError, match=r"key must be unique; duplicated: \['a2020'\]"):
        load_references(bad)


def test_loader_names_the_line_and_field_of_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "references.csv"
    bad.write_text('key,authors,title,container,date,url,note\nx2020,"Doe, J",T,C,2020-1,,\n')
    with pytest.raises(ValueError, match=r"date"):
        load_references(bad)
    bad.write_text("key,authors,title,container,date,url,note\nx2020,,T,C,2020,,\n")
    with pytest.raises(ValueError, match=r"line 2: authors is empty"):
        load_references(bad)


# --------------------------------------------------------------------------- cite and lists


def test_cite_short_forms() -> None:
    assert cite("maurer2018") == "(Maurer 2018)"
    assert cite("kreps2019") == "(Kreps and Schneider 2019)"
    assert cite("valeriano2018") == "(Valeriano et al. 2018)"
    assert cite("ungge2015") == "(UN GGE 2015)"
    assert cite("tallinn2017") == "(Schmitt 2017)"


def test_same_author_and_year_get_letters_in_title_order() -> None:
    assert cite("vandermeer2020netpolitics") == "(van der Meer 2020a)"  # "Could the ..."
    assert cite("vandermeer2020") == "(van der Meer 2020b)"  # "How states could ..."
    assert cite("vandermeer2018") == "(van der Meer 2018)"


def test_unknown_key_raises_naming_it_and_suggesting_close_matches() -> None:
    with pytest.raises(ValueError) as error:
        cite("vandermer2020")
    message = str(error.value)
    assert message.startswith("key: 'vandermer2020'")
    assert "Did you mean 'vandermeer2020'" in message


def test_reference_list_sorted_by_author_one_entry_per_line() -> None:
    listing = reference_list(["vandermeer2020", "maurer2018", "kreps2019", "maurer2018"])
    lines = listing.splitlines()
    assert len(lines) == 3  # duplicates removed
    assert [line.split(" ", 2)[1] for line in lines] == ["Kreps,", "Maurer,", "van"]
    assert all(line.startswith("- ") for line in lines)
    assert lines[0] == (
        "- Kreps, S. & Schneider, J. (2019). *Escalation firebreaks in the cyber, conventional, "
        "and nuclear domains: moving beyond effects-based logics*. Journal of Cybersecurity "
        "(Oxford University Press)."
    )
    assert lines[2].endswith("<https://www.clingendael.org/nl/node/11559>")
    assert listing._repr_markdown_() == listing


def test_reference_list_checks_keys() -> None:
    with pytest.raises(ValueError, match=r"^key: 'nobody1999'"):
        reference_list(["maurer2018", "nobody1999"])
    with pytest.raises(ValueError, match=r"^keys"):
        reference_list("maurer2018")


# --------------------------------------------------------------------------- glossary.csv


def test_glossary_schema(terms: pd.DataFrame, refs: pd.DataFrame) -> None:
    assert list(terms.columns) == ["term", "definition", "lesson", "source"]
    assert (terms["term"].str.len() > 0).all()
    assert terms["term"].str.casefold().is_unique
    assert (terms["definition"].str.len() > 20).all()
    assert set(terms["lesson"]) <= set(glossary.LESSONS)
    assert set(terms["source"]) <= set(refs["key"])
    assert len(terms) >= 25  # later lessons add their own terms: no upper bound


def test_glossary_has_the_core_terms(terms: pd.DataFrame) -> None:
    assert set(terms["term"]) >= REQUIRED_TERMS


def test_glossary_loader_rejects_unknown_source(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.csv"
    bad.write_text(
        "term,definition,lesson,source\nproxy,Someone acting for another.,02,nobody1999\n"
    )
    with pytest.raises(ValueError, match=r"source 'nobody1999' is not a key"):
        load_glossary(bad)
    bad.write_text(
        "term,definition,lesson,source\nproxy,Someone acting for another.,2,maurer2018\n"
    )
    with pytest.raises(ValueError, match=r"lesson '2' is not one of"):
        load_glossary(bad)


def test_define_is_case_and_hyphen_insensitive() -> None:
    text = define("Self Defence")
    assert text.startswith("**self-defence**: ")
    assert "(Read more: Schmitt 2017.)" in text
    with pytest.raises(ValueError, match=r"^term: 'atribution'.*'attribution'"):
        define("atribution")


def test_glossary_table_filters_by_lesson() -> None:
    lesson_two = glossary_table("02_proxies_and_attribution")
    assert list(lesson_two.columns) == ["term", "definition", "lesson"]
    assert set(lesson_two["lesson"]) == {"02"}
    assert "false flag" in set(lesson_two["term"])
    assert glossary_table(2).equals(lesson_two)
    assert len(glossary_table()) == len(load_glossary())
    with pytest.raises(ValueError, match=r"^lesson: 14"):
        glossary_table(14)


def test_glossary_view_shows_whole_definitions_with_plain_headers() -> None:
    """What the start page shows: every definition whole (pandas cut them with "..."), wrapped,
    under plain headers, without row numbers."""
    from course.learning.glossary import glossary_view

    page = glossary_view().to_html()
    for definition in load_glossary()["definition"]:
        assert html.escape(definition, quote=False) in page or definition in page
    assert "...</td>" not in page and "…</td>" not in page
    assert ">Term</th>" in page and ">Definition</th>" in page and ">term</th>" not in page
    assert "white-space: normal" in page
    assert "row_heading" not in page, "no column of row numbers"
    lesson_two = glossary_view("02").to_html()
    assert "false flag" in lesson_two and "due diligence" not in lesson_two


def test_start_page_shows_the_glossary_through_glossary_view() -> None:
    book = nbformat.read(NOTEBOOKS_DIR / "00_start_here.ipynb", as_version=4)
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert "glossary_view()" in code
    assert "glossary_table()" not in code, "a bare DataFrame cuts definitions with '...'"


# --------------------------------------------------------------------------- repository helpers


def test_cited_keys_in_source_reads_literal_calls_only() -> None:
    source = (
        "%matplotlib inline\n"
        "from course.learning import references as refs\n"
        'print(cite("maurer2018"))\n'
        "refs.reference_list(['vandermeer2020', \"kreps2019\"])\n"
        "reference_list(keys=('segal2017',))\n"
        "my_keys = ['not_a_literal_call']\n"
        "reference_list(my_keys)\n"
        "excite('decoy2000')\n"
    )
    assert cited_keys_in_source(source) == {
        "maurer2018",
        "vandermeer2020",
        "kreps2019",
        "segal2017",
    }


def test_cited_keys_in_source_survives_syntax_errors() -> None:
    assert cited_keys_in_source('cite("maurer2018")\nif broken') == {"maurer2018"}


def test_cited_keys_in_notebook_ignores_markdown(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell('As (Maurer 2018) shows [@segal2017], cite("fake2000")'),
            nbformat.v4.new_code_cell('cite("maurer2018")'),
            nbformat.v4.new_code_cell('reference_list(["maurer2018", "schmitt2015"])'),
        ]
    )
    path = tmp_path / "lesson.ipynb"
    nbformat.write(notebook, str(path))
    assert cited_keys_in_notebook(path) == {"maurer2018", "schmitt2015"}


def test_glossary_terms_missing_from_texts() -> None:
    texts = [
        "Patriotic hackers and cyber proxies blur attribution.",
        "A false-flag attack hides the attacker. Political attribution is a choice.",
    ]
    missing = glossary_terms_missing_from(texts, lesson="02")
    assert "cyber proxy" not in missing  # plural "proxies" counts
    assert "false flag" not in missing  # hyphenated form counts
    assert "attribution" not in missing and "political attribution" not in missing
    assert missing == ["cyber mercenary", "technical attribution", "plausible deniability"]
    everything = glossary_terms_missing_from("The CERTIFIED team.")  # no partial-word matches
    assert "CERT" in everything
    assert len(everything) == len(load_glossary())


def test_module_level_csv_paths_point_into_data() -> None:
    assert references.REFERENCES_CSV.name == "references.csv"
    assert glossary.GLOSSARY_CSV.parent == references.REFERENCES_CSV.parent


def test_an_edited_references_file_is_read_again(tmp_path) -> None:
    """Authors edit data/*.csv while a lesson is open; the cache must not hide the change."""
    import os
    import shutil

    from course.engine.paths import DATA_DIR
    from course.learning.references import cite, load_references

    path = tmp_path / "references.csv"
    shutil.copy(DATA_DIR / "references.csv", path)
    before = len(load_references(path))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('zzz2026,"Doe, Jane",A title,A journal,2026,,\n')
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert len(load_references(path)) == before + 1
    assert cite("zzz2026", path=path) == "(Doe 2026)"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_author_year_label_in_a_lesson_resolves_to_one_listed_entry(path: Path) -> None:
    """ "van der Meer 2020b" in the prose must be exactly one entry of that lesson's list."""
    from course.learning.references import citation_label, citations_in_text

    cells = json.loads(path.read_text("utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    listed = [citation_label(key) for key in cited_keys_in_notebook(path)]
    for label in citations_in_text(prose):
        assert listed.count(label) == 1, (
            f"{path.name}: '{label}' is not in the lesson's reference list; it shows "
            f"{sorted(listed)}"
        )


def test_a_label_without_its_suffix_is_caught() -> None:
    from course.learning.references import citations_in_text

    assert citations_in_text("as the brief says (van der Meer 2020; Maurer 2018, p. 3)") == [
        "van der Meer 2020",
        "Maurer 2018",
    ]
