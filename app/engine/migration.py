"""Move a running case's workflow to a newer version of its route, only where that is safe.

A case may move when every place it stands now exists in the new version as the same kind of
element, with the same id, in the same process: the ready user tasks, the events and timers it
waits for (also the boundary events that watch a task) and the call activities it is inside. The
elements it already passed must still exist too, because the stored history names them; and
every process it has entered must still be in the route. Anything else is refused with the
element ids and why, and the workflow is left as it was.

The move itself is SpiffWorkflow's ``diff_workflow`` / ``migrate_workflow`` (3.2): task specs
are re-pointed by id, and the branches that wait now (READY, WAITING) are reset and predicted
again from the new spec, so a changed outgoing flow or a changed timer expression takes effect.
Resetting keeps each task's id (an open task stays the same inbox row) and re-evaluates its
timers from the case data; the route's timers are all ``timeDate`` expressions over case data,
so a term keeps its due date. The result is checked once more by a serialize/restore round trip
on the new spec before it is returned; a failure there refuses the move too (fail closed).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from . import clock
from .definitions import Definition
from .runtime import Step, StepFailed, _run
from .serializer import _serializer, dumps, loads

_NOW = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class Reason:
    """Why a case cannot move: the element (or process) and what is wrong with it in the new version."""

    process_id: str
    element: str
    reason: str

    def __str__(self) -> str:
        return f"{self.process_id}: {self.element}: {self.reason}"


@dataclass
class Migration:
    """The outcome for one case: whether it can move, why not, and the moved workflow when it can."""

    can_move: bool
    reasons: list[Reason] = field(default_factory=list)
    current: list[str] = field(default_factory=list)  # the element ids the case stands at now
    workflow: BpmnWorkflow | None = None
    step: Step | None = None  # what ran on the new version right after the move (a timer already due)


def check(workflow: BpmnWorkflow, new: Definition) -> list[Reason]:
    """Return why ``workflow`` cannot move to ``new`` (empty when it can); the workflow is not changed."""
    reasons: list[Reason] = []
    specs = _specs(new)
    seen: set[tuple[str, str]] = set()
    # One walk over the whole tree: get_tasks(state=...) skips children of tasks that are still waiting.
    for task in workflow.get_tasks():
        spec = task.task_spec
        process_id = task.workflow.spec.name
        if not spec.bpmn_id or (process_id, spec.bpmn_id) in seen:
            continue  # the engine's own helper tasks (joins, splits) are derived from the others
        if not task.state & (_NOW | TaskState.COMPLETED):
            continue  # predicted, not yet reached: re-predicted from the new version
        seen.add((process_id, spec.bpmn_id))
        now = bool(task.state & _NOW)
        target = specs.get(process_id)
        if target is None:
            reasons.append(Reason(process_id, spec.bpmn_id, "het proces bestaat niet in de nieuwe versie"))
            continue
        candidate = target.task_specs.get(spec.name)
        where = "staat hier nu" if now else "is hier al langs geweest"
        if candidate is None:
            reasons.append(Reason(process_id, spec.bpmn_id, f"ontbreekt in de nieuwe versie (de zaak {where})"))
        elif type(candidate) is not type(spec):
            reasons.append(Reason(
                process_id, spec.bpmn_id,
                f"is een ander soort element geworden ({_kind(spec)} → {_kind(candidate)}; de zaak {where})",
            ))
        elif isinstance(spec, SubWorkflowTask) and candidate.spec != spec.spec:
            reasons.append(Reason(
                process_id, spec.bpmn_id, f"roept nu {candidate.spec} aan in plaats van {spec.spec} (de zaak {where})",
            ))
        elif now and _event_kind(candidate) != _event_kind(spec):
            reasons.append(Reason(
                process_id, spec.bpmn_id,
                f"wacht nu op iets anders ({_event_kind(spec)} → {_event_kind(candidate)}; de zaak {where})",
            ))
    return reasons


def current_elements(workflow: BpmnWorkflow) -> list[str]:
    """The BPMN ids the case stands at now (ready, waiting, inside), in tree order, once each."""
    found: list[str] = []
    for task in workflow.get_tasks():
        if task.state & _NOW and task.task_spec.bpmn_id and task.task_spec.bpmn_id not in found:
            found.append(task.task_spec.bpmn_id)
    return found


def migrate(workflow: BpmnWorkflow, new: Definition, script_engine) -> Migration:
    """Check ``workflow`` against ``new`` and, when it can move, return it moved to the new version.

    The workflow passed in is never changed: the move works on a copy (a serialize/restore round
    trip), so a refusal at any point leaves the caller's workflow exactly as it was.
    """
    current = current_elements(workflow)
    reasons = check(workflow, new)
    if reasons:
        return Migration(False, reasons, current)
    clock.install()  # the reset evaluates timers again: on the engine's clock, as every step does
    copy = loads(dumps(workflow), workflow.spec, workflow.subprocess_specs)
    copy.script_engine = script_engine
    step = None
    try:
        _move(copy, new)
        moved = loads(dumps(copy), new.spec, new.subprocess_specs)  # fail closed: it must restore on the new spec
        moved.script_engine = script_engine
        problem = _unbound(moved, new)
        if problem is None:
            # A timer of a reset branch that is due already is ready now: run it, as the next sweep would.
            step = _run(moved, lambda: None)
    except StepFailed as error:
        problem = f"de nieuwe versie liep vast na de verplaatsing: {error}"
    except (SpiffWorkflowException, KeyError, AttributeError, TypeError, ValueError) as error:
        problem = f"de verplaatsing mislukte: {error}"
    if problem:
        return Migration(False, [Reason(workflow.spec.name, "", problem)], current)
    return Migration(True, [], current, moved, step)


def _move(workflow: BpmnWorkflow, new: Definition) -> None:
    top_diff, sub_diffs = diff_workflow(_serializer.registry, workflow, new.spec, new.subprocess_specs)
    # Subprocesses first: the top workflow's reset must not see half-moved children.
    for sp_id, sp in list(workflow.subprocesses.items()):
        diff = sub_diffs.get(sp_id)
        if diff is None:
            raise KeyError(f"proces {sp.spec.name} bestaat niet in de nieuwe versie")
        migrate_workflow(diff, sp, new.subprocess_specs[sp.spec.name])
        _repredict(sp)
    migrate_workflow(top_diff, workflow, new.spec)
    _repredict(workflow)
    workflow.subprocess_specs = new.subprocess_specs


def _repredict(workflow) -> None:
    """Predict again what follows the tasks still running (a call activity the case is inside).

    ``migrate_workflow`` resets only the READY and WAITING branches. A running call activity keeps
    the children predicted from the old version, so a step inserted after it would be skipped:
    drop those (they are only predictions) and predict them from the new spec.
    """
    for task in list(workflow.get_tasks(state=TaskState.STARTED, skip_subprocesses=True)):
        if any(not c.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE) for c in task.children):
            raise ValueError(f"taak {task.task_spec.name} heeft al gestarte vervolgtaken")
        for child in list(task.children):
            workflow._remove_task(child.id)
        task._children = []
        task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
        for child in task.children:
            child.task_spec._predict(child, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _unbound(workflow: BpmnWorkflow, new: Definition) -> str | None:
    """A task still bound to no spec of the new version, if any (a restore on the new spec found none)."""
    specs = _specs(new)
    for task in workflow.get_tasks():
        target = specs.get(task.workflow.spec.name)
        if task.task_spec is None or target is None or target.task_specs.get(task.task_spec.name) is not task.task_spec:
            name = task.task_spec.name if task.task_spec is not None else "?"
            return f"taak {name} hoort na de verplaatsing bij geen element van de nieuwe versie"
    return None


def _specs(definition: Definition) -> dict:
    return {definition.spec.name: definition.spec, **definition.subprocess_specs}


def _kind(spec) -> str:
    return type(spec).__name__


def _event_kind(spec) -> str | None:
    """The kind of event a waiting element catches (timer, message ...), with a message's name."""
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return None
    name = getattr(definition, "name", None)
    return f"{type(definition).__name__}({name})" if name else type(definition).__name__
