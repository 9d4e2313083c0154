"""Signing staff in and keeping them safely signed in: the login throttle, the second factor (TOTP),
API tokens, the idle timeout, and the relaxed content security policy of the API documentation.

Views (accounts/views.py) and the API (accounts/api.py) stay thin over the functions here.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time
from base64 import b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, REDIRECT_FIELD_NAME, SESSION_KEY, authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from welcoming.accounts.models import ApiToken, AuditEntry, LoginAttempt, User

# session keys of this module
PENDING_KEY = "welcoming.pending_sign_in"  # password accepted, code still to come
SEEN_KEY = "welcoming.seen"  # last request of a signed-in user (epoch seconds)

# how long the code step may follow the password step
PENDING_SECONDS = 5 * 60
# the idle clock is written at most this often, so a busy page does not write the session on every request
SEEN_RESOLUTION_SECONDS = 60
# the part of a token kept in clear, to find its row
TOKEN_PREFIX_LENGTH = 8


# --- the login throttle --------------------------------------------------------------------------


class SignInRefused(Exception):
    """The name, password or code was wrong, or too many attempts were made recently.

    The message is the same whether or not the username exists.
    """

    def __init__(self, retry_after: int | None = None, *, reason: str = "") -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.reason = reason

    @property
    def locked(self) -> bool:
        return self.retry_after is not None

    @property
    def message(self) -> str:
        if self.retry_after is None:
            if self.reason == "wrong code":
                return _("That code did not match. Check the time on your phone and try again.")
            return _("The username and password did not match. Please try again.")
        minutes = max(1, -(-self.retry_after // 60))
        return ngettext(
            "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
            "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from. Behind `WELCOMING_TRUSTED_PROXIES` proxies, the address the
    nearest of them saw (further left in X-Forwarded-For is whatever the client chose to send)."""
    proxies = settings.WELCOMING_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:150]


def _wait_for(*, now: datetime.datetime, **key: str) -> int:
    """Seconds until one more attempt is allowed for this username or address, 0 when it is.

    Locked when the last `limit` attempts in the window all failed; a success ends the run."""
    limit = settings.WELCOMING_LOGIN_MAX_FAILURES
    window = datetime.timedelta(seconds=settings.WELCOMING_LOGIN_WINDOW_SECONDS)
    recent = list(
        LoginAttempt.objects.filter(**key, at__gt=now - window)
        .order_by("-at", "-id")
        .values_list("at", "succeeded")[:limit]
    )
    if len(recent) < limit or any(succeeded for _at, succeeded in recent):
        return 0
    oldest = recent[-1][0]
    return max(1, int((oldest + window - now).total_seconds()) + 1)


def lockout_remaining(username: str, address: str | None) -> int:
    now = timezone.now()
    waits = [_wait_for(now=now, username=_throttle_key(username))]
    if address:
        waits.append(_wait_for(now=now, address=address))
    return max(waits)


def _user_id(username: str) -> int | None:
    return User.objects.filter(username=username).values_list("pk", flat=True).first()


def _audit_sign_in(action: str, *, username: str, user_id: int | None, via: str, why: str = "") -> None:
    # sign-ins happen before there is an Actor (no jurisdiction yet), so the entry is written here
    AuditEntry.objects.create(
        user_id=user_id,
        username=username[:150],
        action=action,
        record_type="user",
        record_id=str(user_id or ""),
        purpose=why,
        via=via,
    )


def _prune(now: datetime.datetime) -> None:
    # the throttle looks back minutes; a day of attempts is plenty to read in the admin
    LoginAttempt.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()


def _failed(request: HttpRequest, *, username: str, via: str, reason: str) -> SignInRefused:
    address = client_address(request)
    with transaction.atomic():
        _prune(timezone.now())
        LoginAttempt.objects.create(username=_throttle_key(username), address=address, succeeded=False)
        _audit_sign_in(
            AuditEntry.Action.LOGIN_FAILED, username=username, user_id=_user_id(username), via=via, why=reason
        )
    wait = lockout_remaining(username, address)
    return SignInRefused(wait or None, reason=reason)


def password_step(request: HttpRequest, *, username: str, password: str, via: str) -> User:
    """The user whose password this is, unless the name or address is locked out.

    Raises `SignInRefused`. Signs nobody in: `sign_in` or `token_issue` does, after the code step."""
    wait = lockout_remaining(username, client_address(request))
    if wait:
        # refused attempts are audited but not counted, so the lock lifts when the window has passed
        _audit_sign_in(
            AuditEntry.Action.LOGIN_FAILED, username=username, user_id=_user_id(username), via=via, why="locked"
        )
        raise SignInRefused(wait, reason="locked")
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        raise _failed(request, username=username, via=via, reason="wrong password")
    return user


def code_step(request: HttpRequest, *, user: User, code: str, via: str) -> TOTPDevice:
    """The device that accepts this code. Wrong codes count towards the same lock as wrong passwords."""
    username = user.get_username()
    wait = lockout_remaining(username, client_address(request))
    if wait:
        _audit_sign_in(AuditEntry.Action.LOGIN_FAILED, username=username, user_id=user.pk, via=via, why="locked")
        raise SignInRefused(wait, reason="locked")
    code = "".join(code.split())
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if isinstance(verified, TOTPDevice):
            return verified
    raise _failed(request, username=username, via=via, reason="wrong code")


