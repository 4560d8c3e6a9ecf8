"""The resident's pages, reached through a personal link, and the caseworker's page that makes that link."""
from flask import Blueprint

bp = Blueprint("inwoner", __name__, url_prefix="/inwoner")
link_bp = Blueprint("inwonerlink", __name__)

from . import routes  # noqa: E402,F401
