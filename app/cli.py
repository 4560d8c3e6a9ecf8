"""The ``wmo`` command: database, demo data, users, timers, cases, the server."""
from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from .config import ConfigError, load_settings
from .errors import AppError


def _app(ctx: click.Context, start_timers: bool = False):
    from . import create_app

    try:
        settings = load_settings(ctx.obj.get("config"))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    return create_app(settings, start_timers=start_timers)


def _fail(error: AppError):
    lines = [error.message] + [f"  {field}: {reason}" for field, reason in error.fields.items()]
    raise click.ClickException("\n".join(lines))


@click.group()
@click.option("--config", envvar="WMO_CONFIG", type=click.Path(dir_okay=False), help="Configuratiebestand (standaard ./config.toml).")
@click.pass_context
def main(ctx, config):
    """Wmo-route: van melding tot hulp, als uitvoerbare BPMN."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.group("db")
def db_group():
    """De database."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx):
    """Maak de database aan of breng haar naar de nieuwste versie, en zet de route klaar."""
    from . import migrate, processes

    app = _app(ctx)
    settings = app.extensions["wmo"]
    migrate.upgrade(settings.database_url)
    with app.app_context():
        from .db import db

        try:
            version = processes.deploy_from_disk(settings.gemeente_config())
            summary = f"route {settings.gemeente} versie {version.id} ({version.hash[:12]})"
            db.session.commit()
        except AppError as error:
            _fail(error)
    click.echo(f"database bijgewerkt; {summary}")


@main.group("user")
def user_group():
    """Gebruikers en API-tokens."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="Rol; herhaal voor meer rollen.")
@click.pass_context
def user_add(ctx, name, roles):
    """Maak een gebruiker en toon eenmalig het nieuwe API-token."""
    from .auth.service import add_user

    app = _app(ctx)
    with app.app_context():
        try:
            user, token = add_user(name, list(roles), app.extensions["wmo"].gemeente_config().roles)
        except AppError as error:
            _fail(error)
        click.echo(f"gebruiker {user.username} ({', '.join(user.roles)}) aangemaakt; API-token (wordt niet opnieuw getoond):")
    click.echo(token)


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@click.pass_context
def user_passwd(ctx, name, password_stdin):
    """Geef een gebruiker een wachtwoord voor de webapplicatie."""
    from .auth.service import set_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Wachtwoord", hide_input=True, confirmation_prompt=True)
    with _app(ctx).app_context():
        try:
            set_password(name, password)
        except AppError as error:
            _fail(error)
    click.echo(f"wachtwoord van {name} ingesteld")


@main.group("timers")
def timers_group():
    """Timers: termijnen, herindicatie."""


@timers_group.command("fire")
@click.option("--now", "now_text", required=True, help="ISO-tijdstip met tijdzone, bv. 2026-12-01T09:00:00+01:00.")
@click.pass_context
def timers_fire(ctx, now_text):
    """Laat elke timer afgaan die op of voor NOW verviel; toont hoeveel."""
    from .cases.service import fire_due

    try:
        now = datetime.fromisoformat(now_text)
    except ValueError:
        raise click.BadParameter(f"{now_text!r} is geen ISO-tijdstip", param_hint="--now") from None
    if now.tzinfo is None:
        raise click.BadParameter("geef een tijdzone mee, bv. +01:00 of Z", param_hint="--now")
    app = _app(ctx)
    with app.app_context():
        count = fire_due(app.extensions["wmo"], now)
    click.echo(f"{count} timer(s) afgegaan")


@timers_group.command("run")
@click.pass_context
def timers_run(ctx):
    """Draai alleen de timerwerker (productie: naast de webwerkers)."""
    from timers.ticker import run_forever

    run_forever(_app(ctx))


@main.group("letters")
def letters_group():
    """Brieven: hun pdf's."""


@letters_group.command("render")
@click.pass_context
def letters_render(ctx):
    """Maak de pdf van elke brief die er nog geen heeft (dat doet de timerwerker ook); toont hoeveel."""
    from .letters import pdfs

    app = _app(ctx)
    with app.app_context():
        made = pdfs.render_pending()
        left = pdfs.pending()
    click.echo(f"{made} pdf('s) gemaakt")
    if left:
        click.echo(f"{left} brief/brieven zonder pdf: het maken mislukte (zie het log)", err=True)
        ctx.exit(1)


@main.group("cases")
def cases_group():
    """Zaken."""


@cases_group.command("show")
@click.argument("case_id")
@click.pass_context
def cases_show(ctx, case_id):
    """Toon een zaak: status, open taken, termijnen, gegevens en geschiedenis (JSON)."""
    from .auth.service import Actor
    from .cases import queries, service

    app = _app(ctx)
    with app.app_context():
        try:
            case = service.get_case(case_id)
            detail = queries.case_detail(app.extensions["wmo"], case, Actor("cli", frozenset({"teamleider"})))
        except AppError as error:
            _fail(error)
    click.echo(json.dumps(detail, indent=2, ensure_ascii=False))


@main.group("demo")
def demo_group():
    """Demogegevens."""


@demo_group.command("load")
@click.pass_context
def demo_load(ctx):
    """Laad demogebruikers (een per rol) en ongeveer 20 demozaken op verschillende stappen."""
    from .demo import load_demo

    app = _app(ctx)
    with app.app_context():
        try:
            report = load_demo(app.extensions["wmo"])
        except AppError as error:
            _fail(error)
    for line in report:
        click.echo(line)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx, host, port):
    """Start de webapplicatie, met de timerwerker in hetzelfde proces."""
    from timers.ticker import stop_ticker

    app = _app(ctx, start_timers=True)
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:  # Ctrl-C: the timer worker's sweep ends after the letter at hand, not after its whole interval
        stop_ticker(app)


@main.group("processes")
def processes_group():
    """Procesmodellen."""


@processes_group.command("check")
@click.option("--gemeente", "only", default=None, help="Controleer alleen deze variant (standaard: base en elke gemeente).")
@click.pass_context
def processes_check(ctx, only):
    """Controleer elke routevariant (of één); toont elk probleem als bestand: element: reden en stopt dan met een fout."""
    from . import variants

    app = _app(ctx)
    settings = app.extensions["wmo"]
    if only and only not in variants.names(settings):
        raise click.BadParameter(f"onbekende gemeente {only!r}; kies uit {', '.join(variants.names(settings))}",
                                 param_hint="--gemeente")
    with app.app_context():
        report = variants.check(settings, only)
    for note in report.notes:
        click.echo(f"let op: {note}", err=True)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} probleem/problemen in {', '.join(report.checked)}", err=True)
        sys.exit(1)
    click.echo(f"routes in orde: {', '.join(report.checked)}")


if __name__ == "__main__":
    main()
