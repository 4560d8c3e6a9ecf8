"""XML from process owners, read safely: no entities, no network, no huge trees; and one parser per thread.

An lxml parser must not be used by two threads at once. gunicorn's threaded workers parse a route's files on their
first requests, often at the same moment: one shared parser then mixed two files into one ("Namespace prefix
bezwaar_behandeling_hulp for bpmndi ... is not defined") and the request failed.
"""
from __future__ import annotations

import threading

from lxml import etree

_local = threading.local()


def parser(remove_comments: bool = False) -> etree.XMLParser:
    """This thread's safe parser (one with comments removed, for comparing versions, and one without)."""
    key = "without_comments" if remove_comments else "plain"
    found = getattr(_local, key, None)
    if found is None:
        found = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=remove_comments)
        setattr(_local, key, found)
    return found


def fromstring(content, remove_comments: bool = False):
    """Parse ``content`` with this thread's safe parser; XMLSyntaxError as lxml raises it."""
    return etree.fromstring(content, parser(remove_comments))