def signed_in(request: HttpRequest, user: User, *, via: str) -> None:
    """Records a completed sign-in: it ends the run of failures for her name and address."""
    now = timezone.now()
    with transaction.atomic():
        LoginAttempt.objects.create(
            username=_throttle_key(user.get_username()), address=client_address(request), succeeded=True, at=now
        )
        _audit_sign_in(AuditEntry.Action.LOGIN, username=user.get_username(), user_id=user.pk, via=via)
        _prune(now)


def sign_in(request: HttpRequest, user: User, device: TOTPDevice | None, *, via: str = "page") -> None:
    """Signs her in to a fresh session (Django's `login` cycles the session key), verified by
    `device` when she has one."""
    pending = request.session.get(PENDING_KEY) or {}
    backend = getattr(user, "backend", None) or pending.get("backend") or request.session.get(BACKEND_SESSION_KEY)
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    request.session[SEEN_KEY] = int(time.time())
    signed_in(request, user, via=via)


def pending_remember(request: HttpRequest, user: User) -> None:
    """The password was right and she has a device: the code comes next, within a few minutes."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "at": int(time.time()),
    }


def pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None and pending.get("backend"):
        user.backend = pending["backend"]
    return user


# --- the second factor ---------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed a second factor (set by django_otp's OTPMiddleware)."""
    return getattr(request.user, "otp_device", None) is not None


def needs_second_factor(request: HttpRequest) -> bool:
    """A signed-in user who must still give a code: always when she has a device (her choice
    protects her everywhere), and without one when the site requires two-factor sign-in."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    cached = getattr(request, "_welcoming_needs_second_factor", None)
    if cached is None:
        cached = bool(settings.WELCOMING_REQUIRE_2FA) or confirmed_device(user) is not None
        request._welcoming_needs_second_factor = cached  # type: ignore[attr-defined]
    return bool(cached)


def second_factor_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponse | None:
    """Where a signed-in user who still owes a code goes first: the code step when she has a device,
    the setup page when she has none. None when she may go on."""
    if not needs_second_factor(request):
        return None
    has_device = confirmed_device(request.user) is not None  # type: ignore[arg-type]
    target = reverse("staff:two-factor-verify" if has_device else "staff:two-factor")
    return HttpResponseRedirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url or request.get_full_path()})}")


def totp_device_for_setup(user: User) -> TOTPDevice:
    """Her unconfirmed device, made once and kept until she confirms it with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_confirm(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Turns two-factor sign-in on for her when the code matches, and counts this session as verified."""
    with transaction.atomic():
        if not device.verify_token("".join(code.split())):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        user = request.user
        _audit_sign_in(
            AuditEntry.Action.UPDATE, username=user.get_username(), user_id=user.pk, via="page", why="two-factor on"
        )
    otp_login(request, device)
    request.session.cycle_key()
    return True


# --- API tokens ----------------------------------------------------------------------------------


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue(user: User) -> tuple[str, ApiToken]:
    """A new token for her: the token itself, shown once, and its row (which holds only the digest)."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        digest=_digest(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.WELCOMING_API_TOKEN_HOURS),
    )
    return raw, token


def token_find(raw: str) -> ApiToken | None:
    """The live token this string is, or None (unknown, expired, revoked, or its user deactivated)."""
    if len(raw) <= TOKEN_PREFIX_LENGTH:
        return None
    digest = _digest(raw)
    now = timezone.now()
    for token in ApiToken.objects.filter(prefix=raw[:TOKEN_PREFIX_LENGTH]).select_related("user"):
        if hmac.compare_digest(token.digest, digest):
            if not token.is_usable(now) or not token.user.is_active:
                return None
            if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            return token
    return None


def token_revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- sessions: idle timeout, and the admin behind the same sign-in -----------------------------


class StaffSessionMiddleware:
    """Signs out a user idle for `WELCOMING_STAFF_IDLE_SECONDS`, and puts the admin behind the
    staff sign-in: its own login page (which knows nothing of the throttle or codes) sends people
    to ours, and its pages need the second factor exactly as staff pages do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # without a session cookie there is nobody to sign out; not touching the session then keeps
        # `Vary: Cookie` off the portal's anonymous pages
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_KEY in request.session:
            self._idle_check(request)
        return self.get_response(request)

    @staticmethod
    def _idle_check(request: HttpRequest) -> None:
        now = int(time.time())
        seen = request.session.get(SEEN_KEY)
        idle = settings.WELCOMING_STAFF_IDLE_SECONDS
        if isinstance(seen, int) and now - seen > idle:
            logout(request)
            minutes = max(1, idle // 60)
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity.",
                    "You were signed out after %(minutes)d minutes without activity.",
                    minutes,
                )
                % {"minutes": minutes},
                fail_silently=True,
            )
        elif not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_KEY] = now

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if match.url_name == "login":
            return redirect_to_login(
                request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), login_url=reverse("staff:login")
            )
        if match.url_name == "logout":
            return None
        return second_factor_redirect(request)


# --- content security policy ---------------------------------------------------------------------

# Redoc styles itself with inline <style> elements, runs its search in a worker from a blob: URL and
# draws some icons as data: images; everything else on the site keeps the strict policy.
API_DOCS_POLICY = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"], "img-src": [SELF, "data:"]}


def relaxed_for_api_docs(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    return csp_update(API_DOCS_POLICY)(view)
