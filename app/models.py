"""The tables. Columns and small invariants only; the services own every change.

``case.state`` is the workflow state without its spec; ``task``, ``timer`` and ``deadline``
are projections rebuilt from it after every step, in the same transaction, so inboxes and
the timer sweep never load a workflow.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, db, utcnow


class ProcessVersion(db.Model):
    """One deployed version of a gemeente's route, stored once per content hash."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("gemeente", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(64), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    # {file name: XML text}; deferred: a step needs only the hash (its parsed definition is cached by it), not 200 KB of XML
    files: Mapped[dict] = mapped_column(JSON, deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(64))


class Case(db.Model):
    """A resident's case: who, which route version, and where the workflow stands."""

    __tablename__ = "wmo_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(64), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="lopend", index=True)
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    geboortedatum: Mapped[date]
    adres: Mapped[dict] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Optimistic check on top of the row lock: a step that read an older state is refused.
    __mapper_args__ = {"version_id_col": version}


class Task(db.Model):
    """A user task of a case: open while ``closed_at`` is null (the inbox reads only this)."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_open_lane_due", "closed_at", "lane", "due"),  # inbox counts
        # Inbox pages in due order without a sort: partial, because PostgreSQL will not order by the columns after an IS
        # NULL. The columns after ``id`` order nothing: they carry what the filters test, so a page's ids come from the
        # index alone (an index-only scan) instead of one table row per task passed over.
        Index("ix_task_open_due", "due", "opened_at", "id", "lane", "name", "signaal", "claimed_by", "case_id",
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
        Index("ix_task_open_claimed", "closed_at", "claimed_by"),  # the team view's open tasks per colleague
        # The filters' capped counts, read from the index alone.
        Index("ix_task_open_name", "name", "lane", "due",  # the task type filter
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
        Index("ix_task_open_signaal", "signaal", "lane", "due",  # the term signal filter
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task id
    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # BPMN id, e.g. gesprek_plannen
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(32))
    due: Mapped[date | None]
    signaal: Mapped[str | None] = mapped_column(String(16))  # "nadert" | "verstreken": from the escalation timers
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))


class Timer(db.Model):
    """A timer a case waits on; the sweep selects by ``due_at`` alone."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Wait(db.Model):
    """Where a case stands besides its user tasks: an event it waits for, a call activity it is inside.

    Open while ``left_at`` is null; rebuilt after every step like ``task``, so the process owner's
    heatmap counts cases per element, and how long they stay, without loading a workflow.
    """

    __tablename__ = "wait"
    __table_args__ = (Index("ix_wait_open_name", "left_at", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))  # SpiffWorkflow task id
    process_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))  # BPMN id, e.g. wacht_op_plan
    kind: Mapped[str] = mapped_column(String(16))  # timer | message | wacht | deelproces
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Deadline(db.Model):
    """A term of a case with its last day; its status follows from ``met_on`` and today."""

    __tablename__ = "deadline"

    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    start: Mapped[date]
    due: Mapped[date] = mapped_column(index=True)
    met_on: Mapped[date | None]


class AuditEvent(db.Model):
    """One step of a case: who, when, what, and which data it changed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # melding | taak | gebeurtenis | timer
    name: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    process_hash: Mapped[str] = mapped_column(String(64))


class User(db.Model):
    """A caseworker or integration: roles, and credentials stored only as hashes."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[list] = mapped_column(JSON)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskDraft(db.Model):
    """Answers saved as a concept ("opslaan als concept") for an open task, one per task."""

    __tablename__ = "task_draft"

    task_id: Mapped[str] = mapped_column(ForeignKey("task.id"), primary_key=True)
    saved_by: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessLog(db.Model):
    """Who looked at (or was refused) which case's personal data, when and what (AVG, health data)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # inzage | geweigerd
    what: Mapped[str] = mapped_column(String(200))  # e.g. "dossier", "taak gesprek_plannen", "api zaak"
    path: Mapped[str] = mapped_column(String(500))


class Document(db.Model):
    """A letter the route sent or a caseworker wrote, as HTML and PDF; never changed once stored (a correction is a new row).

    The HTML is the letter as sent, stored with its step; the PDF is rendered from it a moment later (``letters.pdfs``)
    and added once, by an UPDATE that only fills an empty ``pdf``.
    """

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_pdf_pending", "id", postgresql_where=text("pdf IS NULL"), sqlite_where=text("pdf IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("wmo_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # the letter, e.g. ontvangstbevestiging
    title: Mapped[str] = mapped_column(String(200))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)  # None until rendered (letters.pdfs)
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the PDF, set with it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), index=True)  # the step that made it
    element: Mapped[str] = mapped_column(String(100))  # BPMN id of the element that sends it; "handmatig" when written by hand
    # The letter this one corrects (it stays stored as it was); a letter is corrected at most once.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), unique=True)


@event.listens_for(Document, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise ValueError(f"document {target.id} is verzonden en wordt niet gewijzigd; een correctie is een nieuwe brief")


class TimerWorker(db.Model):
    """A timer worker's heartbeat: each process (``wmo timers run``, or ``wmo serve`` with its own) keeps one row."""

    __tablename__ = "timer_worker"
    __table_args__ = (UniqueConstraint("host", "pid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
