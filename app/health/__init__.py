"""/healthz: whether the database answers and a timer worker was seen lately, for load balancers and monitoring."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from . import routes  # noqa: E402,F401
