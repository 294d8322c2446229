"""Imports sent from the web and the API: the file is kept, a task queued on the database queue, and the worker
(run here in-process, as `secretariat worker` runs it) sends every paper through its use case; the batch's page
and GET /api/imports/{id} say how far it got. Missing and not yours look the same; bad files change nothing."""

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from secretariat.accounts import services as accounts
from secretariat.archive import services as archive
from secretariat.archive.models import ArchiveUnit, Item
from secretariat.audit.models import AuditEvent
from secretariat.imports import services
from secretariat.imports.models import ImportBatch
from secretariat.kernel import batches
from secretariat.kernel.principals import principal_by_username
from secretariat.registry.models import Document
from secretariat.web.worker import run_queued
from tests.api.conftest import Api
from tests.archive.corpus import FILES


def _txt(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _entries(*numbers: str, marking: str = "CONFIDENTIAL") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "title", "classification", "kind", "dated", "pages", "distribution", "text"])
    for number in numbers:
        writer.writerow([number, f"Note {number}", marking, "note", "1977-03-01", "1", "gromyko", "Grain."])
    return out.getvalue().encode()


@pytest.fixture
def archivist_page(demo, login):
    return login("archivist")


def test_transcriptions_sent_from_the_desk_are_queued_then_imported_by_the_worker(archivist_page):
    sent = [_txt(p) for p in FILES[:2]] + [SimpleUploadedFile("zz-latin1.txt", "Résumé".encode("latin-1"))]
    queued, imported = _events("import.queued"), _events("archive.imported")
    response = archivist_page.post(
        "/imports/transcriptions/", {"files": sent, "into": "TsKhSD/89/25", "classification": "SECRET"}, follow=True
    )
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == f"/imports/{batch.pk}/"
    assert f"Import {batch.pk} queued" in response.content.decode()
    assert 'hx-trigger="every 2s"' in response.content.decode()  # the page follows the batch while it runs
    assert (batch.state, batch.total, batch.source) == ("queued", 3, "3 files")
    assert _events("import.queued") == queued + 1 and _events("archive.imported") == imported  # not yet
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    assert run_queued() == 1
    batch.refresh_from_db()
    assert (batch.state, batch.processed, batch.imported, batch.skipped) == ("finished", 3, 2, 0)
    assert [r["key"] for r in batch.refused] == ["upload/zz-latin1.txt"] and "UTF-8" in batch.refused[0]["reason"]
    assert _events("archive.imported") == imported + 2  # each paper through its use case, with its event
    finished = AuditEvent.objects.get(action="import.finished")
    assert finished.data == {"imported": 2, "skipped": 0, "refused": 1} and finished.actor.username == "archivist"
    assert Item.objects.filter(transcription__source__startswith="upload/").count() == 2
    page = archivist_page.get(f"/imports/{batch.pk}/").content.decode()
    assert "2 imported, 0 there already, 1 refused." in page and "upload/zz-latin1.txt" in page
    assert "hx-trigger" not in page  # done: no more polling


def test_a_zip_sent_to_the_api_is_imported_and_followed_there(demo):
    api = Api(accounts.issue_token(principal_by_username("archivist"), "tests").secret)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for path in FILES[:3]:
            z.writestr(f"papers/{path.name}", path.read_bytes())
        z.writestr("papers/readme.md", b"not a transcription")
    upload = SimpleUploadedFile("batch.zip", buffer.getvalue(), content_type="application/zip")
    response = api.client.post(
        "/api/imports",
        {"kind": "transcriptions", "into": "TsKhSD/89/90", "classification": "S", "files": [upload]},
        headers=api.headers,
    )
    assert response.status_code == 201, response.content
    told = response.json()
    assert (told["state"], told["total"], told["source"], told["processed"]) == ("queued", 3, "batch.zip", 0)
    run_queued()
    told = api.get(f"/imports/{told['id']}").json()
    assert (told["state"], told["imported"], told["refused"], told["resumable"]) == ("finished", 3, [], False)
    items = Item.objects.filter(transcription__source__startswith="batch/papers/")
    assert items.count() == 3 and {i.unit.parent.identifier for i in items} == {"90"}  # its files, under opis 90
    assert [b["id"] for b in api.get("/imports").json()] == [told["id"]]


