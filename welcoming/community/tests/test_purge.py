"""Offers nobody confirmed do not keep anyone's details past the confirmation link's life."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone

from welcoming.accounts.models import AuditEntry
from welcoming.community.models import Offer, Offerer
from welcoming.community.services import VERIFY_DAYS
from welcoming.community.tests.helpers import answers, send
from welcoming.places.models import Area, Jurisdiction

pytestmark = pytest.mark.django_db


def test_an_offer_never_confirmed_is_deleted_with_her_details_after_the_link_expires_and_only_with_apply(
    riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    send(Browser(), "en", "goods", answers("goods", areas["northfield"]))
    send(Browser(), "en", "time", answers("time", areas["northfield"], email="ali@example.org", name="Ali"))
    old, recent = Offer.objects.order_by("created_at")
    Offer.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=VERIFY_DAYS + 1))

    out = io.StringIO()
    call_command("purge_unconfirmed_offers", stdout=out)
    assert "1 unconfirmed offers would be deleted" in out.getvalue()
    assert Offer.objects.count() == 2  # counting changes nothing

    call_command("purge_unconfirmed_offers", "--apply", stdout=out)
    assert list(Offer.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Offerer.objects.filter(pk=old.offerer_id).exists()
    assert Offerer.objects.filter(pk=recent.offerer_id).exists()
    assert AuditEntry.objects.filter(action="delete", record_id=str(old.pk), via="command").exists()


def test_a_confirmed_offer_is_never_purged(riverton: Jurisdiction, areas: dict[str, Area]) -> None:
    send(Browser(), "en", "goods", answers("goods", areas["northfield"]))
    Offer.objects.update(state=Offer.State.PENDING, created_at=timezone.now() - dt.timedelta(days=VERIFY_DAYS * 10))
    call_command("purge_unconfirmed_offers", "--apply", stdout=io.StringIO())
    assert Offer.objects.count() == 1
