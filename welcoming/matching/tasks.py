"""The task queue's work for matching (django-tasks, database backend; `manage.py db_worker` runs it)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from welcoming.matching import run_services


@task()
def run_match(run_id: str) -> dict[str, Any]:
    """Run one queued match run: its progress, proposals and figures are written on the MatchRun."""
    return run_services.execute_run(run_id)