def test_register_entries_go_in_by_the_registrars_rules(demo, login):
    registrar = login("registrar")
    registered = _events("document.registered")
    entries = _entries("OLD-1", "OLD-2") + b"OLD-3,Bad,VERY SECRET,note,1977-03-01,1,,x\r\n"
    response = registrar.post(
        "/imports/entries/", {"file": SimpleUploadedFile("old.csv", entries, content_type="text/csv")}, follow=True
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 200 and batch.total == 3
    run_queued()
    batch.refresh_from_db()
    assert (batch.imported, [r["key"] for r in batch.refused]) == (2, ["OLD-3"])
    assert _events("document.registered") == registered + 2
    assert Document.objects.get(number="OLD-1").distribution.count() == 1


def test_a_batch_is_its_senders_alone_and_the_desk_is_for_archivists_and_registrars(archivist_page, login):
    archivist_page.post("/imports/transcriptions/", {"files": [_txt(FILES[0])]})
    batch = ImportBatch.objects.get()
    registrar = login("registrar")
    for path in (f"/imports/{batch.pk}/", f"/imports/{batch.pk}/progress/", f"/imports/{batch.pk + 1}/"):
        assert registrar.get(path).status_code == 404
    assert registrar.post(f"/imports/{batch.pk}/resume/").status_code == 404
    assert login("gromyko").get("/imports/").status_code == 404  # a member keeps no register, no archive
    assert "Import register entries" in registrar.get("/imports/").content.decode()
    assert "Import transcriptions" not in registrar.get("/imports/").content.decode()
    stranger = Api(accounts.issue_token(principal_by_username("registrar"), "tests").secret)
    assert stranger.get(f"/imports/{batch.pk}").status_code == 404
    assert stranger.get("/imports").json() == []


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([SimpleUploadedFile("scan.pdf", b"%PDF-1.7 ...")], "neither a transcription"),
        ([SimpleUploadedFile("batch.zip", b"PK\x03\x04 broken")], "not a ZIP file"),
        ([], "This field is required"),
    ],
)
def test_files_that_cannot_be_a_batch_are_refused_and_nothing_is_kept(archivist_page, settings, files, says):
    size, tasks = AuditEvent.objects.count(), DBTaskResult.objects.count()  # the demo's worker ran its own
    response = archivist_page.post("/imports/transcriptions/", {"files": files})
    assert response.status_code == 422 and says in response.content.decode()
    assert not ImportBatch.objects.exists() and AuditEvent.objects.count() == size
    assert DBTaskResult.objects.count() == tasks
    assert not (settings.MEDIA_ROOT / "imports").exists() or not any((settings.MEDIA_ROOT / "imports").rglob("*"))


