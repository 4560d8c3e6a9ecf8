"""What changed between two versions of one BPMN or DMN file, in words and by element id.

The equivalent of bpmn-js-differ, server-side and testable: the elements of both files are
matched by id; each is compared by its type, name, attributes and what it holds that has no id
of its own (a condition, a timer expression, a script, extension properties, a DMN cell). An
element whose meaning stayed but whose shape or line moved is "layout changed". Pure functions
over XML bytes: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .. import safe_xml

DI_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/",
    "http://www.omg.org/spec/DMN/20180521/DI/",
)
# An element with an id directly inside one of these is a unit of its own (it may have a shape);
# everything else with or without an id (event definitions, conditions, DMN cells) belongs to its owner.
CONTAINERS = {"definitions", "process", "subProcess", "transaction", "adHocSubProcess", "laneSet", "lane",
              "childLaneSet", "collaboration", "decisionTable"}
SKIPPED = {"incoming", "outgoing"}  # the same as the flows' sourceRef and targetRef
# Attributes at their default value mean the same as when absent (bpmn-js leaves them out when it saves).
DEFAULTS = {
    "cancelActivity": "true", "isInterrupting": "true", "parallelMultiple": "false", "instantiate": "false",
    "triggeredByEvent": "false", "isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1",
    "isClosed": "false", "processType": "None", "gatewayDirection": "Unspecified", "isImmediate": "false",
    "isCollection": "false", "hitPolicy": "UNIQUE", "isSequential": "false", "eventGatewayType": "Exclusive",
}
TYPE_LABELS = {
    "userTask": "gebruikerstaak", "scriptTask": "scripttaak", "serviceTask": "servicetaak", "manualTask": "handmatige taak",
    "businessRuleTask": "beslistaak", "sendTask": "verzendtaak", "receiveTask": "ontvangsttaak", "task": "taak",
    "callActivity": "deelproces (aanroep)", "subProcess": "subproces", "startEvent": "startgebeurtenis",
    "endEvent": "eindgebeurtenis", "intermediateCatchEvent": "tussengebeurtenis (wachten)",
    "intermediateThrowEvent": "tussengebeurtenis", "boundaryEvent": "grensgebeurtenis",
    "exclusiveGateway": "keuze (exclusieve gateway)", "parallelGateway": "parallelle gateway",
    "inclusiveGateway": "inclusieve gateway", "eventBasedGateway": "gebeurtenisgateway", "sequenceFlow": "pijl",
    "messageFlow": "berichtstroom", "lane": "baan (rol)", "laneSet": "banen", "participant": "deelnemer",
    "process": "proces", "collaboration": "samenwerking", "message": "bericht", "textAnnotation": "notitie",
    "association": "verbinding", "dataObject": "gegevensobject", "dataObjectReference": "gegevensobject",
    "decision": "beslissing", "decisionTable": "beslistabel", "input": "invoer", "output": "uitvoer", "rule": "regel",
}
CONTENT_LABELS = {
    "conditionExpression": "voorwaarde", "timeDate": "timer (tijdstip)", "timeDuration": "timer (duur)",
    "timeCycle": "timer (herhaling)", "script": "script", "preScript": "script vooraf", "postScript": "script achteraf",
    "documentation": "toelichting", "property": "eigenschap", "flowNodeRef": "element in de baan",
    "text": "expressie", "description": "toelichting", "inputEntry": "invoercel", "outputEntry": "uitvoercel",
    "inputExpression": "invoerexpressie", "messageEventDefinition": "bericht", "timerEventDefinition": "timer",
    "errorEventDefinition": "fout", "signalEventDefinition": "signaal", "messagePayload": "berichtinhoud",
}

ADDED, REMOVED, CHANGED, MOVED = "toegevoegd", "verwijderd", "gewijzigd", "verplaatst"
CHANGE_LABELS = {ADDED: "toegevoegd", REMOVED: "verwijderd", CHANGED: "gewijzigd", MOVED: "alleen de opmaak gewijzigd"}


@dataclass
class Element:
    """One unit of a file: what it is and what it means, and where it is drawn."""

    id: str
    type: str
    name: str  # its own name attribute (what is compared)
    label: str  # what the list shows: the name, or e.g. "van A naar B" for an unnamed flow
    attributes: dict[str, str] = field(default_factory=dict)
    content: dict[str, str] = field(default_factory=dict)


@dataclass
class Change:
    """One difference, for the list in words and for the markers in both diagrams."""

    id: str
    type: str
    type_label: str
    name: str
    kind: str  # toegevoegd | verwijderd | gewijzigd | verplaatst
    details: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return CHANGE_LABELS[self.kind]


def parse(xml: bytes | str) -> etree._Element:
    """Parse a stored BPMN or DMN file (no entities, no network)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return safe_xml.fromstring(data, remove_comments=True)


