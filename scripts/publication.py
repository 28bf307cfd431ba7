"""What the static publications (book, slide decks, handouts) share: which notebooks they cover,
where the builds go, and the check that nothing in a page loads from the internet.

Why one module: ``make book``, ``make slides`` and ``make handouts`` all start from the same
executed notebooks (``scripts/execute_notebooks.py``) and must agree on the list of notebooks,
which comes from the lesson map (``course.learning.lesson_map``), never from a hand-written list:
a lesson added later is published without new code. The scripts import this module from their
own folder; ``tests/test_publish.py`` loads it by path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from course.engine.paths import EXERCISES_DIR, NOTEBOOKS_DIR, REPO_ROOT
from course.learning.lesson_map import Lesson, load_lessons

BUILD_DIR: Path = REPO_ROOT / "build"
EXECUTED_DIR: Path = BUILD_DIR / "executed"
BOOK_DIR: Path = BUILD_DIR / "book"
SLIDES_DIR: Path = BUILD_DIR / "slides"
HANDOUTS_DIR: Path = BUILD_DIR / "handouts"
BOOK_SOURCE: Path = REPO_ROOT / "book"
REVEAL_DIR: Path = BOOK_SOURCE / "vendor" / "reveal.js"

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class Source:
    """One notebook to publish: a lesson or the exercises that go with it."""

    kind: str
    """``"lesson"`` or ``"exercises"``."""
    lesson: Lesson
    path: Path
    """The committed notebook (exercises: the student edition, as students open it)."""

    @property
    def relative(self) -> Path:
        """``notebooks/NN_slug.ipynb`` or ``exercises/NN_slug_exercises.ipynb``: the executed
        copies keep the repository layout, so links between lessons and exercises still work."""
        return self.path.relative_to(REPO_ROOT)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def title(self) -> str:
        if self.kind == "lesson":
            return self.lesson.title
        return f"Exercises {self.lesson.id}: {self.lesson.title}"


def exercise_path(lesson: Lesson, folder: Path = EXERCISES_DIR) -> Path:
    """Where a lesson's exercise notebook lives (it may not exist: the start page has none)."""
    return folder / f"{lesson.path.stem}_exercises.ipynb"


def publication_sources(
    notebooks: Path = NOTEBOOKS_DIR, exercises: Path = EXERCISES_DIR
) -> list[Source]:
    """Every lesson in the lesson map, each followed by its exercise notebook if it has one."""
    sources: list[Source] = []
    for lesson in load_lessons(notebooks):
        sources.append(Source("lesson", lesson, lesson.path))
        extra = exercise_path(lesson, exercises)
        if extra.is_file():
            sources.append(Source("exercises", lesson, extra))
    return sources


def plotly_js() -> Path:
    """plotly.js as the installed plotly package ships it (the same version that made the
    figures' JSON), so the site and the decks need no CDN."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall plotly (pip install plotly)")
    return path


# --------------------------------------------------------------------------- remote assets

_CSS_URL = re.compile(r"""(?:@import\s+|url\()\s*["']?([^"')\s]+)""", re.IGNORECASE)
_ASSET_TAGS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src"}
_LOADED_URL = re.compile(r"""(?:https?:)?//[^\s"'`<>]+?\.(?:m?js|css|woff2?|ttf|otf)\b""")
"""A script, stylesheet or font address inside inline JavaScript (a loader such as thebe's
``const THEBE_JS_URL = "https://unpkg.com/..."``)."""


def is_remote(url: str) -> bool:
    """True for an address that would leave this machine (``http(s)://`` or ``//host`` to a
    host other than loopback). Relative paths, ``file:``, ``data:``, ``blob:``, ``about:`` and
    fragment links stay local."""
    url = url.strip()
    if not url or url.startswith(("#", "data:", "blob:", "about:", "javascript:")):
        return False
    parts = urlsplit(url)
    if parts.scheme in ("", "file") and not url.startswith("//"):
        return False
    host = (parts.hostname or "").lower()
    return host not in LOOPBACK_HOSTS


class _AssetFinder(HTMLParser):
    """Collects every URL a browser would fetch by itself while showing the page: scripts,
    stylesheets, fonts, icons, preloads, images and frames, CSS ``url()``/``@import`` in
    ``<style>`` blocks and ``style`` attributes, and script/style/font addresses written in
    inline scripts (loaders). Ordinary links (``<a href>``) are not fetched and are not
    collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _ASSET_TAGS and values.get(_ASSET_TAGS[tag]):
            self.urls.append((tag, values[_ASSET_TAGS[tag]]))
        if tag == "link" and values.get("href"):
            self.urls.append((f"link rel={values.get('rel', '')}", values["href"]))
        if values.get("style"):
            self.urls += [("style attribute", u) for u in _CSS_URL.findall(values["style"])]
        self._in_style = tag == "style"
        self._in_script = tag == "script" and not values.get("src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += [("style", u) for u in _CSS_URL.findall(data)]
        if self._in_script:
            self.urls += [("inline script", u) for u in _LOADED_URL.findall(data)]


def fetched_urls(html_text: str) -> list[tuple[str, str]]:
    """Every (where, url) a browser fetches on its own when it shows ``html_text``."""
    finder = _AssetFinder()
    finder.feed(html_text)
    finder.close()
    return finder.urls


def remote_assets(html_text: str) -> list[str]:
    """The fetched URLs of a page that would leave the machine, as ``"<tag>: <url>"``."""
    return [f"{where}: {url}" for where, url in fetched_urls(html_text) if is_remote(url)]


def remote_css_urls(css_text: str) -> list[str]:
    """``url()`` and ``@import`` targets in a stylesheet that would leave the machine."""
    return [url for url in _CSS_URL.findall(css_text) if is_remote(url)]


def html_files(folder: Path) -> Iterator[Path]:
    """Every HTML page under ``folder``, sorted (for the remote-asset checks)."""
    yield from sorted(folder.rglob("*.html"))
