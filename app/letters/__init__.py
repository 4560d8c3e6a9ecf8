"""The letters the route sends: rendered from case data, stored with the case as HTML and PDF."""
from .render import LetterError, render_html, render_pdf
from .service import LETTERS, Letter, letter_for, make_letters

__all__ = ["LETTERS", "Letter", "LetterError", "letter_for", "make_letters", "render_html", "render_pdf"]
