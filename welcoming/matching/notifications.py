"""Telling people about a placement: the offerer by e-mail in her own language, the household through
her caseworker (an in-app task on her record) and by e-mail only where she chose e-mail and gave an
address; and reminding staff of the follow-up check-ins that are due.

What the offerer is told about the household is only what she needs to prepare ("a household of 4
people"): never a name, an address or a need. E-mails leave after the transaction commits, so a
confirmation that rolls back sends nothing; the audit entries of the addresses read are written
inside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import AuditEntry, User
from welcoming.cases import selectors as case_selectors
from welcoming.cases import services as case_services
from welcoming.cases.models import Client, Consent
from welcoming.community import vocab
from welcoming.community.models import Offer
from welcoming.matching.models import Allocation, CheckIn, Request

logger = logging.getLogger(__name__)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _language(candidates: Iterable[str], fallback: str) -> str:
    for code in candidates:
        if code in LANGUAGE_CODES:
            return code
    return fallback if fallback in LANGUAGE_CODES else settings.LANGUAGE_CODE


def city_contact(actor: Actor) -> str:
    """Who the offerer and the household write back to: the coordinator who confirmed, else the site."""
    return actor.user.email or settings.DEFAULT_FROM_EMAIL


# --- what was matched, in words --------------------------------------------------------------------


def household_words(request: Request, units: int) -> str:
    """The household as the offerer may know it: its size for a home, nothing more for the rest."""
    if request.kind in (Request.Kind.HOUSING, Request.Kind.HOST_ROOM):
        size = request.household_size
        return ngettext("a household of %(count)s person", "a household of %(count)s people", size) % {"count": size}
    if request.kind == Request.Kind.GOODS:
        return ngettext(
            "a newcomer household, who will receive %(count)s item",
            "a newcomer household, who will receive %(count)s items",
            units,
        ) % {"count": units}
    return _("a newcomer to the city")


def found_words(kind: str) -> str:
    """What the household is told was found for her."""
    words: dict[str, str] = {
        Request.Kind.HOUSING: _("A flat to rent has been found for you."),
        Request.Kind.HOST_ROOM: _("A room with a host family has been found for you."),
        Request.Kind.GOODS: _("Some of the goods you asked for have been found for you."),
        Request.Kind.VOLUNTEER: _("A volunteer has been found to help you."),
        Request.Kind.MENTORING: _("A mentor has been found for you."),
        Request.Kind.JOB: _("A work offer has been found for you."),
    }
    return str(words.get(kind, _("An offer has been found for you.")))


def offer_words(offer: Offer, item: str, units: int) -> str:
    if offer.kind == Offer.Kind.GOODS and item:
        return _("%(count)s × %(item)s") % {"count": units, "item": vocab.ITEMS.get(item, item)}
    return offer.title


# --- on confirmation ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str
    reply_to: str


def _offerer_letter(actor: Actor, offer: Offer, request: Request, allocation: Allocation) -> Letter | None:
    offerer = offer.offerer
    if not offerer.email:
        return None
    with translation.override(_language([offerer.language], offer.jurisdiction.default_language)):
        contact = city_contact(actor)
        subject = _("Your offer has been matched")
        body = _(
            "Hello %(name)s,\n\n"
            "Thank you for your offer “%(offer)s”. The city of %(city)s has matched it with %(household)s.\n\n"
            "The city's integration office will contact you about the next steps. You can write to it at "
            "%(contact)s.\n\n"
            "To protect the household's privacy, we do not send her name or details by e-mail."
        ) % {
            "name": offerer.name,
            "offer": offer_words(offer, allocation.item, allocation.units),
            "city": offer.jurisdiction.name,
            "household": household_words(request, allocation.units),
            "contact": contact,
        }
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="community.offerer",
        record_id=offerer.pk,
        fields=["name", "email", "language"],
        purpose="match confirmed: tell the offerer",
    )
    return Letter(to=offerer.email, subject=str(subject), body=body, reply_to=contact)


def may_email(client: Client) -> bool:
    """She chose e-mail, gave an address, and her consent to keep a record to help her stands (there is
    no separate consent for e-mail, as there is for text messages: the address is hers to give)."""
    if not client.email or client.preferred_channel != Client.Channel.EMAIL:
        return False
    return case_selectors.valid_consents(client, Consent.Purpose.REGISTRATION).exists()


def _client_letter(actor: Actor, request: Request) -> Letter | None:
    client = request.client
    if not may_email(client):
        return None
    with translation.override(_language(client.languages, request.jurisdiction.default_language)):
        contact = (request.agency.email if request.agency_id else "") or city_contact(actor)
        subject = _("Good news about your request")
        body = _(
            "Hello %(name)s,\n\n"
            "%(found)s Your caseworker will contact you soon with the details.\n\n"
            "If you have a question, write to %(contact)s."
        ) % {"name": client.given_name, "found": found_words(request.kind), "contact": contact}
    case_selectors.audit_client(actor, AuditEntry.Action.READ, client, ["given_name", "email"], "match: tell her")
    return Letter(to=client.email, subject=str(subject), body=body, reply_to=contact)


def _task_for_caseworker(actor: Actor, offer: Offer, request: Request, allocation: Allocation) -> None:
    """The household hears it from her caseworker: a task on her record, for her agency."""
    # A coordinator belongs to no agency, and tasks belong to one: the task is written for the
    # household's agency, which holds her record and its tasks.
    for_agency = dataclasses.replace(
        actor,
        agency_ids=frozenset({request.agency_id}),
        agency_roles={},
    )
    with translation.override(request.jurisdiction.default_language):
        title = _(
            "Tell the household: %(offer)s (%(kind)s) was confirmed for her. Follow-up check-ins are due on "
            "%(first)s, %(second)s and %(third)s."
        ) % {
            "offer": offer_words(offer, allocation.item, allocation.units),
            "kind": request.get_kind_display(),
            **{
                name: date_format(check_in.due_on, "DATE_FORMAT")
                for name, check_in in zip(
                    ("first", "second", "third"), allocation.check_ins.order_by("due_on"), strict=False
                )
            },
        }
    case_services.task_add(
        actor=for_agency,
        client=request.client,
        title=title,
        due=timezone.localdate() + dt.timedelta(days=2),
        assigned_to_id=request.client.caseworker_id,
    )


def on_confirmation(actor: Actor, allocation: Allocation, *, offer: Offer, request: Request) -> None:
    """Inside the confirming transaction: the caseworker's task and the audit entries; the e-mails
    after commit."""
    _task_for_caseworker(actor, offer, request, allocation)
    letters = [
        letter
        for letter in (_offerer_letter(actor, offer, request, allocation), _client_letter(actor, request))
        if letter is not None
    ]
    if letters:
        transaction.on_commit(lambda: send(letters))


def send(letters: Iterable[Letter]) -> int:
    sent = 0
    for letter in letters:
        try:
            sent += EmailMessage(
                subject=letter.subject, body=letter.body, to=[letter.to], reply_to=[letter.reply_to]
            ).send()
        except Exception:  # an outage of the mail server must not undo a placement that is made
            logger.exception("a placement e-mail could not be sent")
    return sent


# --- check-in reminders ------------------------------------------------------------------------------


@dataclasses.dataclass
class Reminder:
    to: str
    language: str
    check_ins: list[CheckIn]


def due_check_ins(today: dt.date, jurisdiction_code: str = "") -> list[CheckIn]:
    """Check-ins due today or before, not yet recorded, of placements that have not ended."""
    rows = CheckIn.objects.filter(
        due_on__lte=today, done_at__isnull=True, allocation__ended_at__isnull=True
    ).select_related(
        "allocation__request__client__caseworker", "allocation__request__agency", "allocation__request__jurisdiction"
    )
    if jurisdiction_code:
        rows = rows.filter(allocation__request__jurisdiction__code=jurisdiction_code)
    return list(rows.order_by("due_on"))


def reminders(today: dt.date, jurisdiction_code: str = "") -> list[Reminder]:
    """One reminder per person to write to: the household's caseworker, else her agency's inbox."""
    by_address: dict[str, Reminder] = {}
    grouped: dict[str, list[CheckIn]] = defaultdict(list)
    for check_in in due_check_ins(today, jurisdiction_code):
        request = check_in.allocation.request
        caseworker: User | None = request.client.caseworker
        address = (caseworker.email if caseworker else "") or request.agency.email
        if not address:
            continue
        grouped[address].append(check_in)
        by_address.setdefault(address, Reminder(address, request.jurisdiction.default_language, []))
    for address, rows in grouped.items():
        by_address[address].check_ins = rows
    return sorted(by_address.values(), key=lambda reminder: reminder.to)


def reminder_letter(reminder: Reminder, today: dt.date) -> Letter:
    """No names: how many are due and where to record them."""
    link = f"{settings.WELCOMING_BASE_URL}/staff/check-ins/"
    overdue = sum(1 for check_in in reminder.check_ins if check_in.due_on < today)
    with translation.override(reminder.language):
        subject = ngettext(
            "%(count)s follow-up check-in is due", "%(count)s follow-up check-ins are due", len(reminder.check_ins)
        ) % {"count": len(reminder.check_ins)}
        body = ngettext(
            "%(count)s check-in after a placement is due (%(overdue)s of them overdue).",
            "%(count)s check-ins after placements are due (%(overdue)s of them overdue).",
            len(reminder.check_ins),
        ) % {"count": len(reminder.check_ins), "overdue": overdue}
        body += "\n\n" + _("Record how each placement is going at %(link)s") % {"link": link}
    return Letter(to=reminder.to, subject=subject, body=body, reply_to=settings.DEFAULT_FROM_EMAIL)
