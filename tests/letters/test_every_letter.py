"""Every letter of every shipped route: for each gemeente, every element marked ``brief`` in its effective route is
reached by real cases walked through that route, and the letter it sent carries the gemeente's letterhead and what the
resident must read in it."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app import processes
from app.cases import service
from app.db import db
from app.demo import create_case, event, task, walk
from app.engine import clock
from app.models import Case, Document
from tests.cases import test_paths as base_route
from tests.cases.test_termijnen import deliver
from tests.letters import test_termijn_brieven as termijn_brieven
from tests.letters.test_letters import pdf_text

LETTERHEADS = {"base": ("Landelijke route (Wmo 2015)",), **termijn_brieven.LETTERHEADS}

# Per kind: what the resident must read in the letter, whatever the case.
KEY = {
    "ontvangstbevestiging": ("Wij hebben uw melding ontvangen", "Cliëntondersteuning is gratis"),
    "uitnodiging_gesprek": ("Uitnodiging voor een gesprek over uw hulpvraag", "Wanneer is het gesprek?",
                            "geldig identiteitsbewijs"),
    "verslag": ("Wat kwam er uit het onderzoek?", "Het getekende verslag is dan uw aanvraag"),
    "advies": ("Overzicht van uw gesprek en ons advies", "Dat noemen wij het advies", "U bepaalt zelf of u het eens bent",
               "Ik doe een aanvraag voor een Wmo-voorziening"),
    "beschikking_toekenning_zin": ("u krijgt hulp", "zorg in natura", "CAK", "bezwaar"),
    "beschikking_afwijzing": ("u krijgt deze hulp niet", "bezwaar"),
    "wachttijd": ("Wanneer uw hulp begint", "tussen de 4 en 8 weken"),
    "herindicatie": ("Uw hulp stopt binnenkort", "neemt contact met u op"),
    "verdagingsbrief": ("Wij hebben meer tijd nodig voor ons besluit", "met 2 weken", "ingebrekestelling", "dwangsom"),
    "bezwaar_ontvangstbevestiging": ("Wij hebben uw bezwaar ontvangen", "hoorzitting"),
    "melding_ingetrokken": ("Uw melding is ingetrokken", "Wij hebben uw melding ontvangen",
                            "opnieuw melden bij het Aanmeldpunt Wmo"),
    "uitnodiging_vervolggesprek": ("Uitnodiging voor een vervolggesprek over uw pgb", "op het Stadhuis", "pgb-vaardig",
                                   "Sociale Verzekeringsbank", "036-2002158"),
    "verwijzing_wlz": ("Wet langdurige zorg", "betaalt de Wlz ook uw begeleiding en dagbesteding", "artikel 2.3.5 lid 6",
                       "U hoeft geen aanvraag te doen"),
}

# Per gemeente and element: what that case's own data put in the letter (so it was made from the case, not a stub).
OWN = {
    ("base", "ontvangstbevestiging_versturen"): ("Ik kan mijn huis niet meer schoonhouden.", "uiterlijk op 14 december 2026"),
    ("base", "gesprek_plannen"): ("12 november 2026", "Wij komen bij u thuis"),
    ("alkmaar", "gesprek_plannen"): ("12 november 2026", "Wij komen bij u thuis"),
    ("almere", "gesprek_plannen"): ("12 november 2026",),
    ("zwartewaterland", "gesprek_plannen"): ("12 november 2026",),
    ("alkmaar", "verslag_opstellen"): ("Wij raden u aan om hulp van de gemeente aan te vragen",),
    ("almere", "verslag_opstellen"): ("Hoeveel hulp", "binnen 2 weken"),
    ("base", "verslag_opstellen"): ("binnen 2 weken",),
    ("alkmaar", "wachttijd_doorgeven"): ("Thuiszorg Alkmaar", "1 december 2026", "29 december 2026", "26 januari 2027"),
    ("alkmaar", "melding_afsluiten"): ("Mijn buurvrouw doet de boodschappen.", "Wijkcentrum De Mare"),
    ("almere", "vervolggesprek_plannen"): ("8 december 2026", "14:00 uur"),
    ("almere", "naar_wlz_verwijzen"): ("12 november 2026", "zorgkantoor",
                                       "Ik krijg mijn dagindeling en administratie niet op orde."),
    ("base", "verdaging_vastleggen"): ("Wij wachten op een medisch advies.", "17 december 2026"),
    ("alkmaar", "verdaging_vastleggen"): ("Wij wachten op een medisch advies.", "17 december 2026"),
    ("almere", "verdaging_vastleggen"): ("Wij wachten op een medisch advies.", "17 december 2026"),
    ("zwartewaterland", "verdaging_vastleggen"): ("Wij wachten op een medisch advies.", "1 december 2026"),
    ("base", "bezwaar_registreren"): ("ontvangen op 10 december 2026",),
    ("alkmaar", "bezwaar_registreren"): ("ontvangen op 10 december 2026",),
    ("almere", "bezwaar_registreren"): ("ontvangen op 10 december 2026",),
    ("zwartewaterland", "bezwaar_registreren"): ("ontvangen op 10 december 2026",),
    ("base", "herindicatie_starten"): ("stopt op 5 december 2027",),
    ("alkmaar", "herindicatie_starten"): ("stopt op 5 december 2027",),
    ("almere", "herindicatie_starten"): ("stopt op 5 december 2027",),
    ("zwartewaterland", "herindicatie_starten"): ("stopt op 30 november 2027",),
}

VERDAGING = dict(weken=2, reden="Wij wachten op een medisch advies.")


@pytest.fixture(params=sorted(LETTERHEADS))
def route(request, sqlite_url, monkeypatch):
    from tests.letters.test_uitnodiging_verslag import gemeente

    with gemeente(request.param, sqlite_url, monkeypatch) as settings:
        yield settings


def _herindicatie(settings, case_id, on: date):
    assert service.fire_due(settings, datetime(on.year, on.month, on.day, tzinfo=clock.AMSTERDAM)) == 1
    return case_id


def _verdaagd(settings):
    case_id, on, _ = termijn_brieven._aanvraag(settings)
    deliver(settings, case_id, "verdaging", on, verzonden_op=on.isoformat(), **VERDAGING)
    return case_id


def _bezwaar(settings):
    case_id, _ = termijn_brieven._toegewezen(settings)
    deliver(settings, case_id, "bezwaar_ingediend", date(2026, 12, 10), ontvangen_op="2026-12-10", gronden="Te weinig uren.")
    return case_id


def _base(settings):
    lopend = _herindicatie(settings, base_route.lopend(settings), date(2027, 10, 10))
    verdaagd = base_route.start(settings, base_route.aanvraag())
    deliver(settings, verdaagd, "verdaging", date(2026, 12, 1), verzonden_op="2026-12-01", **VERDAGING)
    walk(settings, verdaagd, [base_route.BEOORDELEN, base_route.AFWIJZEN], date(2026, 12, 2))
    deliver(settings, verdaagd, "bezwaar_ingediend", date(2026, 12, 10), ontvangen_op="2026-12-10", gronden="Oneens.")
    return [lopend, verdaagd]


def _alkmaar(settings):
    from tests.processes import test_alkmaar as v

    toegewezen = v.toegewezen(settings)
    walk(settings, toegewezen, [event("zorg_gestart", startdatum="2026-12-20")], date(2026, 12, 20))
    _herindicatie(settings, toegewezen, date(2027, 10, 10))
    ingetrokken = create_case(settings, "999990019", v.MELDING)
    walk(settings, ingetrokken, [task("eigen_netwerk_nagaan", netwerk_gevraagd=True, organisaties_gevraagd=True,
                                      eigen_netwerk_uitkomst="opgelost", inwoner_trekt_melding_in=True,
                                      oplossing="Mijn buurvrouw doet de boodschappen.",
                                      verwezen_naar="Wijkcentrum De Mare")], v.MELDING)
    return [toegewezen, ingetrokken, _verdaagd(settings), _bezwaar(settings)]


def _almere(settings):
    from tests.processes import test_almere as v

    lopend = _herindicatie(settings, v.lopend(settings), date(2027, 10, 10))  # first: fire_due fires every case's timers
    pgb = v.start(settings, v.aanvraag("pgb"))
    walk(settings, pgb, [task("vervolggesprek_plannen", vervolggesprek_datum="2026-12-08", vervolggesprek_tijd="14:00",
                              uitnodiging_verzonden_op="2026-11-20")], date(2026, 11, 20))
    wlz = v.start(settings, v.INTAKE + [v.gesprek(wlz=True)])
    return [lopend, pgb, wlz, _verdaagd(settings), _bezwaar(settings)]


def _zwartewaterland(settings):
    toegewezen, einddatum = termijn_brieven._toegewezen(settings)
    walk(settings, toegewezen, [event("zorg_gestart", startdatum="2026-12-20")], date(2026, 12, 20))
    return [_herindicatie(settings, toegewezen, date(2027, 10, 5)), _verdaagd(settings), _bezwaar(settings)]


CASES = {"base": _base, "alkmaar": _alkmaar, "almere": _almere, "zwartewaterland": _zwartewaterland}


def test_every_brief_element_of_the_route_sends_its_letter_with_the_gemeentes_letterhead(route):
    gemeente = route.gemeente
    case_ids = CASES[gemeente](route)
    sent = {}
    for document in db.session.scalars(select(Document).where(Document.case_id.in_(case_ids)).order_by(Document.id)):
        sent.setdefault(document.element, document)
    elements = processes.route_of(route, db.session.get(Case, case_ids[0])).definition.letters
    assert set(elements) <= set(sent), f"{gemeente}: no letter from {sorted(set(elements) - set(sent))}"
    for element in sorted(elements):
        letter = sent[element]
        text = pdf_text(letter)
        for line in (*LETTERHEADS[gemeente], *KEY[letter.kind], *OWN.get((gemeente, element), ())):
            assert line in text, f"{gemeente} {element} ({letter.kind}): {line!r} missing"
        if gemeente != "base":
            assert "Landelijke route" not in text, f"{gemeente} {element}"
        assert "None" not in text and "{{" not in letter.html, f"{gemeente} {element}"


# --- the variants' own letters: what they declare is all they need, and a missing field is named -------------------

OWN_KINDS = {"alkmaar": {"verslag_opstellen": "advies", "melding_afsluiten": "melding_ingetrokken",
                         "wachttijd_doorgeven": "wachttijd"},
             "almere": {"vervolggesprek_plannen": "uitnodiging_vervolggesprek", "naar_wlz_verwijzen": "verwijzing_wlz"}}
VALUES = {"samenvatting": "Schoonmaken lukt niet meer.", "voorstel": "Vraag hulp bij het huishouden aan.",
          "advies_soort": "zonder_wmo_voorziening", "verslag_opgesteld_op": "2026-11-16", "ontvangen_op": "2026-11-02",
          "hulpvraag": "Hulp bij het huishouden.", "oplossing": "Mijn buurvrouw helpt.", "melding_ingetrokken_op": "2026-11-03",
          "zorgaanbieder": "Thuiszorg Alkmaar", "toewijzing_verzonden_op": "2026-12-01", "wachttijd_vanaf": "2026-12-29",
          "wachttijd_tot": "2027-01-26", "vervolggesprek_datum": "2026-12-08", "uitnodiging_verzonden_op": "2026-11-20",
          "gesprek_gevoerd_op": "2026-11-12"}


@pytest.mark.parametrize("name", sorted(OWN_KINDS))
def test_a_variant_letter_needs_only_its_declared_fields_and_names_a_missing_one(name, sqlite_url, monkeypatch):
    from types import SimpleNamespace

    from app.letters import LETTERS, LetterError, make_letters
    from tests.letters.test_uitnodiging_verslag import gemeente

    with gemeente(name, sqlite_url, monkeypatch) as settings:
        case = db.session.get(Case, create_case(settings, "999990019", date(2026, 11, 2)))
        route_now = processes.route_of(settings, case)
        for element, kind in OWN_KINDS[name].items():
            letter = LETTERS[kind]
            data = {field: VALUES[field] for field in letter.required if field not in ("naam", "adres")}
            fake = SimpleNamespace(id=case.id, data=data, naam=case.naam, adres=case.adres)
            step = SimpleNamespace(completed=[element])
            [made] = make_letters(fake, route_now, step, [], SimpleNamespace(id=None), SimpleNamespace(username="t"))
            text = made.html
            assert made.kind == kind and LETTERHEADS[name][0] in text and "None" not in text, kind
            db.session.expunge(made)
            for field in data:
                fake.data = {k: v for k, v in data.items() if k != field}
                with pytest.raises(LetterError) as raised:
                    make_letters(fake, route_now, step, [], SimpleNamespace(id=None), SimpleNamespace(username="t"))
                assert list(raised.value.fields) == [field] and field in raised.value.message, (kind, field)
        db.session.rollback()
