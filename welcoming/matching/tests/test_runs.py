"""Starting match runs, and the staff pages that follow them: the list with its start forms, the run's
page with its progress, figures and proposals, and the confirm and reject buttons."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.community.models import Offer
from welcoming.matching import run_services
from welcoming.matching.models import MatchRun, Proposal
from welcoming.matching.run_services import Invalid, NotAllowed
from welcoming.matching.tests import run_factories as make
from welcoming.places.models import Jurisdiction
from welcoming.tests.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.WELCOMING_REQUIRE_2FA = False


# --- starting ---------------------------------------------------------------------------------------------


def test_a_coordinator_starts_a_run_with_her_weights_and_a_second_start_finds_the_first(
    riverton: Jurisdiction,
    coordinator: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    actor = actor_for(coordinator, riverton)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        run = run_services.run_start(actor=actor, kind="housing", weights={"school": 30, "work": "0"})
    assert len(enqueued) == 1
    run.refresh_from_db()
    assert run.state == MatchRun.State.QUEUED and run.task_id and run.started_by == coordinator
    assert run.weights["school"] == 30.0 and run.weights["work"] == 0.0 and run.weights["fit"] == 25.0
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert run_services.run_start(actor=actor, kind="housing").pk == run.pk
    assert again == [] and MatchRun.objects.count() == 1
    # another kind is another run
    assert run_services.run_start(actor=actor, kind="goods").pk != run.pk


@pytest.mark.parametrize(
    ("weights", "named"),
    [
        ({"school": 101}, "school"),
        ({"school": -1}, "school"),
        ({"school": "a lot"}, "school"),
        ({"school": "nan"}, "school"),
        ({"beauty": 10}, "beauty"),
        ({name: 0 for name in ("fit", "waiting", "school", "work", "services", "language", "preferences")}, "weights"),
    ],
)
def test_weights_out_of_bounds_or_unknown_are_refused_by_name(
    riverton: Jurisdiction, coordinator: User, weights: dict[str, Any], named: str
) -> None:
    with pytest.raises(Invalid) as refused:
        run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing", weights=weights)
    assert named in refused.value.errors
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "caseworker_a", "analyst"])
def test_only_the_coordinator_starts_a_run(who: str, riverton: Jurisdiction, request: pytest.FixtureRequest) -> None:
    with pytest.raises(NotAllowed):
        run_services.run_start(actor=actor_for(request.getfixturevalue(who), riverton), kind="housing")
    assert not MatchRun.objects.exists()


def test_an_unknown_kind_is_refused(riverton: Jurisdiction, coordinator: User) -> None:
    with pytest.raises(Invalid) as refused:
        run_services.run_start(actor=actor_for(coordinator, riverton), kind="castles")
    assert "kind" in refused.value.errors


# --- the pages ----------------------------------------------------------------------------------------------


def test_the_matching_page_offers_a_start_form_per_kind_with_the_weights_shown(coordinator: User) -> None:
    page = signed_in(coordinator).get(reverse("staff:matching"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('name="kind"') == 6
    assert 'name="w_school" value="15"' in text and 'max="100"' in text
    assert "No run yet." in text


def test_starting_from_the_page_leads_to_the_runs_progress(riverton: Jurisdiction, coordinator: User) -> None:
    browser = signed_in(coordinator)
    sent = browser.post(reverse("staff:run-start"), {"kind": "housing", "w_school": "20", "w_work": ""})
    run = MatchRun.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("staff:run", args=[run.pk])
    assert run.weights["school"] == 20.0 and run.weights["work"] == 10.0
    page = browser.get(sent["Location"]).content.decode()
    assert '<progress id="run-progress" max="100" value="0">' in page
    assert "matching/run-progress.js" in page and 'http-equiv="refresh"' in page
    assert "Waiting for the worker" in page
    progress = browser.get(reverse("staff:run-progress", args=[run.pk]))
    assert progress["Content-Type"] == "application/json" and progress["Cache-Control"] == "no-store"
    assert json.loads(progress.content) == {
        "state": "queued",
        "progress": 0,
        "stage": "queued",
        "finished": False,
        "stage_label": "Waiting for the worker to pick the run up",
        "state_label": "Queued",
    }


def test_a_weight_out_of_bounds_on_the_form_is_said_and_nothing_starts(coordinator: User) -> None:
    browser = signed_in(coordinator)
    sent = browser.post(reverse("staff:run-start"), {"kind": "housing", "w_school": "500"}, follow=True)
    assert "the weight must be a number from 0 to 100" in sent.content.decode()
    assert not MatchRun.objects.exists()


@pytest.fixture
def reviewed(riverton: Jurisdiction, coordinator: User, caseworker_a: User) -> dict[str, Any]:
    olena = make.household(caseworker_a, riverton)
    omar = make.household(caseworker_a, riverton, given="Omar", family="Haddad")
    flat = make.published_offer(riverton)
    run, (first, second) = make.done_run(
        riverton,
        [(make.open_request(olena), flat, 81.5), (make.open_request(omar), flat, 60.0)],
        started_by=coordinator,
    )
    run.figures.update(
        {
            "upper_bound": 150.0,
            "objective": 141.5,
            "greedy_objective": 120.0,
            "fairness": [{"group": "", "items": 2, "matched": 2, "share_matched": 1.0, "mean_rank": 1.0, "envious": 0}],
        }
    )
    run.save()
    return {"run": run, "first": first, "second": second, "olena": olena}


def test_a_done_run_shows_its_figures_and_each_proposal_explained(coordinator: User, reviewed: dict[str, Any]) -> None:
    page = signed_in(coordinator).get(reverse("staff:run", args=[reviewed["run"].pk]))
    text = page.content.decode()
    assert "<progress" not in text and "run-progress.js" not in text
    for figure in ("141.50", "150.00", "8.50", "5.667 %", "120.00", "21.50", "+17.9 %", "100.0 %"):
        assert figure in text, figure
    assert text.count("Confirm and allocate") == 2 and text.count('name="reason"') == 2
    assert reviewed["olena"].code in text and "Olena" not in text  # codes, not names
    assert "A household of 4 people." in text
    # the criterion's reason, worded by the shared wording module
    from welcoming.matching import wording

    assert wording.explain("criterion.waiting", {"points": 81.5, "days": 120}) in text
    assert AuditEntry.objects.filter(
        username="cora", action="read", client_id=reviewed["olena"].pk, purpose=f"match run {reviewed['run'].pk}"
    ).exists()


def test_confirming_on_the_page_allocates_and_the_other_proposal_shows_no_longer_possible(
    coordinator: User, reviewed: dict[str, Any]
) -> None:
    browser = signed_in(coordinator)
    run_url = reverse("staff:run", args=[reviewed["run"].pk])
    sent = browser.post(reverse("staff:proposal-confirm", args=[reviewed["first"].pk]), {"state": "", "page": "1"})
    assert sent.status_code == 302 and sent["Location"].startswith(run_url)
    assert sent["Location"].endswith(f"#p-{reviewed['first'].pk}")
    assert Offer.objects.get().state == Offer.State.TAKEN
    page = browser.get(sent["Location"]).content.decode()
    assert "Confirmed: the units are allocated" in page and "End the placement" in page
    assert "Confirm and allocate" not in page  # the other is stale now
    late = browser.post(reverse("staff:proposal-confirm", args=[reviewed["second"].pk]), follow=True)
    assert "This proposal is no longer possible." in late.content.decode()
    stale = browser.get(run_url, {"state": "stale"}).content.decode()
    assert reviewed["second"].request.client.code in stale


def test_rejecting_on_the_page_needs_a_reason(coordinator: User, reviewed: dict[str, Any]) -> None:
    browser = signed_in(coordinator)
    url = reverse("staff:proposal-reject", args=[reviewed["first"].pk])
    refused = browser.post(url, {"reason": ""}, follow=True)
    assert "Say why the proposal is rejected." in refused.content.decode()
    assert Proposal.objects.get(pk=reviewed["first"].pk).state == Proposal.State.PROPOSED
    browser.post(url, {"reason": "The flat is too far from her work."})
    assert Proposal.objects.get(pk=reviewed["first"].pk).state == Proposal.State.REJECTED


def test_an_analyst_sees_the_runs_figures_but_no_proposal_and_no_household(
    analyst: User, reviewed: dict[str, Any]
) -> None:
    browser = signed_in(analyst)
    page = browser.get(reverse("staff:matching"))
    text = page.content.decode()
    assert page.status_code == 200 and "141.5" in text and "2 of 2" in text
    assert reverse("staff:run", args=[reviewed["run"].pk]) not in text and 'name="kind"' not in text
    assert browser.get(reverse("staff:run", args=[reviewed["run"].pk])).status_code == 403
    assert browser.get(reverse("staff:run-progress", args=[reviewed["run"].pk])).status_code == 403
    assert browser.post(reverse("staff:proposal-confirm", args=[reviewed["first"].pk])).status_code == 403


@pytest.mark.parametrize("who", ["manager_a", "caseworker_a"])
def test_agency_staff_do_not_see_runs(who: str, reviewed: dict[str, Any], request: pytest.FixtureRequest) -> None:
    browser = signed_in(request.getfixturevalue(who))
    assert browser.get(reverse("staff:matching")).status_code == 403
    assert browser.get(reverse("staff:run", args=[reviewed["run"].pk])).status_code == 403
    assert browser.post(reverse("staff:run-start"), {"kind": "housing"}).status_code == 403
    assert browser.post(reverse("staff:proposal-confirm", args=[reviewed["first"].pk])).status_code == 403
    assert Proposal.objects.get(pk=reviewed["first"].pk).state == Proposal.State.PROPOSED


def test_a_run_of_another_city_is_not_there(
    lakeside: Jurisdiction, coordinator: User, reviewed: dict[str, Any]
) -> None:
    theirs = MatchRun.objects.create(jurisdiction=lakeside, kind="housing", state=MatchRun.State.DONE)
    browser = signed_in(coordinator)
    assert browser.get(reverse("staff:run", args=[theirs.pk])).status_code == 404
    assert browser.get(reverse("staff:run-progress", args=[theirs.pk])).status_code == 404


def test_a_failed_run_says_so_and_shows_no_proposals(riverton: Jurisdiction, coordinator: User) -> None:
    run = MatchRun.objects.create(
        jurisdiction=riverton, kind="housing", state=MatchRun.State.FAILED, stage="failed", error="EngineError: bad"
    )
    text = signed_in(coordinator).get(reverse("staff:run", args=[run.pk])).content.decode()
    assert "The run failed." in text and "EngineError: bad" in text and "Proposals" not in text


def test_a_run_worked_through_shows_the_real_explanations_flags_and_groups(
    riverton: Jurisdiction, coordinator: User, caseworker_a: User
) -> None:
    olena = make.household(caseworker_a, riverton)
    make.open_request(olena, waited_days=300)
    make.published_offer(riverton)
    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    run_services.execute_run(run.pk)  # what the worker does, here without the queue
    text = signed_in(coordinator).get(reverse("staff:run", args=[run.pk])).content.decode()
    assert "Households of 3 to 4 people" in text and "100.0 %" in text
    assert "Why this match" in text and "To check before confirming" in text
    from welcoming.matching import wording

    proposal = Proposal.objects.get(run=run)
    for item in proposal.explanation:
        assert wording.explain(item["code"], item["params"]) in html.unescape(text)


@pytest.mark.parametrize(
    ("kind", "group", "label"),
    [
        ("housing", "1", "Households of 1 person"),
        ("goods", "2", "Households of 2 people"),
        ("host_room", "3-4", "Households of 3 to 4 people"),
        ("housing", "5+", "Households of 5 people or more"),
        ("mentoring", "uk", "First language: Ukrainian"),
        ("job", "?", "First language not known"),
    ],
)
def test_fairness_groups_are_named_for_people(kind: str, group: str, label: str) -> None:
    from welcoming.matching.run_selectors import group_label

    assert group_label(kind, group) == label
