"""Demo data: one user per role and about 20 cases standing at different steps of the route.

The cases are walked through the real services, as caseworkers would: answers are made from
each task's form, with the choices a scenario needs (``leveringsvorm``, ``besluit``, ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from .auth.service import Actor, add_user, set_password
from .cases import service
from .config import Settings
from .db import db
from .errors import AppError
from .engine import clock
from .models import Case, Task, User

DEMO_ROLES = ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder")


_PATTERNED = {"postcode": "1234 AB", "gesprek_tijd": "10:00", "agb_code": "12345678", "iban": "NL91ABNA0417164300"}
# Choices a caseworker makes on an ordinary case, unless a scenario says otherwise.
DEFAULTS = {
    "aanvraag_beoordelen": {
        "wlz_recht": False, "eigen_oplossing_toereikend": False, "algemene_voorziening_toereikend": False,
        "voorliggende_voorziening": False, "algemeen_gebruikelijk": False, "kosten_al_gemaakt": False,
        "partner_onder_aow_leeftijd": False, "betaalt_wlz_of_bw_bijdrage": False, "laag_inkomen_regeling": False,
    },
    "besluit_nemen": {"soort_hulp": "huishoudelijke_hulp", "omvang": "3 uur per week"},
    "gesprek_voeren": {"soort_hulp": "huishoudelijke_hulp"},
}


def example_value(name: str, prop: dict, today: str):
    """Return a plausible value for one form field."""
    kind = prop.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in prop:
        return next((v for v in prop["enum"] if v is not None), None)
    if "const" in prop:
        return prop["const"]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(prop.get("minimum", 1), 1)
    if kind == "array":
        return []
    if kind == "object":
        return {k: example_value(k, p, today) for k, p in prop.get("properties", {}).items()}
    if prop.get("format") == "date":
        return today
    if name in _PATTERNED:
        return _PATTERNED[name]
    return f"Toelichting bij {prop.get('title', name).lower()}"


def example_answers(schema: dict, overrides: dict, today: str) -> dict:
    """Fill every field of ``schema`` with a plausible value, then apply ``overrides``."""
    answers = {name: example_value(name, prop, today) for name, prop in schema.get("properties", {}).items()}
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None or k in overrides}


@dataclass
class Step:
    """One step of a scenario: complete a task, deliver an event, or let time pass to a date."""

    kind: str  # "task" | "event" | "time"
    name: str = ""
    values: dict = field(default_factory=dict)
    on: date | None = None


def task(name: str, **values) -> Step:
    return Step("task", name, values)


def event(name: str, **values) -> Step:
    return Step("event", name, values)


def time_to(day: date) -> Step:
    return Step("time", on=day)


ACTORS = {role: Actor(f"demo-{role}", frozenset({role})) for role in DEMO_ROLES}


def _doer(gemeente, lane: str) -> Actor:
    """A demo actor whose role may do ``lane`` in this gemeente (the national role first)."""
    roles = sorted(gemeente.lane_roles.get(lane, ()), key=lambda r: (r not in DEMO_ROLES, r))
    if not roles:
        raise LookupError(f"geen rol mag taken van lane {lane!r} doen in gemeente {gemeente.naam}")
    return Actor(f"demo-{roles[0]}", frozenset({roles[0]}), lane_roles=gemeente.lane_roles)


def walk(settings: Settings, case_id: int, steps: list[Step], start: date) -> date:
    """Run ``steps`` on a case, each on the current scenario date; return the date reached."""
    from . import forms, processes

    current = start
    for step in steps:
        if step.kind == "time":
            current = max(current, step.on)
            service.fire_due(settings, datetime.combine(current, time(12), tzinfo=clock.AMSTERDAM))
            continue
        with clock.at(datetime.combine(current, time(12), tzinfo=clock.AMSTERDAM)):
            route = processes.route_of(settings, db.session.get(Case, case_id))
            gemeente = route.gemeente
            today = current.isoformat()
            if step.kind == "event":
                schema = forms.find(gemeente.form_dirs, f"events/{step.name}.json")
                payload = example_answers(schema, step.values, today)
                service.deliver_event(settings, case_id, step.name, payload, _doer(gemeente, "klantmanager"))
                continue
            row = db.session.scalar(select(Task).where(
                Task.case_id == case_id, Task.name == step.name, Task.closed_at.is_(None)))
            if row is None:
                open_tasks = [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]
                raise LookupError(f"zaak {case_id}: taak {step.name} is niet open (open: {open_tasks})")
            info = route.definition.user_tasks[step.name]
            schema = forms.find(gemeente.form_dirs, info.form)
            answers = example_answers(schema, {**DEFAULTS.get(step.name, {}), **step.values}, today)
            actor = _doer(gemeente, row.lane)
            service.complete_task(settings, row.id, answers, actor)
    return current


MELDING = {
    "naam": "J. de Vries", "geboortedatum": "1948-03-14", "hulpvraag": "Ik kan mijn huis niet meer schoonhouden.",
    "kanaal": "telefonisch",
    "adres": {"straat": "Dorpsstraat", "huisnummer": "12", "postcode": "1234 AB", "woonplaats": "Ergenshuizen"},
}


def create_case(settings: Settings, bsn: str, ontvangen_op: date, **melding) -> int:
    """Register a demo melding received on ``ontvangen_op``."""
    payload = {**MELDING, **melding, "bsn": bsn, "ontvangen_op": ontvangen_op.isoformat()}
    with clock.at(datetime.combine(ontvangen_op, time(10), tzinfo=clock.AMSTERDAM)):
        return service.create_melding(settings, payload, ACTORS["klantmanager"]).id


DEMO_NAMES = (
    "J. de Vries", "A. Bakker", "M. Jansen", "F. El Amrani", "H. Visser", "S. Smit", "R. Meijer", "T. de Boer",
    "E. Mulder", "K. de Groot", "L. Bos", "N. Vos", "P. Peters", "Y. Yilmaz", "W. Hendriks", "C. van Leeuwen",
    "D. Dekker", "G. Brouwer", "I. de Wit", "B. Dijkstra",
)


def demo_password(role: str) -> str:
    """The demo password of a demo user: for trying the app, never for production."""
    return f"demo-{role}-2026"


def demo_bsns(count: int) -> list[str]:
    """Return ``count`` BSNs that pass the elfproef, from the range used for tests (never real people)."""
    from stdnum.nl import bsn

    found, candidate = [], 999900000
    while len(found) < count:
        candidate += 1
        if candidate > 999999999:
            raise ValueError(f"the test range holds fewer than {count} valid BSNs")
        if bsn.is_valid(str(candidate)):
            found.append(str(candidate))
    return found


def _scenarios(today: date) -> list[tuple[str, date, list[Step], dict]]:
    d = lambda days: today - timedelta(days=days)  # noqa: E731
    zin = {"leveringsvorm": "zin"}
    intake = [task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek"),
              event("persoonlijk_plan_ontvangen", plan="Ik wil zelf blijven koken; hulp bij schoonmaken.")]
    gesprek = intake + [task("gesprek_voeren", **zin)]
    verslag = gesprek + [task("verslag_opstellen")]
    aanvraag = verslag + [task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True)]
    beoordeeld = aanvraag + [task("aanvraag_beoordelen")]

    def besluit(ingang: date, eind: date, **values):
        values = {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": ingang.isoformat(),
                  "einddatum": eind.isoformat(), **values}
        return task("besluit_nemen", **values)

    toegekend = beoordeeld + [besluit(d(-7), d(-372))]
    pgb_aanvraag = intake + [task("gesprek_voeren", leveringsvorm="pgb"), task("verslag_opstellen"),
                             task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True)]
    afgewezen = beoordeeld[:-1] + [task("aanvraag_beoordelen", eigen_oplossing_toereikend=True),
                                   task("besluit_nemen", besluit="afwijzen",
                                        afwijzingsgrond="Uw partner kan het huishouden doen (gebruikelijke hulp).",
                                        rechtsgrond="artikel 2.3.5 lid 3 Wmo 2015")]
    lopend = toegekend + [task("zorgaanbieder_toewijzen", zorgaanbieder="Thuiszorg De Linde"), event("zorg_gestart")]
    return [
        ("nieuwe melding", d(0), [], {}),
        ("wacht op persoonlijk plan", d(3), intake[:1], {}),
        ("gesprek te voeren", d(6), intake, {"kanaal": "digitaal"}),
        ("gesprek overgeslagen", d(8), [task("gesprek_plannen", gesprek_nodig=False, leveringsvorm="zin",
                                             soort_hulp="hulpmiddel", reden_geen_gesprek="Alleen een douchestoel nodig.")], {}),
        ("verslag op te stellen", d(10), gesprek, {"ingediend_door": "vertegenwoordiger",
                                                   "vertegenwoordiger": {"naam": "P. de Vries", "relatie": "zoon"}}),
        ("verslag bij de inwoner", d(14), verslag, {}),
        ("aanvraag te beoordelen", d(18), aanvraag, {"kanaal": "schriftelijk"}),
        ("pgb-vaardigheid te toetsen", d(20), pgb_aanvraag, {}),
        ("besluit te nemen", d(22), beoordeeld, {}),
        ("beslistermijn verstreken, ingebrekestelling", d(40), beoordeeld + [time_to(d(3)), event("ingebrekestelling")],
         {"kanaal": "mondeling"}),
        ("zorgaanbieder toe te wijzen", d(30), toegekend, {}),
        ("wacht op start zorg", d(35), toegekend + [task("zorgaanbieder_toewijzen")], {}),
        ("hulp loopt (natura)", d(60), lopend, {}),
        ("pgb bij de SVB te regelen", d(45), pgb_aanvraag + [task("pgb_vaardigheid_toetsen", pgb_vaardig=True),
                                                            task("aanvraag_beoordelen"), besluit(d(10), d(-355), leveringsvorm="pgb", pgb_bedrag=6400)], {}),
        ("afgewezen, bezwaartermijn loopt", d(25), afgewezen, {}),
        ("bezwaar te behandelen", d(30), afgewezen + [event("bezwaar_ingediend", gronden="Mijn partner werkt fulltime.")], {}),
        ("herindicatie te beoordelen", d(200), beoordeeld + [besluit(d(180), d(-40))] + lopend[len(toegekend):]
         + [time_to(today)], {}),
        ("wijziging te beoordelen", d(90), lopend + [event("wijziging_aangevraagd", soort="leveringsvorm_wijzigen", gewenste_leveringsvorm="pgb")], {}),
        ("overlijden te verwerken", d(120), lopend + [event("overlijden")], {}),
        ("geen aanvraag", d(50), verslag + [task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=False)], {}),
    ]


def load_demo(settings: Settings) -> list[str]:
    """Create the demo users and cases (once); return lines to print."""
    from . import processes

    if db.session.scalar(select(func.count()).select_from(User).where(User.username == "klantmanager")):
        return ["demogegevens staan er al; niets gedaan"]
    processes.deploy_from_disk(settings.gemeente_config())
    db.session.commit()
    lines = ["demogebruikers (bewaar de tokens: ze worden niet opnieuw getoond):"]
    gemeente = settings.gemeente_config()
    for role in DEMO_ROLES + tuple(r for r in gemeente.roles if r not in DEMO_ROLES):
        _, token = add_user(role, [role], gemeente.roles)
        set_password(role, demo_password(role))
        lines.append(f"  {role:16} wachtwoord {demo_password(role):24} API-token {token}")
    today = clock.now().astimezone(clock.AMSTERDAM).date()
    scenarios = _scenarios(today)
    for (title, start, steps, melding), bsn_value, naam in zip(scenarios, demo_bsns(len(scenarios)), DEMO_NAMES):
        case_id = create_case(settings, bsn_value, start, **{"naam": naam, **melding})
        try:
            walk(settings, case_id, _spread(steps, start, today), start)
        except (LookupError, AppError) as error:
            # The scenarios follow the national route; a variant's route may go another way. The case stays where it got.
            db.session.rollback()
            lines.append(f"  zaak {case_id:3}: {title}: in de route van {settings.gemeente} gestopt ({error})")
            continue
        lines.append(f"  zaak {case_id:3}: {title}")
    service.fire_due(settings, clock.now())
    lines.insert(len(lines) - len(scenarios), f"{len(scenarios)} demozaken:")
    return lines


def _spread(steps: list[Step], start: date, today: date) -> list[Step]:
    """Give the steps of a scenario dates between its start and today, a few days apart."""
    if not steps:
        return []
    gap = max(0, min(3, (today - start).days // max(1, len(steps))))
    spread, current = [], start
    for step in steps:
        if step.kind != "time":
            current = min(today, current + timedelta(days=gap))
            spread.append(time_to(current))
        spread.append(step)
    return spread
