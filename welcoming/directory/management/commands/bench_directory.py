from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test import Client

from welcoming.directory.importer import import_dataset
from welcoming.directory.models import Service
from welcoming.directory.packages import read_package
from welcoming.directory.synthetic import generate
from welcoming.places.models import Jurisdiction

QUERIES = [
    "/api/hsds/services?jurisdiction=bench",
    "/api/hsds/services?jurisdiction=bench&search=clinic",
    "/api/hsds/services?jurisdiction=bench&search=عيادة&lang=ar",
    "/api/hsds/services?jurisdiction=bench&search=logement%20aide&lang=fr",
    "/api/hsds/services?jurisdiction=bench&need=legal",
    "/api/hsds/services?jurisdiction=bench&lat=44.2312&lon=-76.486&radius_km=2",
    "/api/hsds/services?jurisdiction=bench&search=food&page=3&per_page=20",
    "/api/hsds/services?jurisdiction=bench&minimal=true&per_page=100",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = (
        "Benchmark the directory: import a synthetic data package of --count services, then p50/p95 of "
        "/api/hsds/services searches next to a trivial DRF endpoint measured in the same run. Prints figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rounds", type=int, default=25)
        parser.add_argument("--reuse", action="store_true", help="skip the import when the bench city exists")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        folder = Path("var") / f"synthetic-{count}-{options['seed']}"
        if not (folder / "datapackage.json").exists():
            generate(folder, count, options["seed"])
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            code="bench", defaults={"name": "Bench", "centre_latitude": 44.2312, "centre_longitude": -76.486}
        )
        if not (options["reuse"] and Service.objects.filter(jurisdiction=jurisdiction).exists()):
            self.bench_import(folder, jurisdiction, count)
        self.bench_queries(count, options["rounds"])

    def bench_import(self, folder: Path, jurisdiction: Jurisdiction, count: int) -> None:
        started = time.perf_counter()
        dataset = read_package(folder)
        report = import_dataset(dataset, jurisdiction=jurisdiction)
        seconds = time.perf_counter() - started
        rows = sum(report.created.values()) + sum(report.updated.values()) + sum(report.unchanged.values())
        self.stdout.write(
            f"import: {count} services, {rows} rows in {seconds:.1f} s "
            f"({'first import' if sum(report.created.values()) else 're-import, unchanged'}; goal <= 60 s)"
        )

    def bench_queries(self, count: int, rounds: int) -> None:
        client = Client()
        for url in [*QUERIES, "/api/hsds/_ping"]:  # warm caches and connections
            client.get(url)
        samples: dict[str, list[float]] = {url: [] for url in [*QUERIES, "/api/hsds/_ping"]}
        for _ in range(rounds):
            for url in samples:
                t0 = time.perf_counter()
                response = client.get(url)
                samples[url].append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
        searches = [v for url, values in samples.items() if url != "/api/hsds/_ping" for v in values]
        trivial = samples["/api/hsds/_ping"]
        for url in QUERIES:
            self.stdout.write(
                f"  p50 {percentile(samples[url], 0.5):6.1f} ms  p95 {percentile(samples[url], 0.95):6.1f} ms  {url}"
            )
        p50, p95 = percentile(searches, 0.5), percentile(searches, 0.95)
        base50, base95 = percentile(trivial, 0.5), percentile(trivial, 0.95)
        self.stdout.write(
            f"services searches at {count}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 <= 50 ms); "
            f"trivial DRF endpoint: p50 {base50:.2f} ms, p95 {base95:.2f} ms; "
            f"ratio p95 {p95 / base95:.1f}x; mean {statistics.mean(searches):.1f} ms"
        )
