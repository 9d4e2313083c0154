"""Uploads of evidence: only PDF, JPEG and PNG known by their content, within the size limit,
kept outside the web root under our own name; downloads only for staff who hold her record,
audited, as attachments the browser may not sniff."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.cases import programme_services, uploads
from welcoming.cases import services as case_services
from welcoming.cases.models import Application, Client, Document
from welcoming.cases.programme_services import Declared
from welcoming.cases.services import Invalid, Person
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def png() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML_THEN_PDF = b"<html><body><script>fetch('/staff/')</script></body></html>\n" + PDF
PDF_WITH_HTML = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n" + PDF[9:]


@pytest.fixture
def amina(riverton: Jurisdiction, caseworker_a: User) -> Client:
    return case_services.client_register(
        actor=actor_for(caseworker_a, riverton), person=Person(given_name="Amina"), consent_method="verbal"
    )


def _upload(riverton: Jurisdiction, user: User, client: Client, name: str, content: bytes) -> Document:
    return programme_services.document_upload(
        actor=actor_for(user, riverton),
        client=client,
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
        kind="income",
    )


def test_a_real_pdf_is_kept_outside_the_web_root_under_a_name_of_our_making(
    riverton: Jurisdiction, caseworker_a: User, amina: Client, private_files: Path
) -> None:
    document = _upload(riverton, caseworker_a, amina, "../../Amina pay slip.PDF", PDF)
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.file.name == f"documents/{amina.pk}/{document.pk}.pdf"
    kept = private_files / "documents" / str(amina.pk) / f"{document.pk}.pdf"
    assert kept.read_bytes() == PDF
    assert AuditEntry.objects.filter(record_type="cases.document", action="create", client_id=amina.pk).exists()


def test_jpeg_and_png_are_accepted_by_their_content(
    riverton: Jurisdiction, caseworker_a: User, amina: Client, private_files: Path
) -> None:
    assert _upload(riverton, caseworker_a, amina, "photo.jpeg", JPEG).content_type == "image/jpeg"
    assert _upload(riverton, caseworker_a, amina, "scan.png", png()).content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("payslip.pdf", HTML_THEN_PDF, "none of them"),
        ("payslip.pdf", PDF_WITH_HTML, "web page code"),
        ("letter.svg", SVG, "none of them"),
        ("letter.png", SVG, "none of them"),
        ("page.html", b"<!doctype html><title>x</title>", "none of them"),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "none of them"),
        ("script.js", b"alert(1)", "none of them"),
        ("empty.pdf", b"", "empty"),
        ("photo.pdf", JPEG, "its content is a JPEG file"),
        ("scan.jpg", PDF, "its content is a PDF file"),
        ("scan", png(), "its content is a PNG file"),
    ],
)
def test_hostile_or_mistaken_uploads_are_refused_with_a_clear_reason(
    riverton: Jurisdiction,
    caseworker_a: User,
    amina: Client,
    private_files: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    with pytest.raises(Invalid) as refused:
        _upload(riverton, caseworker_a, amina, name, content)
    assert message in refused.value.errors["file"]
    assert not Document.objects.exists()
    assert not any(path.is_file() for path in private_files.rglob("*"))


def test_a_file_over_the_size_limit_is_refused_and_says_the_limit(
    riverton: Jurisdiction, caseworker_a: User, amina: Client, private_files: Path, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(Invalid) as refused:
        _upload(riverton, caseworker_a, amina, "big.pdf", PDF + b"%" * 1024)
    assert "the largest accepted is 1.0\xa0KB" in refused.value.errors["file"]
    assert _upload(riverton, caseworker_a, amina, "small.pdf", PDF).size == len(PDF)


def test_the_content_decides_not_the_name_or_the_type_the_browser_sent() -> None:
    assert uploads.sniff(PDF) == "application/pdf"
    assert uploads.sniff(SVG) is None
    assert uploads.check("a.JPG", len(JPEG), JPEG).content_type == "image/jpeg"
    with pytest.raises(uploads.UploadRefused):
        uploads.check("a.pdf", len(SVG), SVG)


def test_an_upload_on_the_application_page_is_checked_and_linked_to_the_application(
    riverton: Jurisdiction, caseworker_a: User, amina: Client, private_files: Path
) -> None:
    programme_services.load_demo_programmes(riverton)
    application = programme_services.application_submit(
        actor=actor_for(caseworker_a, riverton),
        applicant=amina,
        declared=Declared(household_size=1, annual_income=20_000, lives_here=True, applicant_age=30),
    )
    browser = Browser()
    browser.force_login(caseworker_a)
    path = f"/staff/fair-entry/{application.pk}/documents/"
    refused = browser.post(path, {"kind": "income", "file": SimpleUploadedFile("slip.pdf", HTML_THEN_PDF)})
    assert refused.status_code == 400
    assert "Only PDF, JPEG and PNG files are accepted" in refused.content.decode()
    kept = browser.post(path, {"kind": "income", "file": SimpleUploadedFile("slip.pdf", PDF)})
    assert kept.status_code == 302
    assert list(Application.objects.get().documents.values_list("content_type", flat=True)) == ["application/pdf"]


def test_a_download_is_an_audited_attachment_that_cannot_be_sniffed(
    riverton: Jurisdiction, caseworker_a: User, amina: Client, private_files: Path
) -> None:
    document = _upload(riverton, caseworker_a, amina, "slip.pdf", PDF)
    browser = Browser()
    browser.force_login(caseworker_a)
    response = browser.get(f"/staff/documents/{document.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Amina" not in response["Content-Disposition"]
    read = AuditEntry.objects.filter(action="read", record_type="cases.document", record_id=str(document.pk))
    assert list(read.values_list("username", "client_id")) == [("amal", amina.pk)]


def test_a_caseworker_of_another_agency_gets_404_and_nothing_is_logged_as_read(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, analyst: User, amina: Client, private_files: Path
) -> None:
    document = _upload(riverton, caseworker_a, amina, "slip.pdf", PDF)
    for outsider in (caseworker_b, analyst):
        browser = Browser()
        browser.force_login(outsider)
        assert browser.get(f"/staff/documents/{document.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="read", record_type="cases.document").exists()
    assert Browser().get(f"/staff/documents/{document.pk}/").status_code == 302  # to the sign-in page
