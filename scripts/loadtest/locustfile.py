"""The users of `make loadtest`: newcomers on the portal and staff at work, for locust.

`scripts/loadtest/run.py` starts the app under gunicorn on its own database and runs this file
headless; it can also be run alone against any server loaded with the demo:

    .venv/bin/locust -f scripts/loadtest/locustfile.py -H http://127.0.0.1:8000

Every user walks the pages as a person would, following the links each page offers (a service
from her results, a client from the search, a referral from the inbox) rather than addresses known
in advance, and reads between clicks. Request names are the endpoint groups of the report.
A page that answers with anything but 200 (a redirect to sign-in included) is a failure.

No Django here: this file runs in locust's process (gevent), not in the app's.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
import yaml
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "fr", "ar", "uk", "es", "fa")

# how many of each (run.py sets them; locust's weights, so `-u` of their sum gives exactly these)
VISITORS = int(os.environ.get("LOADTEST_VISITORS", "1000"))
STAFF_SESSIONS = int(os.environ.get("LOADTEST_STAFF", "200"))

# The demo's staff who work with clients; several sessions per user, as on a busy morning.
STAFF_USERS = ("coordinator", "manager-a", "caseworker-a", "caseworker-b")
# Notes belong to an agency (services.note_add): the city's coordinator, who has none, only reads.
WRITERS = {"manager-a", "caseworker-a", "caseworker-b"}
PASSWORD = os.environ.get("DEMO_PASSWORD") or "welcoming-demo"
# one note at most per session, the same words for every session of a user: a long run cannot
# grow the notes without bound (note_add_once keeps a repeat within ten minutes once, and a
# session writes once), while the write path, its lock and its audit entry are still exercised
STAFF_NOTE = "Phoned her back: the appointment is confirmed. (load test)"
NOTE_SHARE = 0.3  # of the client pages a session opens before it has written, how many get a note


def _short_statements() -> list[dict[str, Any]]:
    """Her words, as newcomers typed them in the triage's evaluation set: the short ones."""
    path = ROOT / "welcoming" / "triage" / "eval" / "queries.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["lang"] in LANGUAGES and len(row["q"]) <= 60]


def _demo_names() -> list[str]:
    """Names staff type into the search: the demo families' names, in Latin letters and in their
    own script, so transliterated search is part of the load."""
    demo = yaml.safe_load((ROOT / "welcoming" / "cases" / "demo" / "clients.yaml").read_text(encoding="utf-8"))
    names: set[str] = set()
    for household in demo["households"]:
        for member in household["members"]:
            names.add(member["family_name"])
            if member.get("family_name_latin"):
                names.add(member["family_name_latin"])
    return sorted(names)


STATEMENTS = _short_statements()
NAMES = _demo_names()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEED_TILE = re.compile(r'name="need" value="([a-z-]+)"')
CLIENT_LINK = re.compile(r'href="(/staff/clients/[0-9a-f-]{36}/)"')
REFERRAL_LINK = re.compile(r'href="(/staff/referrals/[0-9a-f-]{36}/)"')
NOTE_FORM = re.compile(r'action="(/staff/clients/[0-9a-f-]{36}/notes/new/)"')
_sessions = itertools.count()

# Every request, for run.py's figures at full load (after the ramp and the sign-ins), which
# locust's own statistics, taken over the whole run, cannot give.
REQUEST_LOG = os.environ.get("LOADTEST_REQUEST_LOG")
_log: dict[str, Any] = {"spawned_at": None, "requests": []}


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, start_time: float, **_: Any) -> None:
    if REQUEST_LOG:
        _log["requests"].append((start_time, name, round(response_time, 1), exception is not None))


@events.spawning_complete.add_listener
def _spawned(**_: Any) -> None:
    _log["spawned_at"] = time.time()


@events.quitting.add_listener
def _write_log(environment: Environment, **_: Any) -> None:
    if REQUEST_LOG:
        Path(REQUEST_LOG).write_text(json.dumps(_log), encoding="utf-8")


def _page(user: FastHttpUser, path: str, name: str) -> str:
    """GET a page; anything but 200 is a failure (redirects are not followed: a session sent
    back to sign-in must not pass for a page)."""
    with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return ""
        return response.text or ""


