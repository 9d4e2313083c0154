"""Signing in to the staff API: `POST /api/v1/auth/token` gives a token, sent as
`Authorization: Token <token>`; `DELETE` on the same path revokes the token used.

The same throttle and second factor as the staff sign-in page apply (see `security`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from welcoming.accounts import security
from welcoming.accounts.api import TokenAuthentication
from welcoming.accounts.models import ApiToken

# how the two ways in appear in the OpenAPI schema (registered when this module is imported)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "welcoming.accounts.api.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix=TokenAuthentication.keyword,
        )
        return definition


class VerifiedSessionScheme(SessionScheme):
    target_class = "welcoming.accounts.api.VerifiedSessionAuthentication"


class SignInFailed(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy("The username and password did not match.")
    default_code = "sign_in_failed"


class TokenRequest(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="The current code of her authenticator app: required when she has set one up.",
    )


class TokenResponse(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown only once.")
    expires = serializers.DateTimeField()


_ERROR = inline_serializer("Error", {"detail": serializers.CharField()})


class TokenView(APIView):
    throttle_classes: list[type] = []

    def get_authenticators(self) -> list[BaseAuthentication]:
        # asking for a token needs no credentials but the ones in the body (a stale token in the
        # header must not stand in the way); revoking one needs that very token
        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_permissions(self) -> list[BasePermission]:
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        summary="Sign in: a token for the staff API",
        operation_id="auth_token_create",
        auth=[],
        request=TokenRequest,
        responses={
            201: TokenResponse,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Wrong username, password or code (`detail`), or a field missing or invalid (by field).",
            ),
            403: OpenApiResponse(_ERROR, description="Two-factor sign-in is required and she has not set it up."),
            429: OpenApiResponse(_ERROR, description="Too many failed attempts: see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        given = TokenRequest(data=request.data)
        given.is_valid(raise_exception=True)
        django_request: HttpRequest = request._request
        data = given.validated_data
        try:
            user = security.password_step(
                django_request, username=data["username"], password=data["password"], via="api"
            )
            device = security.confirmed_device(user)
            if device is None and settings.WELCOMING_REQUIRE_2FA:
                raise PermissionDenied(_("Two-factor sign-in is required: set it up on the staff site first."))
            if device is not None:
                if not data.get("otp"):
                    raise ValidationError({"otp": [_("Enter the code from your authenticator app.")]})
                security.code_step(django_request, user=user, code=data["otp"], via="api")
        except security.SignInRefused as refused:
            if refused.locked:
                raise Throttled(wait=refused.retry_after, detail=refused.message) from refused
            raise SignInFailed(refused.message) from refused
        raw, token = security.token_issue(user)
        security.signed_in(django_request, user, via="api")
        return Response(TokenResponse({"token": raw, "expires": token.expires_at}).data, status=201)

    @extend_schema(
        summary="Sign out: revoke the token this request is sent with",
        operation_id="auth_token_revoke",
        request=None,
        responses={204: None, 401: OpenApiResponse(_ERROR, description="No valid token was sent.")},
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise AuthenticationFailed(_("Send the token to revoke as: Authorization: Token <token>."))
        security.token_revoke(request.auth)
        return Response(status=204)
