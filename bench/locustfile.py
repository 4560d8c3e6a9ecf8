"""Locust users for bench/load.py: caseworkers who register meldingen and step their cases through the JSON API.

Each user registers a melding, then completes the case's open tasks one by one (answers made from the task's form,
as the demo makes them), delivers the persoonlijk plan when the case waits for it, and starts a new case when this
one waits for something else or after ``MAX_STEPS`` completions. The token comes from ``WMO_BENCH_TOKEN``.
"""
from __future__ import annotations

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.demo import DEFAULTS, MELDING, demo_bsns, example_answers  # noqa: E402

MAX_STEPS = 8
BSNS = demo_bsns(500)
TODAY = date.today()
CHOICES = {
    "gesprek_plannen": {"gesprek_nodig": True, "gesprek_vorm": "huisbezoek"},
    "gesprek_voeren": {"leveringsvorm": "zin"},
    "verslag_ondertekenen": {"akkoord": True, "hulp_aanvragen": True},
    "besluit_nemen": {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": (TODAY + timedelta(days=7)).isoformat(),
                      "einddatum": (TODAY + timedelta(days=372)).isoformat()},
}
_answers: dict[str, dict] = {}  # per task name, made once from its form


class Caseworker(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {os.environ['WMO_BENCH_TOKEN']}"
        self.case_id, self.steps = None, 0

    def new_case(self):
        payload = {**MELDING, "bsn": random.choice(BSNS), "ontvangen_op": TODAY.isoformat()}
        with self.client.post("/api/v1/meldingen", json=payload, name="melding", catch_response=True) as response:
            if response.status_code == 201:
                self.case_id, self.steps = response.json()["case_id"], 0
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                self.case_id = None

    @task
    def step(self):
        if self.case_id is None or self.steps >= MAX_STEPS:
            self.new_case()
            return
        response = self.client.get(f"/api/v1/tasks?case_id={self.case_id}", name="tasks")
        open_tasks = response.json().get("tasks", []) if response.ok else []
        if not open_tasks:
            with self.client.post(f"/api/v1/cases/{self.case_id}/events/persoonlijk_plan_ontvangen", name="event",
                                  json={"plan": "Hulp bij schoonmaken.", "ontvangen_op": TODAY.isoformat()},
                                  catch_response=True) as event:
                if event.status_code == 409:  # it waits for something else (zorg_gestart, a term): next case
                    event.success()
                    self.case_id = None
            return
        found = open_tasks[0]
        name = found["name"]
        if name not in _answers:
            detail = self.client.get(f"/api/v1/tasks/{found['id']}", name="task")
            _answers[name] = example_answers(detail.json()["form"], {**DEFAULTS.get(name, {}), **CHOICES.get(name, {})},
                                             TODAY.isoformat())
        with self.client.post(f"/api/v1/tasks/{found['id']}/complete", json=_answers[name], name="complete",
                              catch_response=True) as done:
            if done.status_code == 200:
                self.steps += 1
            else:
                done.failure(f"{name} {done.status_code}: {done.text[:200]}")
                self.case_id = None
