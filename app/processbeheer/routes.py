"""Thin routes of the process owner's workbench: parse the request, call the service, render or redirect."""
from __future__ import annotations

from flask import current_app, g, render_template

from ..web.security import check_csrf, login_required
from . import bp
from . import service

bp.before_request(check_csrf)


def _settings():
    return current_app.extensions["wmo"]


@bp.get("")
@login_required
def overview():
    return render_template("processbeheer/overzicht.html", gemeenten=service.overview(_settings(), g.actor))
