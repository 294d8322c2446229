"""Every URL pattern, GET and POST, as principals with no need to know: nothing classified leaves.

The routes are read from the URL resolver, so a page added later is checked without editing
this file (a new path parameter needs a sample below, or the test says which). The API's
operations are enumerated from its schema in tests/api/test_openapi.py.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts import services as accounts
from secretariat.accounts.models import AccessRequest, ApiToken
from secretariat.audit.models import AuditEvent, AuditHead
from secretariat.cables.models import Control
from secretariat.demo import reference as ref
from secretariat.imports.models import ImportBatch
from secretariat.kernel.principals import principal_by_username
from secretariat.releases.models import ReleaseTemplate
from secretariat.scans.models import Scan
from tests import grants

# Words of the demo's classified papers (the extract, the draft, the cable, the second case's
# decision and control): none may appear in any response to these principals.
CLASSIFIED = [
    "The draft of the instructions to the Soviet Ambassador",
    "About the instructions to the Soviet Ambassador",
    "Meet with Vance",
    "Pressel",
    "Sakharov",
    "Wire when you have done it",
    "Instruct the USSR Ministry of Foreign Affairs",
    "Submit proposals on the programme",
    ref.cable_subject(),
]


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _paths(samples: dict[str, list[str]]) -> list[str]:
    paths = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # the API: tests/api/test_openapi.py calls every operation of its schema
        filled = [route]
        while any("<" in r for r in filled):
            route_ = next(r for r in filled if "<" in r)
            start, end = route_.index("<"), route_.index(">")
            name = route_[start + 1 : end].split(":")[-1]
            assert name in samples, f"no sample value for <{name}> in {route}: add one to this test"
            filled.remove(route_)
            filled += [route_[:start] + value + route_[end + 1 :] for value in samples[name]]
        paths += ["/" + p for p in filled]
    return paths


def _client(username: str | None) -> Client:
    client = Client()
    if username is None:
        return client
    principal = principal_by_username(username)
    client.force_login(principal)
    if principal.clearance >= 2:
        device = TOTPDevice.objects.create(user=principal, name="test", confirmed=True)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        assert client.post("/login/second-factor/", {"token": code}).status_code == 302
    return client


pytestmark = pytest.mark.demo(archive=False)  # the papers as they stood in 1977: nothing declassified yet


@pytest.fixture
def demo(demo):
    """The reference case, and a TOP SECRET principal with no duty at all (the demo's archivist
    has one: the archive's custody of closed cases)."""
    admin = principal_by_username("admin")
    grants.add_principal(admin, "bystander", clearance="TOP SECRET", roles=[])
    accounts.request_principal(admin, "spy2", clearance="TOP SECRET", roles=["member"])  # awaits a second officer
    return demo


@pytest.fixture
def archived(request, demo):
    """The whole demo: the extract (with its draft) declassified and published in 1994, one
    name withheld; the cable, the report and the second case still classified."""
    assert request.node.get_closest_marker("demo").kwargs == {"archive": True}, "mark the test demo(archive=True)"
    return demo


def _responses(client, samples):
    """(method, path, status, text) for GET and POST of every route (logout excepted: it would end the session)."""
    for path in _paths(samples):
        if path == "/logout/":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            yield method.upper(), path, response.status_code, body.decode("utf-8", "replace")


def _samples() -> dict[str, list[str]]:
    return {
        "number": ["P46/X", "TEL-1", "P47/5", "WASHINGTON-1", "TASS-1", "CASE-2", "46", "4"],  # 4: a scan's page
        "k": ["5", "2"],
        "username": ["gromyko", "andropov"],
        "prefix": ["P"],
        "template_id": [str(ReleaseTemplate.objects.get().pk)],
        "control_id": [str(c.pk) for c in Control.objects.order_by("pk")],  # the cable's (done), P47/5's (open)
        "code": ["tass"],
        "repository": ["TsKhSD"],
        "fond": ["89"],
        "identifier": ["tskhsd-89-25-44", "tskhsd-89-25-45"],
        "reference": ["TsKhSD/89/25/44", "TsKhSD/89/25/45"],
        "request_id": [str(r.pk) for r in AccessRequest.objects.order_by("pk")][-2:],  # one approved, one pending
        "token_id": [str(t.pk) for t in ApiToken.objects.order_by("pk")][:2],  # the demo's first two tokens
        "batch_id": [str(pk) for pk in ImportBatch.objects.values_list("pk", flat=True)] or ["1"],  # none: a 404
        "scan_id": [str(pk) for pk in Scan.objects.values_list("pk", flat=True)],  # the extract's, the Russian paper's
        "size": ["max", "200,283"],  # a published page's IIIF sizes
    }


@pytest.mark.parametrize("who", [None, "visitor", "bystander", "tass"])
def test_no_route_gives_classified_content_to_someone_without_need_to_know(demo, who):
    """anonymous; an uncleared visitor; a TOP SECRET principal with no duty; a SECRET editor
    who may read the announcement but neither the cable nor the extract. POSTs change nothing."""
    client = _client(who)
    head = AuditHead.objects.get(pk=1).size
    checked = 0
    for method, path, status, text in _responses(client, _samples()):
        assert status < 500, f"{method} {path} as {who}: {status}"
        assert "Traceback" not in text, f"{method} {path} as {who} shows a traceback"
        leaked = [phrase for phrase in CLASSIFIED if phrase in text]
        assert not leaked, f"{method} {path} as {who} shows {leaked}"
        checked += 1
    assert checked > 100
    changes = AuditEvent.objects.filter(seq__gt=head).exclude(action__endswith="read")
    assert list(changes.values_list("action", flat=True)) == []


# What stays withheld after the archive published the extract: the name its review redacted,
# the report (transferred, not published), the second case.
STILL_WITHHELD = [
    "Pressel",
    "informed him, as instructed",
    "Instruct the USSR Ministry of Foreign Affairs",
    "Submit proposals on the programme",
]


@pytest.mark.demo(archive=True)
@pytest.mark.parametrize("who", [None, "visitor", "bystander"])
def test_after_publication_no_route_gives_what_is_still_withheld(archived, who):
    """The reading room, its exports and OAI-PMH now show the extract: never its redacted name,
    nor anything unpublished; and the probe is not blind (the published text does show)."""
    client = _client(who)
    published = False
    for method, path, status, text in _responses(client, _samples()):
        assert status < 500, f"{method} {path} as {who}: {status}"
        leaked = [phrase for phrase in STILL_WITHHELD if phrase in text]
        assert not leaked, f"{method} {path} as {who} shows {leaked}"
        published |= "Meet with Vance" in text and "[REDACTED: PRIVACY]" in text
    assert published


def test_the_same_routes_do_reach_the_content_for_those_who_need_to_know(demo):
    """The probe above is no blind one: for the drafter of the cable and addressee of the extract
    the same routes show the very phrases it looks for."""
    shown = {
        phrase
        for _, _, _, text in _responses(_client("gromyko"), _samples())
        for phrase in CLASSIFIED
        if phrase in text
    }
    assert {"Meet with Vance", "Pressel", "The draft of the instructions to the Soviet Ambassador"} <= shown
