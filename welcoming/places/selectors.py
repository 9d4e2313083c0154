"""Reads of jurisdictions and areas."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from welcoming.places.models import Area, Jurisdiction


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


def jurisdiction_for_request(request: HttpRequest) -> Jurisdiction:
    """The jurisdiction a request is about.

    In order: the `jurisdiction` query parameter, then the request's host name if a jurisdiction
    lists it in `hosts`, then the deployment's default (`WELCOMING_DEFAULT_JURISDICTION`).
    """
    code = request.GET.get("jurisdiction")
    host = request.get_host().split(":")[0].lower()
    # a handful of rows: one query, chosen here; boundaries are not needed to choose
    jurisdictions = list(Jurisdiction.objects.defer("boundary"))
    if code:
        wanted = code
    else:
        for jurisdiction in jurisdictions:
            if host in {h.lower() for h in jurisdiction.hosts}:
                return jurisdiction
        wanted = settings.WELCOMING_DEFAULT_JURISDICTION
    for jurisdiction in jurisdictions:
        if jurisdiction.code == wanted:
            return jurisdiction
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
