"""The front desk's melding form: its schema, and registering with every field error at once.

``cases.service.create_melding`` stops at the first kind of problem (the form, then the elfproef);
a caseworker at the desk should see all of them together, and nothing is stored until all are right.
"""
from __future__ import annotations

from stdnum.nl import bsn as stdnum_bsn

from .. import forms
from ..auth.service import CASEWORKERS, Actor
from ..config import Settings
from ..db import db
from ..errors import AppError, InvalidInput
from ..models import Case
from . import service

BSN_ERROR = "is geen geldig BSN (elfproef)"


def melding_form(settings: Settings, actor: Actor) -> dict:
    """Return the melding form (JSON Schema) of the configured gemeente; Forbidden for non-caseworkers."""
    actor.require(CASEWORKERS, "een melding registreren")
    return forms.find(settings.gemeente_config().form_dirs, service.MELDING_FORM)


def register(settings: Settings, answers: dict, parse_errors: dict[str, str], actor: Actor) -> Case:
    """Register the melding; InvalidInput names every bad field (form, type and elfproef) and stores nothing."""
    schema = melding_form(settings, actor)
    fields = {}
    try:
        forms.validate(schema, answers)
    except InvalidInput as error:
        fields.update(error.fields)
    if answers.get("bsn") and "bsn" not in fields and not stdnum_bsn.is_valid(answers["bsn"]):
        fields["bsn"] = BSN_ERROR
    fields.update(parse_errors)
    if fields:
        raise InvalidInput("het formulier bevat fouten", fields)
    try:
        return service.create_melding(settings, answers, actor)
    except AppError:
        db.session.rollback()
        raise
