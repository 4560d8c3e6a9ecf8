"""Workflow state as JSON, without its spec: the spec is stored once per process version.

The JSON is stored deflated (zlib) and base64-encoded behind the prefix ``z:``: a case's state is mostly repeated
keys and task ids, and shrinks about 7x (a running case's 90 KB to 13 KB). ``loads`` also reads the plain JSON that
earlier versions stored, so no migration is needed: a case is stored compressed from its next step on.
"""
from __future__ import annotations

import base64
import json
import zlib
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG


class _InstanceOnlyConverter(BpmnWorkflowConverter):
    """Serialize a workflow's tasks and data, leaving out the (shared) specs."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)  # skips spec and subprocess_specs
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(DEFAULT_CONFIG)
_config[BpmnWorkflow] = _InstanceOnlyConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))


COMPRESSED = "z:"


def dumps(workflow: BpmnWorkflow) -> str:
    """Serialize the workflow's state (no spec) to JSON, deflated and base64-encoded behind ``z:``."""
    text = _serializer.serialize_json(workflow)
    return COMPRESSED + base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def as_json(state: str) -> str:
    """The JSON text of a stored state, compressed (``dumps``) or plain (as stored before compression)."""
    if state.startswith(COMPRESSED):
        return zlib.decompress(base64.b64decode(state[len(COMPRESSED):])).decode("utf-8")
    return state


def loads(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from ``dumps`` output (or plain JSON state) with the version's cached specs."""
    dct = json.loads(as_json(state))
    _serializer.migrate(dct)
    return _serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
