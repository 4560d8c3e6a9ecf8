"""The process owner's workbench (role procesbeheerder): versions per gemeente, diagrams, compare, edit and deploy.

Other parts of the workbench (moving running cases, the heatmap) add their own modules with
routes on this blueprint.
"""
from flask import Blueprint

bp = Blueprint("processbeheer", __name__, url_prefix="/processen")

from . import routes  # noqa: E402,F401
from . import migration  # noqa: E402,F401
