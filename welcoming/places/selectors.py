"""Reads of jurisdictions and areas."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from welcoming.places.models import Area, Jurisdiction

# How long a process may answer from its copy of the jurisdictions table (with their areas) before
# reading it again. A change saved through the ORM in this process is seen at once (the signals
# below); a change made by another process is seen within this many seconds.
JURISDICTIONS_CACHE_SECONDS = 5.0


class UnknownJurisdiction(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"There is no jurisdiction with the code {code!r}.")
        self.code = code


def jurisdiction_by_code(code: str) -> Jurisdiction:
    try:
        return Jurisdiction.objects.get(code=code)
    except Jurisdiction.DoesNotExist:
        raise UnknownJurisdiction(code) from None


def default_jurisdiction() -> Jurisdiction:
    return jurisdiction_by_code(settings.WELCOMING_DEFAULT_JURISDICTION)


@dataclass
class _Jurisdictions:
    """Every jurisdiction (without its boundary, which choosing does not need) with its areas, by
    code and by host name, as read at `loaded_at`."""

    by_code: dict[str, Jurisdiction] = field(default_factory=dict)
    by_host: dict[str, Jurisdiction] = field(default_factory=dict)
    loaded_at: float = 0.0

    @classmethod
    def load(cls) -> _Jurisdictions:
        # a handful of rows, and their areas so that `area_at` needs no query either
        loaded = cls(loaded_at=monotonic())
        for jurisdiction in Jurisdiction.objects.defer("boundary").prefetch_related("areas"):
            loaded.by_code[jurisdiction.code] = jurisdiction
            for host in jurisdiction.hosts:
                # the first jurisdiction in code order that lists a host keeps it, as before
                loaded.by_host.setdefault(host.lower(), jurisdiction)
        return loaded


_jurisdictions_lock = threading.Lock()
_jurisdictions: _Jurisdictions | None = None
_generation = 0  # bumped by every local change, so that a read begun before it is not kept


def _current_jurisdictions() -> _Jurisdictions:
    """The process's copy of the jurisdictions, read again after JURISDICTIONS_CACHE_SECONDS.

    Inside a transaction the table is read afresh and not kept: the transaction may see rows that
    are not committed (and may be rolled back), which must not leak into the copy every request
    shares; tests run in such transactions."""
    global _jurisdictions
    if connection.in_atomic_block:
        return _Jurisdictions.load()
    current = _jurisdictions
    if current is not None and monotonic() - current.loaded_at < JURISDICTIONS_CACHE_SECONDS:
        return current
    with _jurisdictions_lock:
        generation = _generation
        current = _Jurisdictions.load()
        if generation == _generation:
            _jurisdictions = current
    return current


def forget_jurisdictions(**kwargs: Any) -> None:
    """Drop the process's copy: the next request reads the table again."""
    global _jurisdictions, _generation
    _generation += 1
    _jurisdictions = None


for _model in (Jurisdiction, Area):
    post_save.connect(forget_jurisdictions, sender=_model, dispatch_uid=f"forget-jurisdictions-{_model.__name__}")
    post_delete.connect(forget_jurisdictions, sender=_model, dispatch_uid=f"forget-jurisdictions-del-{_model.__name__}")


def jurisdiction_for_request(request: HttpRequest) -> Jurisdiction:
    """The jurisdiction a request is about.

    In order: the `jurisdiction` query parameter, then the request's host name if a jurisdiction
    lists it in `hosts`, then the deployment's default (`WELCOMING_DEFAULT_JURISDICTION`).
    Answered from the process's copy of the table (see JURISDICTIONS_CACHE_SECONDS), without a query.
    """
    code = request.GET.get("jurisdiction")
    host = request.get_host().split(":")[0].lower()
    jurisdictions = _current_jurisdictions()
    if code:
        wanted = code
    else:
        if host in jurisdictions.by_host:
            return copy.copy(jurisdictions.by_host[host])
        wanted = settings.WELCOMING_DEFAULT_JURISDICTION
    if wanted in jurisdictions.by_code:
        # a copy: what a request sets on its jurisdiction stays with that request
        return copy.copy(jurisdictions.by_code[wanted])
    raise UnknownJurisdiction(wanted)


def area_at(jurisdiction: Jurisdiction, latitude: float, longitude: float) -> Area | None:
    for area in jurisdiction.areas.all():
        if area.contains(latitude, longitude):
            return area
    return None


def area_for_postal_code(jurisdiction: Jurisdiction, postal_code: str) -> Area | None:
    wanted = postal_code.replace(" ", "").upper()
    for area in jurisdiction.areas.all():
        if any(code.replace(" ", "").upper() == wanted for code in area.postal_codes):
            return area
    return None
