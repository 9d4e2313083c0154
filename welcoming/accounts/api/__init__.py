"""Who is calling the staff API: a token (`Authorization: Token <token>`, from
`POST /api/v1/auth/token`, see `views`) or the staff site's session once it has passed its second
factor. DRF imports this module from its settings, so it imports nothing from `rest_framework.views`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from welcoming.accounts import security
from welcoming.accounts.models import ApiToken, User


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token <token>`. An unknown, expired or revoked token is a 401, never a
    silent fall-back to anonymous."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as: Authorization: Token <token>."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError as exc:
            raise AuthenticationFailed(_("The token is not valid.")) from exc
        token = security.token_find(raw)
        if token is None:
            raise AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(SessionAuthentication):
    """The staff site's session, once it has passed the second factor it owes (see
    `security.needs_second_factor`); until then the API treats it as anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        django_request: HttpRequest = request._request
        if security.needs_second_factor(django_request):
            return None
        result: tuple[Any, None] | None = super().authenticate(request)
        return result
