"""The resident's page in plain Dutch (B1): where the case stands, the terms that matter, the verslag."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from ..cases import deadlines

MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


@dataclass(frozen=True)
class Stand:
    titel: str
    tekst: str


@dataclass(frozen=True)
class Uitleg:
    titel: str
    tekst: str
    let_op: bool = False  # a term that has passed, or one the resident must act within


# What happens now, by the open task (first match wins; the teamleider's tasks are the gemeente's own affair).
# These are the national texts: a gemeente words its own in the task's form, "x-inwoner": {"titel", "tekst"}
# (forms/<gemeente>/<task>.json, or events/<name>.json for a wait), and those come first.
STAND = {
    "gesprek_plannen": Stand("Wij plannen een gesprek met u",
                             "Een consulent van de gemeente neemt contact met u op. Samen spreekt u een dag en tijd af."),
    "gesprek_voeren": Stand("Er komt een gesprek met u",
                            "In het gesprek vertelt u wat u nodig heeft. De consulent kijkt samen met u wat u zelf kunt "
                            "en wie u kan helpen."),
    "verslag_opstellen": Stand("Wij schrijven een verslag van het gesprek",
                               "De consulent schrijft op wat u samen besproken hebt. Daarna krijgt u het verslag om te lezen."),
    "verslag_ondertekenen": Stand(
        "Lees het verslag en onderteken het",
        "Het verslag van uw gesprek is klaar. Lees het hieronder. Geef aan of u het ermee eens bent. "
        "Wilt u de hulp? Dan vraagt u die hier aan."),
    "pgb_vaardigheid_toetsen": Stand("Wij bekijken uw aanvraag voor een pgb",
                                     "U wilt een persoonsgebonden budget (pgb). Met een pgb regelt u de hulp zelf. "
                                     "Wij kijken of u dat kunt. Misschien maken we daarvoor een afspraak met u."),
    "aanvraag_beoordelen": Stand("Wij bekijken uw aanvraag",
                                 "De gemeente heeft uw aanvraag. Wij bekijken welke hulp u nodig heeft."),
    "besluit_nemen": Stand("Wij nemen een besluit over uw aanvraag",
                           "U krijgt een brief met het besluit. In die brief staat welke hulp u krijgt, of waarom niet."),
    "zorgaanbieder_toewijzen": Stand("Wij zoeken een zorgaanbieder",
                                     "U krijgt de hulp. Wij vragen een zorgaanbieder om de hulp te geven."),
    "pgb_budget_regelen": Stand("Wij regelen uw pgb",
                                "U krijgt een pgb. Wij geven het bedrag door aan de Sociale Verzekeringsbank (SVB). "
                                "De SVB betaalt uw zorgverleners."),
    "uitbetaling_regelen": Stand("Wij regelen de betaling", "U krijgt de hulp als geldbedrag. Wij regelen de betaling."),
    "wijziging_beoordelen": Stand("Wij bekijken uw wijziging", "U hebt een wijziging doorgegeven. Wij bekijken wat dat betekent."),
    "herindicatie_beoordelen": Stand("Wij kijken opnieuw naar uw hulp",
                                     "Uw hulp stopt binnenkort. Wij kijken met u of u de hulp daarna nog nodig heeft."),
    "beeindiging_verwerken": Stand("Uw hulp stopt", "Wij regelen het einde van uw hulp."),
    "bezwaar_behandelen": Stand("Wij behandelen uw bezwaar",
                                "U bent het niet eens met ons besluit. Wij bekijken uw bezwaar opnieuw. U krijgt een brief."),
}
WACHT = {
    "wijziging_aangevraagd": Stand("U krijgt hulp", "U krijgt nu de hulp die wij hebben afgesproken. "
                                   "Verandert er iets? Geef het aan ons door."),
    "persoonlijk_plan_ontvangen": Stand("U kunt een persoonlijk plan inleveren",
                                        "Wilt u zelf opschrijven welke hulp u nodig heeft? Dat kan hieronder. "
                                        "Wij bespreken uw plan in het gesprek."),
    "zorg_gestart": Stand("De hulp begint binnenkort",
                          "Een zorgaanbieder gaat u helpen. De zorgaanbieder neemt contact met u op."),
    "bezwaar_ingediend": Stand("Wij hebben een besluit genomen", "U hebt een brief gekregen met ons besluit."),
}
BEZIG = Stand("Wij werken aan uw zaak", "U hoeft nu niets te doen. Wij nemen contact met u op als dat nodig is.")
HULP_LOOPT = WACHT["wijziging_aangevraagd"]  # the hulp runs: the case waits for a change, among other things
AFGEROND = Stand("Uw zaak is afgerond", "Wij doen niets meer met deze zaak. Hebt u vragen? Bel dan de gemeente.")


# The waits of the national route, in the order their text is chosen; a variant's own waits come before these.
NATIONALE_WACHT = ("wijziging_aangevraagd", "persoonlijk_plan_ontvangen", "zorg_gestart", "bezwaar_ingediend")


def eigen_tekst(schema: dict | None) -> Stand | None:
    """The gemeente's own text in a form's ``x-inwoner`` ({"titel": ..., "tekst": ...}), or None."""
    eigen = (schema or {}).get("x-inwoner")
    if not isinstance(eigen, dict) or not str(eigen.get("titel") or "").strip():
        return None
    return Stand(str(eigen["titel"]).strip(), str(eigen.get("tekst") or "").strip())


def stand(status: str, open_tasks: list[str], waiting: list[str], data: dict,
          eigen: Callable[[str], Stand | None] = lambda name: None) -> Stand:
    """What happens now, in plain words.

    ``eigen(name)`` gives the gemeente's own text for a task (``"gesprek_plannen"``) or a wait
    (``"events/zorg_gestart"``), from the form's ``x-inwoner``; without one the national text counts.
    """
    if status == "afgehandeld":
        return AFGEROND
    for name in open_tasks:
        text = eigen(name) or STAND.get(name)
        if text:
            return text
    for name in [n for n in waiting if n not in NATIONALE_WACHT] + [n for n in NATIONALE_WACHT if n in waiting]:
        text = eigen(f"events/{name}") or WACHT.get(name)
        if text:
            return text
    return BEZIG


def termijnen(terms: dict, data: dict, today: date) -> list[Uitleg]:
    """The terms that matter to the resident, each in a sentence or two."""
    result = []

    def status(name):
        term = terms.get(name)
        return (term, deadlines.status(term.due, term.met_on, today)) if term else (None, None)

    plan, plan_status = status("persoonlijk_plan")
    if plan_status == "open":
        result.append(Uitleg(
            "Persoonlijk plan",
            f"U kunt tot en met {datum(plan.due)} een persoonlijk plan inleveren. In dat plan schrijft u zelf op "
            "welke hulp u nodig heeft. Dat mag, het hoeft niet.", let_op=True))
    onderzoek, onderzoek_status = status("onderzoek")
    if plan_status == "met" and onderzoek_status != "met":
        result.append(Uitleg("Persoonlijk plan", f"Wij hebben uw persoonlijk plan ontvangen op {datum(plan.met_on)}. "
                             "Wij gebruiken het in het onderzoek."))
    if onderzoek_status == "open":
        result.append(Uitleg(
            "Onderzoek",
            f"Wij onderzoeken samen met u welke hulp u nodig heeft. Dat onderzoek moet uiterlijk {datum(onderzoek.due)} "
            "klaar zijn."))
    elif onderzoek_status == "overdue":
        result.append(Uitleg(
            "Onderzoek",
            f"Het onderzoek had uiterlijk {datum(onderzoek.due)} klaar moeten zijn. Dat is niet gelukt. "
            "U mag de hulp nu meteen aanvragen, ook zonder verslag. Neem daarvoor contact op met de gemeente.",
            let_op=True))
    beslis, beslis_status = status("beslistermijn")
    verlengd = " Wij hebben deze termijn verlengd. U hebt daarover een brief gekregen." if data.get("verdaging_weken") else ""
    if beslis_status == "open":
        result.append(Uitleg(
            "Besluit",
            f"Wij moeten uiterlijk {datum(beslis.due)} beslissen over uw aanvraag. Dat is 2 weken na de dag waarop "
            f"wij uw ondertekende verslag kregen.{verlengd}"))
    elif beslis_status == "overdue":
        result.append(Uitleg(
            "Besluit",
            f"Wij hadden uiterlijk {datum(beslis.due)} moeten beslissen. Dat is niet gelukt.{verlengd} "
            "U mag ons een brief sturen waarin u vraagt om snel te beslissen (een ingebrekestelling). "
            "Beslissen wij daarna niet binnen 2 weken? Dan moeten wij u geld betalen (een dwangsom).", let_op=True))
    elif beslis_status == "met":
        result.append(Uitleg("Besluit", f"Wij hebben op {datum(beslis.met_on)} een besluit genomen en u een brief gestuurd."))
    bezwaar, bezwaar_status = status("bezwaartermijn")
    if bezwaar_status == "open":
        result.append(Uitleg(
            "Bezwaar",
            f"Bent u het niet eens met ons besluit? Dan kunt u tot en met {datum(bezwaar.due)} bezwaar maken. "
            "Hoe dat gaat, staat in de brief met het besluit.", let_op=True))
    return result


# The verslag as the resident reads it: the klantmanager's answers, with plain titles.
VERSLAG = (
    ("samenvatting", "Wat wij hebben besproken en onderzocht"),
    ("voorstel", "Welke hulp wij voorstellen"),
    ("omvang", "Hoeveel hulp"),
    ("beoogd_resultaat", "Wat de hulp moet opleveren"),
)
SOORT_HULP = {
    "huishoudelijke_hulp": "hulp in het huishouden", "begeleiding": "begeleiding",
    "persoonlijke_verzorging": "persoonlijke verzorging", "kortdurend_verblijf": "kort verblijf buiten huis (logeren)",
    "dagbesteding": "dagbesteding", "vervoer": "vervoer", "rolstoel": "een rolstoel",
    "woonvoorziening": "een aanpassing in uw woning", "hulpmiddel": "een hulpmiddel", "overig": "andere hulp",
}
LEVERINGSVORM = {
    "zin": "Een zorgaanbieder die met de gemeente werkt, geeft u de hulp (zorg in natura).",
    "pgb": "U krijgt een persoonsgebonden budget (pgb). Daarmee regelt en betaalt u de hulp zelf.",
    "geld": "U krijgt een geldbedrag en regelt de hulp zelf.",
}


def verslag(data: dict) -> list[tuple[str, str]]:
    """The verslag's parts that have text, in reading order."""
    parts = []
    if data.get("soort_hulp") in SOORT_HULP:
        parts.append(("Soort hulp", SOORT_HULP[data["soort_hulp"]].capitalize()))
    for key, title in VERSLAG:
        if str(data.get(key) or "").strip():
            parts.append((title, str(data[key])))
    if data.get("leveringsvorm") in LEVERINGSVORM:
        parts.append(("Hoe u de hulp krijgt", LEVERINGSVORM[data["leveringsvorm"]]))
    opgesteld = deadlines.parse_date(data.get("verslag_opgesteld_op"))
    if opgesteld:
        parts.append(("Datum van het verslag", datum(opgesteld)))
    return parts


def brief_uitleg(vervangt: str | None, vervangen_op: str | None) -> str | None:
    """What a resident must know about a corrected letter, in a sentence."""
    if vervangen_op:
        return f"Deze brief klopte niet. Wij hebben u op {vervangen_op} een nieuwe brief gestuurd. Die geldt nu."
    if vervangt:
        return f"Deze brief vervangt onze brief van {vervangt}."
    return None


def datum(day: date | None) -> str:
    """A date as residents read it: 14 december 2026."""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}" if day else ""