class PortalVisitor(FastHttpUser):
    """A newcomer, anonymous, in her language. Each visit is one errand, as most are: finding a
    service for her need (a tile, or her own words), reading a guide, or asking the programmes
    screener; then the next visitor comes, with no cookies. Errands rather than one long tour, so
    that every page has its share of the load from the first minute of a bounded run."""

    weight = VISITORS
    # reading a page in what is often her second language, on a phone
    wait_time = between(10, 40)

    def _home(self, language: str) -> str:
        self.client.cookiejar.clear()
        return _page(self, f"/{language}/", "portal: home")

    @task(3)
    def find_a_service(self) -> None:
        statement = random.choice(STATEMENTS) if random.random() < 0.5 else None
        language = statement["lang"] if statement else random.choice(LANGUAGES)
        home = self._home(language)
        self.wait()
        if statement:
            results = _page(self, f"/{language}/find/?{urlencode({'q': statement['q']})}", "portal: find by words")
        else:
            need = random.choice(NEED_TILE.findall(home) or ["health"])
            results = _page(self, f"/{language}/find/?{urlencode({'need': need})}", "portal: find by need")
        services = re.findall(rf'href="(/{language}/services/[0-9a-f-]{{36}}/)"', results)
        if services:
            self.wait()
            _page(self, random.choice(services), "portal: service")

    @task(1)
    def read_a_guide(self) -> None:
        language = random.choice(LANGUAGES)
        self._home(language)
        self.wait()
        listing = _page(self, f"/{language}/guides/", "portal: guides")
        guides = re.findall(rf'href="(/{language}/guides/[a-z0-9-]+/)"', listing)
        if guides:
            self.wait()
            _page(self, random.choice(guides), "portal: guide")

    @task(1)
    def screen_programmes(self) -> None:
        language = random.choice(LANGUAGES)
        self._home(language)
        self.wait()
        _page(self, f"/{language}/programmes/", "portal: programmes")
        self.wait()
        size = random.randint(1, 6)
        answers = {
            "household_size": size,
            "annual_income": random.randrange(8000, 90000, 500),
            "lives_here": "yes" if random.random() < 0.9 else "no",
            "applicant_age": random.randint(18, 75),
            "other_ages": ", ".join(str(random.randint(0, 80)) for _ in range(size - 1)),
        }
        _page(self, f"/{language}/programmes/?{urlencode(answers)}", "portal: programmes answered")


class StaffSession(FastHttpUser):
    """A worker who signs in once through the sign-in form, lands on her home page, then works:
    looks a client up by name and opens her record (now and then adding a note), answers her
    agency's referral inbox, goes through her caseload."""

    weight = STAFF_SESSIONS
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.username = STAFF_USERS[next(_sessions) % len(STAFF_USERS)]
        self.wrote = False
        token = CSRF.search(_page(self, "/staff/login/", "staff: sign-in page"))
        gevent.sleep(random.uniform(3, 8))  # typing her name and password
        form = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": self.username,
            "password": PASSWORD,
            "next": "/staff/",
        }
        with self.client.post(
            "/staff/login/", data=form, name="staff: sign in", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/staff/":
                response.failure(f"{self.username} was not signed in (HTTP {response.status_code})")
                raise StopUser()
        _page(self, "/staff/", "staff: home")
        self.wait()

    @task(3)
    def look_up_a_client(self) -> None:
        found = _page(self, f"/staff/clients/?{urlencode({'q': random.choice(NAMES)})}", "staff: client search")
        self._open_a_client(found)

    @task(2)
    def answer_the_inbox(self) -> None:
        inbox = REFERRAL_LINK.findall(_page(self, "/staff/referrals/", "staff: referral inbox"))
        if inbox:
            self.wait()
            _page(self, random.choice(inbox), "staff: referral page")

    @task(1)
    def go_through_the_caseload(self) -> None:
        self._open_a_client(_page(self, "/staff/caseload/", "staff: caseload"))

    @task(1)
    def back_home(self) -> None:
        _page(self, "/staff/", "staff: home")

    def _open_a_client(self, listing: str) -> None:
        clients = CLIENT_LINK.findall(listing)
        if not clients:
            return
        self.wait()
        record = _page(self, random.choice(clients), "staff: client page")
        note_form, token = NOTE_FORM.search(record), CSRF.search(record)
        writes = self.username in WRITERS and not self.wrote
        if note_form and token and writes and random.random() < NOTE_SHARE:
            self.wait()
            self._add_note(note_form.group(1), token.group(1))

    def _add_note(self, action: str, token: str) -> None:
        form = {"csrfmiddlewaretoken": token, "text": STAFF_NOTE}
        with self.client.post(
            action, data=form, name="staff: add a note", allow_redirects=False, catch_response=True
        ) as response:
            # saved (or kept once, as a repeat) → back to her record's notes
            if response.status_code != 302 or "/notes/new/" in response.headers.get("Location", "/notes/new/"):
                response.failure(f"the note was not saved (HTTP {response.status_code})")
        self.wrote = True