def compare(old: bytes | str, new: bytes | str) -> list[Change]:
    """Every element added, removed, changed or only moved from ``old`` to ``new``, in the new file's order."""
    old_root, new_root = parse(old), parse(new)
    before, after = elements(old_root), elements(new_root)
    layout_before, layout_after = layout(old_root), layout(new_root)
    changes = []
    for element_id, element in after.items():
        previous = before.get(element_id)
        if previous is None:
            changes.append(_change(element, ADDED))
            continue
        details = describe(previous, element)
        if details:
            changes.append(_change(element, CHANGED, details))
        elif layout_before.get(element_id) != layout_after.get(element_id):
            changes.append(_change(element, MOVED, ["de plaats of de lijn in het diagram is veranderd"]))
    for element_id, element in before.items():
        if element_id not in after:
            changes.append(_change(element, REMOVED))
    return changes


def elements(root) -> dict[str, Element]:
    """The units of a file by id, in document order."""
    found: dict[str, Element] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or _is_di(node) or not node.get("id") or node is root:
            continue
        parent = node.getparent()
        if parent is None or _local(parent) not in CONTAINERS:
            continue
        found[node.get("id")] = Element(
            id=node.get("id"),
            type=_local(node),
            name=node.get("name") or node.get("label") or "",
            label=_name(node, root),
            attributes=_attributes(node),
            content=_content(node),
        )
    return found


def layout(root) -> dict[str, tuple]:
    """Where each element is drawn: its bounds and waypoints, by the id of the element they draw."""
    drawn: dict[str, tuple] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not _is_di(node):
            continue
        target = node.get("bpmnElement") or node.get("dmnElementRef")
        if not target or _local(node) in ("BPMNPlane", "DMNDiagram"):
            continue
        parts = []
        for part in node.iter():
            if isinstance(part.tag, str) and _local(part) in ("Bounds", "waypoint"):
                parts.append((_local(part), tuple(sorted(part.attrib.items()))))
        drawn[target] = tuple(parts)
    return drawn


def describe(old: Element, new: Element) -> list[str]:
    """What differs between two versions of one element, each difference one sentence."""
    details = []
    if old.type != new.type:
        details.append(f"soort: {_type_label(old.type)} → {_type_label(new.type)}")
    if old.name != new.name:
        details.append(f"naam: {_pair(old.name, new.name)}")
    for key in sorted(set(old.attributes) | set(new.attributes)):
        was, now = old.attributes.get(key, DEFAULTS.get(key)), new.attributes.get(key, DEFAULTS.get(key))
        if was != now:
            details.append(f"{key}: {_pair(was, now)}")
    for key in _ordered(old.content, new.content):
        was, now = old.content.get(key), new.content.get(key)
        if was == now:
            continue
        label = _content_label(key)
        if was is None:
            details.append(f"{label} toegevoegd: {_quote(now)}")
        elif now is None:
            details.append(f"{label} verwijderd: {_quote(was)}")
        else:
            details.append(f"{label}: {_pair(was, now)}")
    return details


def contents(name: str, xml: bytes | str) -> dict:
    """What a file holds: the processes of a .bpmn, the decisions of a .dmn, each with id and name."""
    root = parse(xml)
    wanted = "decision" if name.endswith(".dmn") else "process"
    items = [{"id": n.get("id"), "name": n.get("name") or n.get("id")}
             for n in root.iter() if isinstance(n.tag, str) and _local(n) == wanted and n.get("id")]
    return {"soort": "beslistabellen" if wanted == "decision" else "processen", "items": items}


def decision_tables(xml: bytes | str) -> list[dict]:
    """The decision tables of a .dmn file as rows of text, for reading them without a DMN editor."""
    tables = []
    for decision in parse(xml).iter():
        if not isinstance(decision.tag, str) or _local(decision) != "decision":
            continue
        for table in decision:
            if not isinstance(table.tag, str) or _local(table) != "decisionTable":
                continue
            children = [c for c in table if isinstance(c.tag, str)]
            inputs = [{"label": c.get("label") or c.get("id"), "expressie": _text_of(c, "text")}
                      for c in children if _local(c) == "input"]
            outputs = [{"label": c.get("label") or c.get("name") or c.get("id"), "naam": c.get("name") or ""}
                       for c in children if _local(c) == "output"]
            rules = []
            for rule in (c for c in children if _local(c) == "rule"):
                cells = [c for c in rule if isinstance(c.tag, str)]
                rules.append({
                    "id": rule.get("id"),
                    "invoer": [_text_of(c, "text") for c in cells if _local(c) == "inputEntry"],
                    "uitvoer": [_text_of(c, "text") for c in cells if _local(c) == "outputEntry"],
                    "toelichting": _text_of(rule, "description", deep=False),
                })
            tables.append({"id": decision.get("id"), "name": decision.get("name") or decision.get("id"),
                           "hit_policy": table.get("hitPolicy", "UNIQUE"), "inputs": inputs, "outputs": outputs,
                           "rules": rules})
    return tables


def _change(element: Element, kind: str, details: list[str] | None = None) -> Change:
    return Change(element.id, element.type, _type_label(element.type), element.label, kind, details or [])


def _content(node) -> dict[str, str]:
    """What an element holds that is no unit of its own: {path: text and attributes}."""
    content: dict[str, str] = {}

    def walk(parent, path):
        seen: dict[str, int] = {}
        for child in parent:
            if not isinstance(child.tag, str) or _local(child) in SKIPPED:
                continue
            if child.get("id") and _local(parent) in CONTAINERS:
                continue  # a unit of its own, compared by itself
            tag = _local(child)
            text = (child.text or "").strip()
            if tag == "flowNodeRef":
                key = f"{tag}[{text}]"  # a set: which elements the lane holds, in any order
            else:
                key = tag + (f"[{child.get('name')}]" if child.get("name") and tag == "property" else "")
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
            here = f"{path}/{key}" if path else key
            attributes = _attributes(child)
            value = " ".join(filter(None, [text, ", ".join(f"{k}={v}" for k, v in sorted(attributes.items()))]))
            if value:
                content[here] = value
            walk(child, here)

    walk(node, "")
    return content


def _attributes(node) -> dict[str, str]:
    """The attributes that carry meaning: not the id or name, and not a default value spelled out."""
    found = {}
    for key, value in node.attrib.items():
        name = _attr_name(key)
        if name in ("id", "name") or DEFAULTS.get(name) == value.strip():
            continue
        found[name] = value
    return found


def _name(node, root) -> str:
    name = node.get("name") or node.get("label") or ""
    if name:
        return name
    if _local(node) == "sequenceFlow":
        return f"van {_label_of(root, node.get('sourceRef'))} naar {_label_of(root, node.get('targetRef'))}"
    if _local(node) == "rule":
        rules = [c for c in node.getparent() if isinstance(c.tag, str) and _local(c) == "rule"]
        return f"regel {rules.index(node) + 1}"
    return ""


def _label_of(root, element_id) -> str:
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("id") == element_id and not _is_di(node):
            return node.get("name") or element_id
    return element_id or "?"


def _text_of(node, tag: str, deep: bool = True) -> str:
    found = node.iter() if deep else iter(node)
    for child in found:
        if isinstance(child.tag, str) and _local(child) == tag:
            return (child.text or "").strip()
    return ""


def _ordered(old: dict, new: dict) -> list[str]:
    keys = list(old)
    keys.extend(k for k in new if k not in old)
    return keys


def _content_label(path: str) -> str:
    last = path.split("/")[-1].split("#")[0]
    tag, _, named = last.partition("[")
    label = CONTENT_LABELS.get(tag, tag)
    if named:
        label = f"{label} {named.rstrip(']')}"
    parent = path.split("/")[-2].split("#")[0] if "/" in path else ""
    if tag == "text" and parent in CONTENT_LABELS:
        label = CONTENT_LABELS[parent]
    return label


def _type_label(tag: str) -> str:
    return TYPE_LABELS.get(tag, tag)


def _pair(was, now) -> str:
    """‘old’ → ‘new’; of two long texts only the part around where they start to differ."""
    was, now = " ".join(str(was or "").split()), " ".join(str(now or "").split())
    if max(len(was), len(now)) > 120:
        start = 0
        while start < min(len(was), len(now)) and was[start] == now[start]:
            start += 1
        start = max(0, start - 40)
        if start:
            was, now = "…" + was[start:], "…" + now[start:]
    return f"{_quote(was)} → {_quote(now)}"


def _quote(value) -> str:
    if value is None or value == "":
        return "(leeg)"
    text = " ".join(str(value).split())
    return f"‘{text[:200]}…’" if len(text) > 200 else f"‘{text}’"


def _local(node) -> str:
    return etree.QName(node).localname


def _attr_name(key: str) -> str:
    return etree.QName(key).localname if key.startswith("{") else key


def _is_di(node) -> bool:
    return etree.QName(node).namespace in DI_NAMESPACES
