"""A herindicatie starts a new round: its verslag shows only this round's answers, never the previous round's, while
the previous answers stay in the timeline and the previous round's letters stay as they were sent."""
from datetime import date, datetime

from sqlalchemy import select

from app.cases import service
from app.db import db
from app.demo import event, task, time_to, walk
from app.engine import clock
from app.models import AuditEvent, Document
from tests.cases.test_paths import BEOORDELEN, deadline, start, toekennen
from tests.letters.test_letters import pdf_text
from tests.letters.test_uitnodiging_verslag import GESPREK, ONDERTEKENEN, PLANNEN, VERSLAG, gemeente, without

OLD = ("Hulp bij het schoonmaken van het huis.", "Woont alleen, slecht ter been.", "Kan zelf koken en de was doen.",
       "Dochter doet de boodschappen.", "Geen algemene voorziening die schoonmaakt.", "Schoon en veilig thuis wonen.",
       "U hebt hulp nodig bij het schoonmaken.", "3 uur per week", "Een schoon en leefbaar huis.")
OPTIONAL = ("gesprek_datum", "gesprek_tijd", "gesprek_vorm", "mee_te_nemen", "clientondersteuning_gewenst", "aanwezigen",
            "persoonlijke_situatie", "eigen_mogelijkheden", "sociaal_netwerk", "mantelzorger_ondersteuning",
            "voorzieningen", "levensovertuiging", "omvang", "beoogd_resultaat")


def verslagen(case_id, kind="verslag"):
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id, Document.kind == kind)
                                   .order_by(Document.id)))


def _herindicatie(settings, case_id):
    assert service.fire_due(settings, datetime(2027, 10, 10, tzinfo=clock.AMSTERDAM)) == 1
    walk(settings, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 12))


def test_the_new_verslag_shows_only_the_new_rounds_answers(settings, monkeypatch):
    case_id = start(settings, [task("gesprek_plannen", **PLANNEN), time_to(date(2026, 11, 12)), GESPREK, VERSLAG,
                               ONDERTEKENEN, BEOORDELEN, toekennen(), task("zorgaanbieder_toewijzen"),
                               event("zorg_gestart", startdatum="2026-12-07")])
    [first] = verslagen(case_id)
    assert "Dochter doet de boodschappen." in pdf_text(first)
    _herindicatie(settings, case_id)
    # The new round: the gesprek is skipped (the resident agrees), and the verslag names no omvang or resultaat.
    without(monkeypatch, *OPTIONAL)
    walk(settings, case_id, [
        task("gesprek_plannen", gesprek_nodig=False, inwoner_stemt_in=True, reden_geen_gesprek="Niets is veranderd.",
             leveringsvorm="zin", soort_hulp="huishoudelijke_hulp"),
        task("verslag_opstellen", verslag_opgesteld_op="2027-10-14", samenvatting="Uw situatie is hetzelfde gebleven.",
             voorstel="Dezelfde hulp bij het huishouden, nog een jaar."),
    ], date(2027, 10, 14))
    first_again, second = verslagen(case_id)
    text = pdf_text(second)
    assert "Uw situatie is hetzelfde gebleven." in text and "Dezelfde hulp bij het huishouden, nog een jaar." in text
    assert "een gesprek niet nodig is" in text and "14 oktober 2027" in text
    for old in OLD:
        assert old not in text, old
    assert "Wat wij hebben besproken" in text  # only the hulpvraag of the melding is left of the answers
    assert "Uw hulpvraag: Ik kan mijn huis niet meer schoonhouden." in text
    # The previous round stays: its letter as it was sent, its answers in the timeline.
    assert first_again.html == first.html
    history = [e.changes or {} for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))]
    assert any(c.get("sociaal_netwerk") == "Dochter doet de boodschappen." for c in history)
    assert any("sociaal_netwerk" in c and c["sociaal_netwerk"] is None for c in history)  # cleared, and the timeline says so


def test_alkmaars_new_advies_shows_only_the_new_rounds_answers(sqlite_url, monkeypatch):
    from tests.processes import test_alkmaar as v

    with gemeente("alkmaar", sqlite_url, monkeypatch) as settings:
        case_id = v.start(settings, v.UITNODIGING + [
            time_to(date(2026, 11, 12)),
            task("gesprek_voeren", behoefte="Hulp bij het schoonmaken.", wat_goed_gaat="Koken gaat goed.",
                 wat_minder_lukt="Stofzuigen lukt niet meer.", sociaal_netwerk="Mijn zoon komt elke week.",
                 voorzieningen="Geen wijkcentrum dichtbij."),
            task("verslag_opstellen", advies_soort="wmo_voorziening", verslag_opgesteld_op="2026-11-16",
                 samenvatting="Schoonmaken lukt niet meer.", voorstel="Vraag hulp bij het huishouden aan."),
        ] + v.aanvraag()[-2:] + [task("aanvraag_beoordelen"), v.toekennen()])
        walk(settings, case_id, [task("zorgaanbieder_toewijzen", toewijzing_verzonden_op="2026-12-01"),
                                 event("zorg_gestart", startdatum="2026-12-20")], date(2026, 12, 20))
        _herindicatie(settings, case_id)
        without(monkeypatch, *(name for name in OPTIONAL if name != "gesprek_datum"))
        walk(settings, case_id, [
            task("gesprek_plannen", uitnodiging_verzonden_op="2027-10-12", gesprek_datum="2027-10-20", gesprek_plek="thuis"),
            time_to(date(2027, 10, 20)),
            task("gesprek_voeren", behoefte="Nog steeds hulp bij het schoonmaken.", wat_goed_gaat="Boodschappen gaan goed.",
                 wat_minder_lukt="Ramen lappen lukt niet."),
            task("verslag_opstellen", advies_soort="wmo_voorziening", verslag_opgesteld_op="2027-10-21",
                 samenvatting="Het schoonmaken lukt nog steeds niet.", voorstel="Vraag de hulp opnieuw aan."),
        ], date(2027, 10, 12))
        first, second = verslagen(case_id, "advies")
        text = pdf_text(second)
        assert "Gemeente Alkmaar" in text and "Het schoonmaken lukt nog steeds niet." in text
        assert "Boodschappen gaan goed." in text and "Ramen lappen lukt niet." in text
        for old in ("Mijn zoon komt elke week.", "Geen wijkcentrum dichtbij.", "Koken gaat goed.", "Schoonmaken lukt niet meer."):
            assert old not in text, old
        assert "Mijn zoon komt elke week." in pdf_text(first)


