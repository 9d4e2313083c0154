from __future__ import annotations

import dataclasses
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.places.selectors import UnknownJurisdiction, default_jurisdiction
from welcoming.triage import evaluation
from welcoming.triage.candidates import records, vocabularies
from welcoming.triage.engine import Engine, Query, ServiceRecord


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Command(BaseCommand):
    help = (
        "Benchmark the triage: engine p50/p95 over the evaluation set with --services services (the demo "
        "city's, repeated across the map), then /api/v1/triage requests per second under gunicorn next to a "
        "hello-world Django view in the same run. Needs the demo city: manage.py load_demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=50_000)
        parser.add_argument("--seconds", type=float, default=8.0, help="load time for each endpoint")
        parser.add_argument("--clients", type=int, default=4)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--http-only", action="store_true", help="skip the engine benchmark (its index takes ~30 s to build)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jurisdiction = default_jurisdiction()
        except UnknownJurisdiction as exc:
            raise CommandError(f"{exc} Load the demo first: manage.py load_demo") from exc
        items = evaluation.read()
        if not options["http_only"]:
            self.bench_engine(records(jurisdiction), items, options["services"])
        self.bench_http(items, options)

    def bench_engine(self, base: list[ServiceRecord], items: list[dict[str, Any]], count: int) -> None:
        rng = random.Random(1)
        services = []
        for index in range(count):
            record = base[index % len(base)]
            copy = dataclasses.replace(record, id=f"{record.id}-{index}")
            if record.latitude is not None and record.longitude is not None:
                copy = dataclasses.replace(
                    copy,
                    latitude=record.latitude + rng.uniform(-0.1, 0.1),
                    longitude=record.longitude + rng.uniform(-0.1, 0.1),
                )
            services.append(copy)
        started = time.perf_counter()
        engine = Engine(vocabularies(), services)
        built = time.perf_counter() - started
        timings = []
        for item in items:
            query = Query(text=item["q"], language=item["lang"], latitude=44.2312, longitude=-76.486, now=(2, 600))
            t0 = time.perf_counter()
            engine.triage(query)
            timings.append((time.perf_counter() - t0) * 1000)
        self.stdout.write(
            f"engine over {count} services (index built in {built:.1f} s), {len(items)} statements: "
            f"p50 {percentile(timings, 0.5):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms "
            f"(goal p95 <= 25 ms), max {max(timings):.1f} ms"
        )

    def bench_http(self, items: list[dict[str, Any]], options: dict[str, Any]) -> None:
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "welcoming.settings", "DJANGO_DEBUG": "false"}
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{settings.DATABASES['default']['NAME']}"
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "welcoming.wsgi",
                "-w",
                str(options["workers"]),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            start_new_session=True,
        )
        try:
            self._wait(port)
            paths = [
                "/api/v1/triage?" + urllib.parse.urlencode({"q": item["q"], "lang": item["lang"]}) for item in items
            ]
            # Warm every worker: one at a time, requests may all land on the same worker, and the
            # other would then build its engine (seconds) inside the measured window. Concurrent
            # requests keep the busy worker from accepting, so each worker gets some.
            self._warm(port, paths[:40], options)
            self._warm(port, ["/healthz"] * 40, options)
            hello = self._load(port, ["/healthz"], options)
            triage = self._load(port, paths, options)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        self.stdout.write(
            f"HTTP under gunicorn ({options['workers']} workers, {options['clients']} clients): "
            f"hello-world view {hello:.0f} req/s, /api/v1/triage {triage:.0f} req/s = "
            f"{100 * triage / hello:.0f} % of it (goal >= 70 %)"
        )

    def _wait(self, port: int) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self._get(port, "/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn did not start")

    @staticmethod
    def _get(port: int, path: str, connection: http.client.HTTPConnection | None = None) -> None:
        conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Accept-Language": "en"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise CommandError(f"{path}: HTTP {response.status}")

    def _warm(self, port: int, paths: list[str], options: dict[str, Any]) -> None:
        clients = max(options["clients"], options["workers"] + 1)

        def client(mine: list[str]) -> None:
            for path in mine:
                self._get(port, path)

        threads = [threading.Thread(target=client, args=(paths[n::clients],)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _load(self, port: int, paths: list[str], options: dict[str, Any]) -> float:
        counts = [0] * options["clients"]
        stop = time.monotonic() + options["seconds"]

        def client(number: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            index = number
            while time.monotonic() < stop:
                self._get(port, paths[index % len(paths)], conn)
                counts[number] += 1
                index += options["clients"]

        threads = [threading.Thread(target=client, args=(n,)) for n in range(options["clients"])]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(counts) / (time.monotonic() - started)
