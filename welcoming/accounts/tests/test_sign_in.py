"""Staff sign-in: the throttle, the second factor, the idle timeout, and the headers every page carries."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from welcoming.accounts import security
from welcoming.accounts.models import AuditEntry, LoginAttempt, User
from welcoming.places.tests.test_settings import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"  # the shared cast's (welcoming/conftest.py)
LOGIN = "/staff/login/"
HOME = "/staff/"
LOCKED = "Too many failed sign-in attempts"
WRONG = "The username and password did not match"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def time_passes(minutes: int) -> None:
    """Moves every recorded attempt into the past, as if `minutes` had gone by."""
    for attempt in LoginAttempt.objects.all():
        LoginAttempt.objects.filter(pk=attempt.pk).update(at=attempt.at - dt.timedelta(minutes=minutes))


# --- password and throttle -------------------------------------------------------------------------


def test_a_caseworker_signs_in_with_her_password_and_reaches_the_staff_home(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    response = sign_in(anonymous, "amal")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    assert anonymous.get(HOME).status_code == 200


def test_signing_in_gives_her_a_new_session_key(riverton: Any, caseworker_a: User, anonymous: Client) -> None:
    anonymous.get(LOGIN)
    anonymous.session.save()
    before = anonymous.session.session_key
    sign_in(anonymous, "amal")
    assert anonymous.session.session_key != before


def test_she_is_sent_back_to_the_page_she_asked_for_but_never_to_another_site(
    riverton: Any, caseworker_a: User
) -> None:
    assert sign_in(Client(), "amal", next="/staff/?page=2")["Location"] == "/staff/?page=2"
    assert sign_in(Client(), "amal", next="https://evil.example/")["Location"] == reverse("staff:home")


def test_five_wrong_passwords_lock_her_name_and_then_even_the_right_one_is_refused_until_the_window_passes(
    riverton: Any, caseworker_a: User
) -> None:
    for _ in range(4):
        assert WRONG in sign_in(Client(), "amal", "not-her-password").content.decode()
    assert LOCKED in sign_in(Client(), "amal", "not-her-password").content.decode()

    refused = sign_in(Client(), "amal")
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session

    time_passes(14)
    assert LOCKED in sign_in(Client(), "amal").content.decode()
    time_passes(2)
    assert sign_in(Client(), "amal").status_code == 302


def test_the_lock_holds_whatever_the_case_of_the_name(riverton: Any, caseworker_a: User) -> None:
    for number, name in enumerate(["amal", "AMAL", "Amal", " amal", "aMal"]):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{number}"), name, "not-her-password")
    assert LOCKED in sign_in(Client(REMOTE_ADDR="10.9.9.9"), "amal").content.decode()


def test_five_failures_from_one_address_lock_that_address_for_every_name(
    riverton: Any, caseworker_a: User, caseworker_b: User
) -> None:
    for name in ["x1", "x2", "x3", "x4", "x5"]:
        sign_in(Client(REMOTE_ADDR="203.0.113.7"), name, "guess")
    assert LOCKED in sign_in(Client(REMOTE_ADDR="203.0.113.7"), "bilal").content.decode()
    assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), "bilal").status_code == 302


def test_a_successful_sign_in_ends_the_run_of_failures(riverton: Any, caseworker_a: User) -> None:
    for _ in range(4):
        sign_in(Client(), "amal", "not-her-password")
    assert sign_in(Client(), "amal").status_code == 302
    for _ in range(4):
        sign_in(Client(), "amal", "not-her-password")
    assert sign_in(Client(), "amal").status_code == 302


def test_an_unknown_name_gets_exactly_the_answer_a_wrong_password_gets(riverton: Any, caseworker_a: User) -> None:
    def answers(username: str) -> list[tuple[int, str]]:
        seen: list[tuple[int, str]] = []
        for _ in range(6):
            response = sign_in(Client(REMOTE_ADDR=f"192.0.2.{len(seen)}"), username, "not-the-password")
            body = CSRF_TOKEN.sub("", response.content.decode().replace(username, "NAME"))
            seen.append((response.status_code, body.split("</header>")[1]))
        return seen

    assert answers("amal") == answers("nobody-by-that-name")


def test_sign_ins_and_failures_are_in_the_audit_log_without_the_password(riverton: Any, caseworker_a: User) -> None:
    sign_in(Client(), "amal", "my-secret-guess")
    sign_in(Client(), "amal")
    failed, succeeded = AuditEntry.objects.order_by("id")
    assert (failed.action, failed.username, failed.user_id, failed.via) == (
        "login-failed",
        "amal",
        caseworker_a.pk,
        "page",
    )
    assert (succeeded.action, succeeded.user_id) == ("login", caseworker_a.pk)
    for entry in (failed, succeeded):
        assert "my-secret-guess" not in str(entry.__dict__)
        assert PASSWORD not in str(entry.__dict__)


def test_signing_out_is_a_post_and_ends_the_session(riverton: Any, caseworker_a: User, anonymous: Client) -> None:
    sign_in(anonymous, "amal")
    assert anonymous.get("/staff/logout/").status_code == 405
    assert anonymous.post("/staff/logout/").status_code == 302
    assert anonymous.get(HOME).status_code == 302


# --- the second factor -----------------------------------------------------------------------------


@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_when_two_factor_is_required_she_sets_it_up_before_any_other_staff_page(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    response = sign_in(anonymous, "amal")
    assert response["Location"].startswith(reverse("staff:two-factor"))
    home = anonymous.get(HOME)
    assert home.status_code == 302 and home["Location"].startswith(reverse("staff:two-factor"))

    setup = anonymous.get(reverse("staff:two-factor"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=caseworker_a, confirmed=False)
    assert security.totp_secret(device) in setup.content.decode()
    assert "<svg" in setup.content.decode()

    wrong = anonymous.post(
        reverse("staff:two-factor"), {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert anonymous.get(HOME).status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    confirmed = anonymous.post(reverse("staff:two-factor"), {"code": code_for(device)})
    assert confirmed.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert anonymous.get(HOME).status_code == 200


@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_with_a_device_the_password_alone_does_not_sign_her_in_and_a_correct_code_does(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    device = device_for(caseworker_a)
    response = sign_in(anonymous, "amal", next="/staff/?from=login")
    assert response["Location"].startswith(reverse("staff:two-factor-verify"))
    assert "_auth_user_id" not in anonymous.session
    assert anonymous.get(HOME).status_code == 302

    verified = anonymous.post(
        reverse("staff:two-factor-verify"), {"code": code_for(device), "next": "/staff/?from=login"}
    )
    assert verified.status_code == 302
    assert verified["Location"] == "/staff/?from=login"
    assert anonymous.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="login", user_id=caseworker_a.pk).count() == 1


def test_in_demo_mode_she_is_still_asked_for_her_code_once_she_has_set_up_a_device(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    device_for(caseworker_a)
    assert sign_in(anonymous, "amal")["Location"].startswith(reverse("staff:two-factor-verify"))
    assert anonymous.get(HOME).status_code == 302


def test_wrong_codes_count_towards_the_lock(riverton: Any, caseworker_a: User, anonymous: Client) -> None:
    device = device_for(caseworker_a)
    sign_in(anonymous, "amal")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        answer = anonymous.post(reverse("staff:two-factor-verify"), {"code": wrong})
    assert LOCKED in answer.content.decode()
    assert LOCKED in anonymous.post(reverse("staff:two-factor-verify"), {"code": code_for(device)}).content.decode()
    assert anonymous.get(HOME).status_code == 302


def test_the_code_step_expires_a_few_minutes_after_the_password(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    device = device_for(caseworker_a)
    sign_in(anonymous, "amal")
    session = anonymous.session
    session[security.PENDING_KEY] = {**session[security.PENDING_KEY], "at": int(time.time()) - 6 * 60}
    session.save()
    response = anonymous.post(reverse("staff:two-factor-verify"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert anonymous.get(HOME).status_code == 302


def test_someone_owing_the_code_of_her_device_cannot_set_up_another_one(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    device_for(caseworker_a)
    anonymous.force_login(caseworker_a)  # e.g. through a session that never gave its code
    response = anonymous.get(reverse("staff:two-factor"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:two-factor-verify"))
    assert TOTPDevice.objects.filter(user=caseworker_a).count() == 1


@override_settings(WELCOMING_REQUIRE_2FA=True)
def test_when_two_factor_is_required_the_admin_needs_it_too(admin_user: User, anonymous: Client) -> None:
    anonymous.force_login(admin_user)
    response = anonymous.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:two-factor"))

    device = device_for(admin_user)
    anonymous.post(LOGIN, {"username": "ada", "password": PASSWORD})
    anonymous.post(reverse("staff:two-factor-verify"), {"code": code_for(device)})
    assert anonymous.get("/admin/").status_code == 200


def test_the_admin_login_page_sends_people_to_the_staff_sign_in(anonymous: Client) -> None:
    response = anonymous.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/accounts/user/"


# --- the idle timeout ------------------------------------------------------------------------------


def seen_minutes_ago(client: Client, minutes: int) -> None:
    session = client.session
    session[security.SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_after_thirty_idle_minutes_she_is_signed_out(riverton: Any, caseworker_a: User, anonymous: Client) -> None:
    sign_in(anonymous, "amal")
    seen_minutes_ago(anonymous, 29)
    assert anonymous.get(HOME).status_code == 200
    seen_minutes_ago(anonymous, 31)
    response = anonymous.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in anonymous.session


@override_settings(WELCOMING_STAFF_IDLE_SECONDS=120)
def test_the_idle_timeout_is_a_setting(riverton: Any, caseworker_a: User, anonymous: Client) -> None:
    sign_in(anonymous, "amal")
    seen_minutes_ago(anonymous, 3)
    assert anonymous.get(HOME).status_code == 302


# --- headers ---------------------------------------------------------------------------------------


def test_portal_and_staff_pages_carry_a_strict_content_security_policy(
    riverton: Any, caseworker_a: User, anonymous: Client
) -> None:
    staff = Client()
    staff.force_login(caseworker_a)
    for response in (anonymous.get("/en/privacy/"), anonymous.get(LOGIN), staff.get(HOME)):
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_anonymous_visitors_are_not_given_a_session_by_the_idle_check(anonymous: Client) -> None:
    response = anonymous.get("/healthz")
    assert "Content-Security-Policy" in response
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_attempts_older_than_a_day_are_pruned(riverton: Any, caseworker_a: User) -> None:
    sign_in(Client(), "amal", "not-her-password")
    time_passes(25 * 60)
    sign_in(Client(), "amal", "not-her-password")
    assert LoginAttempt.objects.count() == 1


def test_only_the_api_documentation_relaxes_the_policy_for_its_styles(anonymous: Client) -> None:
    policy = anonymous.get("/api/docs/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src" not in policy  # its scripts still come from this site only
    assert "frame-ancestors 'none'" in policy


def test_production_mode_requires_two_factor_and_secure_cookies_hsts_and_the_policy() -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.WELCOMING_REQUIRE_2FA, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.WELCOMING_TRUSTED_PROXIES, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'])"
    )
    result = run_manage("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True True True True 1 [\"'none'\"]"


def test_passwords_are_hashed_with_argon2id_at_owasp_strength_and_older_hashes_are_upgraded(settings: Any) -> None:
    from argon2 import extract_parameters

    import welcoming.settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # the suite's quick hasher aside
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

    encoded = make_password("a-long-password-1")
    assert encoded.startswith("argon2$argon2id$")
    parameters = extract_parameters(encoded.removeprefix("argon2"))
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)

    older = Argon2PasswordHasher().encode("a-long-password-1", Argon2PasswordHasher().salt())
    upgraded: list[str] = []
    assert check_password("a-long-password-1", older, setter=upgraded.append)
    assert upgraded == ["a-long-password-1"]
