"""Thin routes of the process owner's workbench: parse the request, call the service, render or redirect.

Every page is for the procesbeheerder only; the services refuse anyone else (403, in the access log).
"""
from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for

from ..errors import Conflict, InvalidInput
from ..web.security import check_csrf, login_required
from . import bp
from . import deployment
from . import service

bp.before_request(check_csrf)


def _settings():
    return current_app.extensions["wmo"]


@bp.get("")
@login_required
def overview():
    return render_template("processbeheer/overzicht.html", gemeenten=service.overview(_settings(), g.actor))


@bp.get("/<gemeente>/versies/<int:version_id>")
@login_required
def version(gemeente, version_id):
    page = service.version_page(_settings(), gemeente, version_id, request.args.get("bestand"), g.actor)
    return render_template("processbeheer/versie.html", **page)


@bp.get("/<gemeente>/versies/<int:version_id>/bestanden/<file>")
@login_required
def version_file(gemeente, version_id, file):
    xml = service.version_file(gemeente, version_id, file, g.actor)
    return Response(xml, mimetype="application/xml")


@bp.get("/<gemeente>/vergelijk")
@login_required
def compare(gemeente):
    van = request.args.get("van", type=int)
    naar = request.args.get("naar", type=int)
    if van is None or naar is None:
        return redirect(url_for("processbeheer.overview"))
    page = service.comparison(_settings(), gemeente, van, naar, request.args.get("bestand"), g.actor)
    return render_template("processbeheer/vergelijk.html", **page)


@bp.get("/<gemeente>/bewerken/<file>")
@login_required
def edit(gemeente, file):
    return render_template("processbeheer/bewerken.html", **deployment.current_file(_settings(), gemeente, file, g.actor))


@bp.post("/<gemeente>/bewerken/<file>")
@login_required
def save(gemeente, file):
    xml = request.form.get("xml", "")
    basis = request.form.get("basis", type=int)
    try:
        deployed = deployment.save_file(_settings(), gemeente, file, xml.encode("utf-8"), g.actor, basis)
    except (InvalidInput, Conflict) as error:
        page = deployment.current_file(_settings(), gemeente, file, g.actor)
        if not isinstance(error, Conflict) or not deployment.changed_since(gemeente, basis, file):
            page["xml"] = xml  # the edits come back into the modeler, unless a newer version changed this file
        return render_template("processbeheer/bewerken.html", problemen=deployment.problems(error),
                               melding=error.message, **page), error.status_code
    return _deployed(gemeente, deployed, file)


@bp.route("/<gemeente>/uploaden", methods=["GET", "POST"])
@login_required
def upload(gemeente):
    page = deployment.upload_page(_settings(), gemeente, g.actor)
    if request.method == "GET":
        return render_template("processbeheer/uploaden.html", **page)
    sent = request.files.get("bestand")
    name = (sent.filename or "") if sent else ""
    try:
        deployed = deployment.save_file(_settings(), gemeente, deployed_file(name), sent.read() if sent else b"", g.actor,
                                        request.form.get("basis", type=int))
    except (InvalidInput, Conflict) as error:
        page = deployment.upload_page(_settings(), gemeente, g.actor)  # the current version may have moved on
        return render_template("processbeheer/uploaden.html", problemen=deployment.problems(error),
                               melding=error.message, **page), error.status_code
    return _deployed(gemeente, deployed, deployed_file(name))


def deployed_file(name: str) -> str:
    """The file name without any folder a browser may send along."""
    return name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]


def _deployed(gemeente, deployed, file):
    version = deployed.version
    if deployed.new:
        flash(f"Versie {version.id} is in gebruik genomen: nieuwe zaken starten hierop; lopende zaken blijven op hun versie.",
              "ok")
    elif service.newest(gemeente).id == version.id:
        flash(f"Niets gewijzigd: dit is al versie {version.id}, de huidige versie.", "ok")
    else:
        flash(f"Niets in gebruik genomen: deze inhoud is gelijk aan de eerdere versie {version.id}; "
              f"nieuwe zaken starten nog op versie {service.newest(gemeente).id}.", "fout")
    return redirect(url_for("processbeheer.version", gemeente=gemeente, version_id=version.id, bestand=file))