def test_almeres_new_onderzoeksverslag_shows_only_the_new_rounds_answers(sqlite_url, monkeypatch):
    from tests.processes import test_almere as v

    with gemeente("almere", sqlite_url, monkeypatch) as settings:
        case_id = v.lopend(settings)
        before = service.get_case(case_id).data
        old = [before[name] for name in ("sociaal_netwerk", "eigen_mogelijkheden", "zorgindicatie", "samenvatting")]
        assert all(value in pdf_text(verslagen(case_id)[0]) for value in old[:2] + old[3:])
        _herindicatie(settings, case_id)
        without(monkeypatch, *(n for n in OPTIONAL if n not in ("gesprek_datum", "gesprek_vorm")), "zorgindicatie")
        walk(settings, case_id, [
            task("gesprek_plannen", gesprek_datum="2027-10-20", gesprek_vorm="huisbezoek"),
            time_to(date(2027, 10, 20)),
            task("gesprek_voeren", gebruikt_wlz=False, leveringsvorm="zin", soort_hulp="begeleiding",
                 behoefte="Nog steeds hulp bij de administratie.", gewenst_effect="Zelf mijn post bijhouden."),
            task("verslag_opstellen", professionele_begeleiding_nodig=False, verslag_opgesteld_op="2027-10-21",
                 samenvatting="U hebt minder begeleiding nodig.", voorstel="Begeleiding stopt; het wijkteam helpt."),
        ], date(2027, 10, 12))
        _, second = verslagen(case_id)
        text = pdf_text(second)
        assert "Gemeente Almere" in text and "U hebt minder begeleiding nodig." in text
        assert "Nog steeds hulp bij de administratie." in text
        for value in old:
            assert value not in text, value
        assert service.get_case(case_id).data["zorgindicatie"] is None  # no zorgindicatie this round


def test_the_new_aanvraag_has_its_own_verdaging_and_no_dwangsom_of_the_previous_one(settings):
    from tests.cases.test_paths import aanvraag, detail
    from tests.cases.test_termijnen import deliver

    case_id = start(settings, aanvraag())  # the aanvraag of 19 Nov 2026: the beslistermijn ends 3 Dec 2026
    deliver(settings, case_id, "verdaging", date(2026, 12, 1), weken=2, reden="Medisch advies nodig",
            verzonden_op="2026-12-01")
    deliver(settings, case_id, "ingebrekestelling", date(2026, 12, 18), ontvangen_op="2026-12-18")
    walk(settings, case_id, [BEOORDELEN, toekennen(beschikking_verzonden_op="2027-01-08"),
                             task("zorgaanbieder_toewijzen"), event("zorg_gestart", startdatum="2027-01-11")],
         date(2027, 1, 8))
    assert detail(settings, case_id, date(2027, 1, 8))["dwangsom"]["status"] == "gestopt"
    _herindicatie(settings, case_id)
    walk(settings, case_id, [
        task("gesprek_plannen", gesprek_nodig=False, inwoner_stemt_in=True, reden_geen_gesprek="Niets is veranderd.",
             leveringsvorm="zin", soort_hulp="huishoudelijke_hulp"),
        task("verslag_opstellen", verslag_opgesteld_op="2027-10-14", samenvatting="Hetzelfde.", voorstel="Verlengen."),
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2027-10-15"),
    ], date(2027, 10, 15))
    view = detail(settings, case_id, date(2027, 10, 18))
    # The previous aanvraag's verdaging does not lengthen this one's beslistermijn (2 weeks from 15 Oct 2027), and its
    # ingebrekestelling starts no dwangsom here.
    assert view["data"]["verdaging_weken"] is None and view["data"]["ingebrekestelling_ontvangen_op"] is None
    assert deadline(view, "beslistermijn")["due"] == "2027-10-29"
    assert view["dwangsom"] is None or view["dwangsom"]["status"] != "gestopt"
    # This aanvraag may be verdaagd once, with its own letter.
    deliver(settings, case_id, "verdaging", date(2027, 10, 20), weken=1, reden="Advies van de ergotherapeut",
            verzonden_op="2027-10-20")
    letters = verslagen(case_id, "verdagingsbrief")
    assert len(letters) == 2 and "Advies van de ergotherapeut" in pdf_text(letters[1])
