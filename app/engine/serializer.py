"""Workflow state as JSON, without its spec: the spec is stored once per process version."""
from __future__ import annotations

import json
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


def dumps(workflow: BpmnWorkflow) -> str:
    """Serialize the workflow's state (no spec) to a JSON string."""
    return _serializer.serialize_json(workflow)


def loads(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from ``dumps`` output with the version's cached specs."""
    dct = json.loads(state)
    _serializer.migrate(dct)
    return _serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
