"""The JSON API, /api/v1: every action of the route for other tools and tests."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401