def test_a_csv_without_its_number_column_is_refused_before_it_is_queued(demo, login):
    response = login("registrar").post(
        "/imports/entries/", {"file": SimpleUploadedFile("old.csv", b"title,text\nA,b\n", content_type="text/csv")}
    )
    assert response.status_code == 422 and "no &#x27;number&#x27; column" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_batch_whose_worker_died_is_resumed_and_skips_what_went_in(archivist_page, monkeypatch):
    """The worker dies at the fifth paper, chunks of two: the batch stays running, its page offers nothing until
    the heartbeat is old, then resuming imports what is left and counts what went in as there already."""
    archivist_page.post("/imports/transcriptions/", {"files": [_txt(p) for p in FILES[:6]], "classification": "S"})
    batch = ImportBatch.objects.get()
    monkeypatch.setattr(batches, "CHUNK", 2)
    real, calls = archive.import_transcription, []

    def dies_at_the_fifth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise SystemExit("killed")  # what no handler of the worker's task catches as a refusal
        return real(*args, **kwargs)

    monkeypatch.setattr(archive, "import_transcription", dies_at_the_fifth)
    run_queued()
    batch.refresh_from_db()
    assert (batch.state, batch.processed) == ("running", 4)  # as the dead worker left it
    went_in = Item.objects.filter(transcription__source__startswith="upload/").count()
    assert went_in > 0
    monkeypatch.setattr(archive, "import_transcription", real)
    assert not services.resumable(batch)  # its heartbeat is fresh: the worker may be at it still
    assert "Resume the import" not in archivist_page.get(f"/imports/{batch.pk}/").content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=batch.heartbeat_at - dt.timedelta(seconds=services.STALLED_AFTER + 1)
    )
    assert "Resume the import" in archivist_page.get(f"/imports/{batch.pk}/").content.decode()
    resumed = _events("import.resumed")
    assert archivist_page.post(f"/imports/{batch.pk}/resume/").status_code == 302
    assert _events("import.resumed") == resumed + 1
    run_queued()
    batch.refresh_from_db()
    assert batch.state == "finished" and batch.skipped == went_in  # what went in before is not done twice
    assert batch.imported + batch.skipped + len(batch.refused) == 6 and batch.imported > 0
    assert Item.objects.filter(transcription__source__startswith="upload/").count() == went_in + batch.imported
    assert archivist_page.post(f"/imports/{batch.pk}/resume/").status_code == 302  # refused: it is finished
    assert _events("import.resumed") == resumed + 1


def test_a_sender_who_lost_the_role_before_the_worker_came_gets_a_failed_batch_saying_why(archivist_page):
    archivist_page.post("/imports/transcriptions/", {"files": [_txt(FILES[0])]})
    archivist = principal_by_username("archivist")
    archivist.role_grants.filter(role="archivist").delete()
    run_queued()
    batch = ImportBatch.objects.get()
    assert batch.state == "failed" and "archivist" in batch.error
    assert AuditEvent.objects.filter(action="import.failed").get().data == {"reason": batch.error}
    assert not Item.objects.filter(transcription__source__startswith="upload/").exists()


EAD = Path(__file__).resolve().parents[1] / "archive/ead/atom-fonds-7.xml"  # 501 descriptions, AtoM's shape


def test_a_finding_aid_sent_from_the_desk_goes_in_description_by_description(archivist_page):
    described = _events("archive.unit_described") + _events("archive.item_described")
    upload = SimpleUploadedFile(EAD.name, EAD.read_bytes(), content_type="application/xml")
    response = archivist_page.post("/imports/finding-aids/", {"file": upload, "into": "TsKhSD", "classification": "S"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and (batch.kind, batch.total, batch.into) == ("ead", 501, "TsKhSD")
    run_queued()
    batch.refresh_from_db()
    assert (batch.state, batch.imported, batch.refused) == ("finished", 501, [])
    assert _events("archive.unit_described") + _events("archive.item_described") == described + 501
    assert ArchiveUnit.objects.filter(repository__code="TsKhSD", parent=None, identifier="7").exists()
    assert "Into TsKhSD." in archivist_page.get(f"/imports/{batch.pk}/").content.decode()


def test_a_finding_aid_that_declares_entities_is_refused_before_it_is_queued(demo):
    api = Api(accounts.issue_token(principal_by_username("archivist"), "tests").secret)
    laughs = b'<?xml version="1.0"?><!DOCTYPE ead [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><ead>&b;</ead>'
    upload = SimpleUploadedFile("laughs.xml", laughs, content_type="application/xml")
    response = api.client.post("/api/imports", {"kind": "ead", "files": [upload]}, headers=api.headers)
    assert response.status_code == 422 and "entities" in response.json()["detail"]
    assert not ImportBatch.objects.exists()
