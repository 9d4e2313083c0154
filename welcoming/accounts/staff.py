"""The frame of every staff page: who is acting, for which jurisdiction, and how the domain's
refusals become HTTP answers (not found and not allowed look the same to an outsider: 404)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.security import second_factor_redirect
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_for_request


class StaffRequest(HttpRequest):
    actor: Actor


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only, past the second factor when it is owed; `request.actor` is the acting
    user in the request's jurisdiction.
    A record outside the actor's scope (`NotFound`) is a 404, a change they may not make a 403."""
    from welcoming.cases.selectors import NotFound
    from welcoming.cases.services import NotAllowed

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_active:
            return redirect_to_login(request.get_full_path())
        if (owed := second_factor_redirect(request)) is not None:
            return owed
        try:
            jurisdiction = jurisdiction_for_request(request)
        except UnknownJurisdiction as exc:
            raise Http404(str(exc)) from exc
        request.actor = actor_for(request.user, jurisdiction)  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404("not found") from exc
        except NotAllowed as exc:
            return HttpResponseForbidden(str(exc))

    return wrapped
