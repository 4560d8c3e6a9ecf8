"""The roles of the national route and which role may do the tasks of each lane.

A gemeente's ``[gemeenten.<naam>.rollen]`` adds lanes or changes who does one (see app.config);
these are the defaults. Pure data, so configuration and auth can both read it.
"""
from __future__ import annotations

# Residents are no users: they act on their own case only, through a personal link (issue 4).
ROLES = ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder")
CASEWORKERS = frozenset({"klantmanager", "pgb-consulent", "beslisser", "teamleider"})
# Who may complete a task of each lane. A klantmanager may record a verslag the resident signed on paper.
LANE_ROLES = {
    "inwoner": frozenset({"klantmanager"}),
    "klantmanager": frozenset({"klantmanager"}),
    "pgb-consulent": frozenset({"pgb-consulent"}),
    "beslisser": frozenset({"beslisser"}),
    "teamleider": frozenset({"teamleider"}),
}
