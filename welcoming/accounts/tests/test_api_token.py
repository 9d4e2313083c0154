"""API tokens: `POST /api/v1/auth/token` → a token that opens the staff API until it expires or is revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from welcoming.accounts.api.views import TokenView
from welcoming.accounts.models import ApiToken, AuditEntry, User
from welcoming.accounts.tests.test_sign_in import PASSWORD, code_for, device_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


class WhoAmI(APIView):
    """A stand-in for any staff endpoint: signed-in users only, with the default authentication."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"username": request.user.get_username()})


urlpatterns = [path("api/v1/auth/token", TokenView.as_view()), path("whoami", WhoAmI.as_view())]
with_whoami = override_settings(ROOT_URLCONF=__name__)


def ask(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        TOKEN_URL, {"username": username, "password": password, **extra}, content_type="application/json"
    )


def token_of(client: Client, username: str, **extra: Any) -> str:
    response = ask(client, username, **extra)
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@with_whoami
def test_her_password_gets_a_token_that_opens_the_staff_api(caseworker_a: User, anonymous: Client) -> None:
    assert anonymous.get("/whoami").status_code == 401
    response = ask(anonymous, "amal")
    assert response.status_code == 201
    assert set(response.json()) == {"token", "expires"}
    answer = Client().get("/whoami", **bearer(response.json()["token"]))
    assert answer.status_code == 200
    assert answer.json() == {"username": "amal"}


def test_only_a_hash_of_the_token_is_stored(caseworker_a: User, anonymous: Client) -> None:
    token = token_of(anonymous, "amal")
    stored = ApiToken.objects.get(user=caseworker_a)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored.__dict__)
    assert token.startswith(stored.prefix) and len(stored.prefix) < len(token) // 4


def test_tokens_are_random(caseworker_a: User) -> None:
    assert token_of(Client(), "amal") != token_of(Client(), "amal")


@with_whoami
def test_an_expired_token_is_refused_with_401(caseworker_a: User, anonymous: Client) -> None:
    token = token_of(anonymous, "amal")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get("/whoami", **bearer(token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@override_settings(WELCOMING_API_TOKEN_HOURS=1)
def test_tokens_last_as_many_hours_as_the_setting_says(caseworker_a: User, anonymous: Client) -> None:
    token_of(anonymous, "amal")
    lifetime = ApiToken.objects.get().expires_at - ApiToken.objects.get().created_at
    assert lifetime == dt.timedelta(hours=1)


@with_whoami
def test_revoking_the_token_in_use_closes_the_api_to_it(caseworker_a: User, anonymous: Client) -> None:
    token, other = token_of(anonymous, "amal"), token_of(anonymous, "amal")
    assert Client().delete(TOKEN_URL, **bearer(token)).status_code == 204
    assert Client().get("/whoami", **bearer(token)).status_code == 401
    assert Client().delete(TOKEN_URL, **bearer(token)).status_code == 401
    assert Client().get("/whoami", **bearer(other)).status_code == 200


@with_whoami
def test_an_unknown_or_malformed_token_is_refused_with_401(caseworker_a: User) -> None:
    real = token_of(Client(), "amal")
    for header in [f"Token {real[:-1]}x", "Token short", "Token", f"Token {real} extra"]:
        assert Client().get("/whoami", HTTP_AUTHORIZATION=header).status_code == 401, header


@with_whoami
def test_the_token_of_a_deactivated_user_is_refused(caseworker_a: User) -> None:
    token = token_of(Client(), "amal")
    User.objects.filter(pk=caseworker_a.pk).update(is_active=False)
    assert Client().get("/whoami", **bearer(token)).status_code == 401


def test_a_stale_token_in_the_header_does_not_stop_her_asking_for_a_new_one(caseworker_a: User) -> None:
    response = Client().post(
        TOKEN_URL,
        {"username": "amal", "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION="Token expired-long-ago-xxxxxxxxxxxx",
    )
    assert response.status_code == 201


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(caseworker_a: User) -> None:
    wrong = ask(Client(), "amal", "not-her-password")
    unknown = ask(Client(), "nobody-by-that-name", "not-her-password")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_five_failures_lock_the_token_endpoint_with_a_retry_after(caseworker_a: User) -> None:
    for _ in range(5):
        ask(Client(), "amal", "not-her-password")
    refused = ask(Client(), "amal")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-in attempts" in refused.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_sign_ins_are_audited_as_coming_from_the_api(caseworker_a: User) -> None:
    ask(Client(), "amal", "not-her-password")
    token_of(Client(), "amal")
    assert list(AuditEntry.objects.order_by("id").values_list("action", "via")) == [
        ("login-failed", "api"),
        ("login", "api"),
    ]


@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_when_two_factor_is_required_a_user_without_a_device_gets_no_token(caseworker_a: User) -> None:
    response = ask(Client(), "amal")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_when_two_factor_is_required_the_token_needs_her_current_code(caseworker_a: User) -> None:
    device = device_for(caseworker_a)
    missing = ask(Client(), "amal")
    assert missing.status_code == 400 and "otp" in missing.json()

    wrong = ask(Client(), "amal", otp="000000" if code_for(device) != "000000" else "111111")
    assert wrong.status_code == 400
    assert not ApiToken.objects.exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert ask(Client(), "amal", otp=code_for(device)).status_code == 201


@with_whoami
@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_a_session_that_still_owes_its_second_factor_is_anonymous_to_the_api(caseworker_a: User) -> None:
    client = Client()
    client.force_login(caseworker_a)
    assert client.get("/whoami").status_code == 401


def test_the_token_endpoint_is_in_the_openapi_schema_with_its_request_and_response(anonymous: Client) -> None:
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][TOKEN_URL]
    assert operation["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TokenRequest")
    assert operation["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TokenResponse"
    )
    assert operation["delete"]["security"] == [{"tokenAuth": []}]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
