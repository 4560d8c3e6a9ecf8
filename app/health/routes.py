"""GET /healthz: 200 when healthy, 503 when the database is unreachable or no timer worker beat lately."""
from __future__ import annotations

from flask import current_app, jsonify

from . import bp, service


@bp.get("/healthz")
def healthz():
    report = service.health(current_app.extensions["wmo"])
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
