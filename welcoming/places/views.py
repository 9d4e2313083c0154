from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from welcoming.places.models import Jurisdiction


def home(request: HttpRequest) -> HttpResponse:
    """The deployment's front door: its jurisdictions and where their directories can be read."""
    jurisdictions = Jurisdiction.objects.all()
    return render(request, "places/home.html", {"jurisdictions": jurisdictions})
