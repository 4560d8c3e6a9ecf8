"""Case data in, letter out: Jinja2 (a gemeente's template over the base one) to HTML, WeasyPrint to PDF.

Templates live in ``app/templates/brieven/<kind>.html``; a gemeente overrides one (or the letterhead
``_briefhoofd.html``) with a file of the same name in ``app/templates/brieven/<gemeente>/``.
"""
from __future__ import annotations

import re
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, UndefinedError, select_autoescape

from ..errors import InvalidInput

BRIEVEN = Path(__file__).resolve().parents[1] / "templates" / "brieven"
PRINT_CSS = Path(__file__).resolve().parents[1] / "static" / "brief.css"
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


class LetterError(InvalidInput):
    """Case data a letter needs is missing or wrong: nothing is made, and the step is not stored."""


def datum(value) -> str:
    """A date as a Dutch letter writes it: 2 november 2026."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MAANDEN[value.month - 1]} {value.year}"


def euro(value) -> str:
    """An amount as Dutch writes it: € 21,00."""
    return "€ " + f"{float(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@lru_cache(maxsize=None)
def environment(gemeente: str) -> Environment:
    """The gemeente's templates first, then the base ones; a missing variable is an error, never an empty spot."""
    loaders = [FileSystemLoader(BRIEVEN / gemeente)] if gemeente != "base" and (BRIEVEN / gemeente).is_dir() else []
    env = Environment(loader=ChoiceLoader([*loaders, FileSystemLoader(BRIEVEN)]),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(datum=datum, euro=euro)
    return env


def render_html(gemeente: str, template: str, context: dict) -> str:
    """Render one letter to a complete HTML document with its print CSS inline (the stored copy stands alone)."""
    try:
        return environment(gemeente).get_template(template).render(**context, print_css=PRINT_CSS.read_text("utf-8"))
    except UndefinedError as error:  # a field the letter uses but did not declare: name it, make nothing
        found = re.search(r"'([^']+)' is undefined", str(error))
        name = found.group(1) if found else "?"
        raise LetterError(f"de brief {template} kan niet worden gemaakt: {name} ontbreekt in de zaak",
                          {name: f"nodig voor de brief {template}"}) from None


_fonts = threading.local()


def render_pdf(html: str) -> bytes:
    """The letter as an A4 PDF (WeasyPrint).

    Each thread keeps its own font configuration: setting one up (fontconfig reading the system fonts) was about
    40% of a letter's PDF, and one is not shared between threads because Pango's font maps are not made for that.
    """
    from weasyprint import HTML  # imported here: loading Pango costs time the rest of the app never needs
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return HTML(string=html).write_pdf(font_config=_fonts.config)
