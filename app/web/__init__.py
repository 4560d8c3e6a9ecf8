"""The caseworkers' web pages (Dutch): login and the inbox. Forms, dossier and resident pages follow."""
from flask import Blueprint

bp = Blueprint("web", __name__)

from . import routes  # noqa: E402,F401
from . import taken  # noqa: E402,F401
from . import meldingen  # noqa: E402,F401
from . import dossier  # noqa: E402,F401
from . import brieven  # noqa: E402,F401
