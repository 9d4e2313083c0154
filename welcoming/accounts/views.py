"""Staff sign-in pages: the password, the code from her authenticator app, and setting one up.

Thin views over `security`; the throttle, the audit and the session handling live there."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from welcoming.accounts import security
from welcoming.accounts.forms import CodeForm, SignInForm
from welcoming.accounts.models import User
from welcoming.lib.qr import qr_svg


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: the page she asked for, if it is on this site."""
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method != "POST" and (owed := security.second_factor_redirect(request, next_url)):
        return owed
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = security.password_step(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"], via="page"
            )
        except security.SignInRefused as refused:
            error = refused.message
        else:
            if security.confirmed_device(user) is not None:
                security.pending_remember(request, user)
                return HttpResponseRedirect(_with_next("staff:two-factor-verify", next_url))
            security.sign_in(request, user, None)
            return security.second_factor_redirect(request, next_url) or HttpResponseRedirect(next_url)
    return render(request, "staff/login.html", {"form": form, "error": error, "next": next_url})


def _user_owing_a_code(request: HttpRequest) -> User | None:
    """Who the code is for: the user whose password was just accepted, or a signed-in user with a
    device whose session has not given its code yet."""
    pending = security.pending_user(request)
    if pending is not None:
        return pending
    user = request.user
    if isinstance(user, User) and security.needs_second_factor(request) and security.confirmed_device(user):
        return user
    return None


@sensitive_post_parameters("code")
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = _user_owing_a_code(request)
    if user is None:
        if request.user.is_authenticated and not security.needs_second_factor(request):
            return HttpResponseRedirect(next_url)
        return redirect_to_login(next_url)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            device = security.code_step(request, user=user, code=form.cleaned_data["code"], via="page")
        except security.SignInRefused as refused:
            error = refused.message
        else:
            security.sign_in(request, user, device)
            return HttpResponseRedirect(next_url)
    return render(request, "staff/two_factor_verify.html", {"form": form, "error": error, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    assert isinstance(user, User)
    next_url = _next_url(request)
    context: dict[str, Any] = {"next": next_url}
    if security.confirmed_device(user) is not None:
        # a second device may only be added by someone who has given the first one's code
        if not security.is_verified(request):
            return HttpResponseRedirect(_with_next("staff:two-factor-verify", next_url))
        return render(request, "staff/two_factor_setup.html", {**context, "active": True})
    device = security.totp_device_for_setup(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.totp_confirm(request, device, form.cleaned_data["code"]):
            messages.success(
                request, _("Two-factor sign-in is on. You will be asked for a code each time you sign in.")
            )
            return HttpResponseRedirect(next_url)
        form.add_error("code", _("That code did not match. Check the time on your phone and try again."))
    context.update(
        {
            "form": form,
            "qr": qr_svg(device.config_url, scale=4, titled=False),
            "secret": security.totp_secret(device),
            "required": settings.WELCOMING_REQUIRE_2FA,
        }
    )
    return render(request, "staff/two_factor_setup.html", context)
