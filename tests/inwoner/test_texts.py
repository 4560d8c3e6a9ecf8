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


def test_a_forms_own_text_comes_first_and_the_national_text_is_the_fallback():
    own = texts.Stand("Eigen titel", "Eigen tekst.")
    eigen = {"gesprek_plannen": own, "events/begeleidingsplan_gedeeld": own}.get
    assert texts.stand("lopend", ["gesprek_plannen"], [], {}, eigen) == own
    assert texts.stand("lopend", ["gesprek_voeren"], [], {}, eigen) == texts.STAND["gesprek_voeren"]
    assert texts.stand("lopend", ["gesprek_plannen"], [], {}) == texts.STAND["gesprek_plannen"]  # no lookup: national
    # A task neither the form nor the national texts know: the general text, as before.
    assert texts.stand("lopend", ["wachttijd_navragen"], [], {}, eigen) == texts.BEZIG
    # A variant's own wait comes before the national ones (a bezwaar can always come).
    assert texts.stand("lopend", [], ["bezwaar_ingediend", "begeleidingsplan_gedeeld"], {}, eigen) == own
    assert texts.stand("lopend", [], ["bezwaar_ingediend", "zorg_gestart"], {}, eigen) == texts.WACHT["zorg_gestart"]
    assert texts.stand("lopend", [], ["wijziging_aangevraagd", "bezwaar_ingediend"], {}, eigen) == texts.HULP_LOOPT
    assert texts.stand("afgehandeld", ["gesprek_plannen"], [], {}, eigen) == texts.AFGEROND


def test_x_inwoner_needs_a_title():
    assert texts.eigen_tekst({"x-inwoner": {"titel": " Wij bellen u ", "tekst": "Snel."}}) == texts.Stand("Wij bellen u",
                                                                                                           "Snel.")
    for schema in ({}, None, {"x-inwoner": "tekst"}, {"x-inwoner": {"tekst": "Zonder titel."}}):
        assert texts.eigen_tekst(schema) is None
