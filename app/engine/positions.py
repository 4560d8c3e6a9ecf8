"""Where a case waits besides its user tasks: the events it waits for and the call activities it is inside.

The heatmap of a version counts cases per element without loading a workflow; these positions
are stored as a projection after every step (``wait`` table), the way ready user tasks are. A
boundary event that watches a task is not a position: the case stands at the task it watches.
"""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.task import TaskState


@dataclass(frozen=True)
class Position:
    """One element a case stands at now that is not a user task."""

    task_id: str
    bpmn_id: str
    process_id: str
    kind: str  # timer | message | wacht (several events, or another catch) | deelproces


def positions(workflow: BpmnWorkflow) -> list[Position]:
    """Return the events the case waits for now and the call activities it is inside, in tree order."""
    found = []
    # One walk over the whole tree: get_tasks(state=...) skips children of tasks that are still waiting.
    for task in workflow.get_tasks():
        spec = task.task_spec
        if not spec.bpmn_id or isinstance(spec, BoundaryEvent):
            continue
        if task.state == TaskState.STARTED and isinstance(spec, SubWorkflowTask):
            kind = "deelproces"
        elif task.state == TaskState.WAITING:
            kind = _kind(getattr(spec, "event_definition", None))
        else:
            continue
        found.append(Position(str(task.id), spec.bpmn_id, task.workflow.spec.name, kind))
    return found


def _kind(definition) -> str:
    if isinstance(definition, TimerEventDefinition):
        return "timer"
    if isinstance(definition, MessageEventDefinition):
        return "message"
    if isinstance(definition, MultipleEventDefinition):  # an event-based gateway: the first of several
        kinds = {_kind(d) for d in definition.event_definitions}
        return kinds.pop() if len(kinds) == 1 else "wacht"
    return "wacht"
