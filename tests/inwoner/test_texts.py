"""The resident's texts: the terms that matter to them, in plain words."""
from datetime import date

from app.cases.deadlines import Term
from app.inwoner import texts


def terms(*items):
    return {t.name: t for t in items}


def test_terms_say_what_the_resident_may_do():
    today = date(2026, 12, 10)
    late = texts.termijnen(terms(Term("beslistermijn", date(2026, 11, 19), date(2026, 12, 3), None)), {}, today)
    assert [u.titel for u in late] == ["Besluit"] and late[0].let_op
    assert "uiterlijk 3 december 2026 moeten beslissen" in late[0].tekst and "ingebrekestelling" in late[0].tekst
    extended = texts.termijnen(terms(Term("beslistermijn", date(2026, 11, 19), date(2026, 12, 17), None)),
                               {"verdaging_weken": 2}, today)
    assert "uiterlijk 17 december 2026 beslissen" in extended[0].tekst and "verlengd" in extended[0].tekst
    decided = texts.termijnen(terms(Term("beslistermijn", date(2026, 11, 19), date(2026, 12, 3), date(2026, 11, 30)),
                                    Term("bezwaartermijn", date(2026, 11, 30), date(2027, 1, 11), None)), {}, today)
    assert [u.titel for u in decided] == ["Besluit", "Bezwaar"]
    assert "tot en met 11 januari 2027 bezwaar maken" in decided[1].tekst
    internal = texts.termijnen(terms(Term("levering", date(2026, 11, 30), date(2027, 1, 25), None),
                                     Term("herindicatie", date(2027, 1, 1), date(2026, 11, 6), None)), {}, today)
    assert internal == []


def test_the_verslag_has_plain_titles_and_skips_empty_parts():
    parts = texts.verslag({"samenvatting": "Zo gaat het.", "voorstel": "Hulp.", "omvang": "", "leveringsvorm": "pgb",
                           "soort_hulp": "rolstoel", "verslag_opgesteld_op": "2026-11-16"})
    assert parts == [("Soort hulp", "Een rolstoel"), ("Wat wij hebben besproken en onderzocht", "Zo gaat het."),
                     ("Welke hulp wij voorstellen", "Hulp."),
                     ("Hoe u de hulp krijgt", texts.LEVERINGSVORM["pgb"]), ("Datum van het verslag", "16 november 2026")]
