"""Match runs go through the real task queue: `run_start` enqueues after commit (django-tasks, the
database backend), and the worker of `manage.py db_worker` — run here in-process, in batch mode —
picks the task up and runs it. These tests commit for real (transaction=True): the queue's rows must
be visible to the worker, and the worker closes and reopens connections as it goes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import User
from welcoming.matching import run_services
from welcoming.matching.models import MatchRun, Proposal
from welcoming.matching.tests import run_factories as make
from welcoming.matching.tests.run_factories import work_off_the_queue
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(riverton: Jurisdiction, caseworker_a: User) -> dict[str, Any]:
    """Two households waiting for a flat (one for longer) and two published flats."""
    olena = make.household(caseworker_a, riverton)
    omar = make.household(caseworker_a, riverton, given="Omar", family="Haddad", languages=["ar"])
    return {
        "requests": [make.open_request(olena, waited_days=300), make.open_request(omar, waited_days=40)],
        "offers": [make.published_offer(riverton), make.published_offer(riverton, title="Flat by the river")],
    }


def test_a_started_run_is_queued_and_the_worker_writes_its_proposals_and_figures(
    riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]
) -> None:
    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    run.refresh_from_db()
    assert run.state == MatchRun.State.QUEUED and run.task_id
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.status == "READY" and task.task_path == "welcoming.matching.tasks.run_match"

    work_off_the_queue()

    run.refresh_from_db()
    assert (run.state, run.progress, run.stage, run.error) == (MatchRun.State.DONE, 100, "done", "")
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert DBTaskResult.objects.get(pk=run.task_id).status == "SUCCESSFUL"
    proposals = list(run.proposals.order_by("-score"))
    assert len(proposals) == 2 and all(p.state == Proposal.State.PROPOSED for p in proposals)
    assert {p.request_id for p in proposals} == {r.pk for r in waiting["requests"]}
    # she who waited longest comes first; each proposal says why, criterion by criterion, with the
    # rules' flags (these flats have no address, so the building register could not be checked)
    assert proposals[0].request_id == waiting["requests"][0].pk
    codes = [item["code"] for item in proposals[0].explanation]
    assert {"criterion.fit", "criterion.waiting", "building.no_address"} <= set(codes)
    points = sum(item["params"]["points"] for item in proposals[0].explanation if item["code"].startswith("criterion."))
    assert points == pytest.approx(proposals[0].score, abs=0.1)
    figures = run.figures
    assert figures["matched"] == 2 and figures["requests"] == 2 and figures["offers"] == 2
    assert figures["objective"] == pytest.approx(sum(p.score for p in proposals))
    assert figures["upper_bound"] >= figures["objective"] - 1e-9
    assert figures["greedy_objective"] <= figures["objective"] + 1e-9
    assert figures["fairness"][0]["group"] == "3-4" and figures["overall"]["share_matched"] == 1.0
    assert figures["gathering"]["edges"] == 4


def test_the_db_worker_command_runs_the_queue_in_batch_mode_and_exits(
    riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]
) -> None:
    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    # the command installs its own signal handlers: keep pytest's
    import signal

    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", verbosity=0)
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
    run.refresh_from_db()
    assert run.state == MatchRun.State.DONE and run.proposals.count() == 2


def test_a_failed_run_writes_no_proposal_at_all_and_says_why(
    monkeypatch: pytest.MonkeyPatch, riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]
) -> None:
    # one pair names a request that does not exist: the proposals are written in one transaction,
    # so the good one goes too
    make.use_stand_in(monkeypatch, make.StandIn(bogus_request=True))
    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    work_off_the_queue()
    run.refresh_from_db()
    assert run.state == MatchRun.State.FAILED and run.stage == "failed"
    assert "IntegrityError" in run.error
    assert Proposal.objects.count() == 0
    assert DBTaskResult.objects.get(pk=run.task_id).status == "FAILED"
    # and the city may start again at once
    again = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    assert again.pk != run.pk and again.state == MatchRun.State.QUEUED


def test_a_run_shows_its_progress_to_other_connections_while_it_goes_on(
    monkeypatch: pytest.MonkeyPatch, riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]
) -> None:
    stand_in = make.use_stand_in(monkeypatch)
    seen: list[tuple[str, int, str]] = []

    def look_from_elsewhere() -> None:
        def read() -> None:
            from django.db import connection

            try:
                seen.append(MatchRun.objects.values_list("state", "progress", "stage").get())
            finally:
                connection.close()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()

    stand_in.on_progress = look_from_elsewhere
    run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    work_off_the_queue()
    # the stand-in reported 10 % of the gathering, which is 7 % of the whole run
    assert seen == [(MatchRun.State.RUNNING, 7, "requests")]


def test_a_task_delivered_twice_runs_once(riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]) -> None:
    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    work_off_the_queue()
    assert run_services.execute_run(str(run.pk)) == {"run": str(run.pk), "skipped": True}
    assert Proposal.objects.filter(run=run).count() == 2


def test_a_run_whose_worker_died_does_not_block_the_next_one(
    riverton: Jurisdiction, coordinator: User, waiting: dict[str, Any]
) -> None:
    actor = actor_for(coordinator, riverton)
    first = run_services.run_start(actor=actor, kind="housing")
    assert run_services.run_start(actor=actor, kind="housing").pk == first.pk  # under way: the same run
    # the worker took the task and died in it, leaving the run "running"
    MatchRun.objects.filter(pk=first.pk).update(state=MatchRun.State.RUNNING)
    first.refresh_from_db()
    DBTaskResult.objects.filter(pk=first.task_id).update(status="FAILED")
    second = run_services.run_start(actor=actor, kind="housing")
    first.refresh_from_db()
    assert second.pk != first.pk
    assert first.state == MatchRun.State.FAILED and "worker stopped" in first.error
