"""A staff member's browser for the page tests: Django's test client, signed in."""

from __future__ import annotations

from django.test import Client

from welcoming.accounts.models import User


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser
