"""The letter's own print stylesheet reaches WeasyPrint intact (quotes not escaped), so the PDF uses its font."""
from app.letters.render import render_html


def test_the_print_stylesheet_is_embedded_unescaped(app):
    html = render_html("base", "ontvangstbevestiging.html", {
        "naam": "A. Jansen", "adres": ["Dorpsstraat 1", "1234 AB Ergens"], "briefhoofd": {"naam": "Gemeente"},
        "gemeente_titel": "Gemeente", "ontvangen_op": "2026-11-02", "hulpvraag": "Hulp bij het huishouden.",
        "ontvangstbevestiging_verzonden_op": "2026-11-02", "zaak": 1, "persoonlijk_plan_uiterlijk": None,
    })
    style = html[html.index("<style>"):html.index("</style>")]
    assert '"DejaVu Sans"' in style and "&#34;" not in style
