"""The sign-in forms: input only; the checks themselves are in `security`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, max_length=4096, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*(\d\s*){6,8}$",
        error_messages={"invalid": _("Enter the 6-digit code your authenticator app shows.")},
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())
