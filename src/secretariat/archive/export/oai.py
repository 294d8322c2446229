"""An OAI-PMH 2.0 data provider as one pure function: request arguments in, response bytes out.

The six verbs, every error condition of the protocol, two metadata formats (oai_dc, and "ead" for
EAD3 in its own namespace, http://ead3.archivists.org/schema/), sets for fonds and series, and
resumption tokens that are self-contained (they carry the list's arguments, the offset and the
key of the last item given, so a database source seeks rather than counts its way there) and
tamper-evident (HMAC-SHA256 with the caller's secret), so no harvest state is kept anywhere.
Datestamps are seconds in UTC; from and until may be days or seconds, but not one of each.
Nothing is ever deleted from the public archive, so deletedRecord is "no".
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from secretariat.archive.export import clean, dublin_core, ead3, utc
from secretariat.archive.records import PublishedItem, Repository, Unit

NAMESPACE = "http://www.openarchives.org/OAI/2.0/"
SCHEMA_LOCATION = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
FORMATS = {  # metadataPrefix: (schema, namespace)
    "oai_dc": (dublin_core.SCHEMA_LOCATION, dublin_core.OAI_DC),
    "ead": (ead3.SCHEMA_LOCATION, ead3.NAMESPACE),
}
SET_LEVELS = ("fonds", "series")
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

Located = tuple[PublishedItem, tuple[Unit, ...]]  # an item and the units above it, fonds first


class OaiSource(Protocol):
    """What the provider reads: published records only (see records.py), never models."""

    def repository(self) -> Repository: ...

    def admin_emails(self) -> Sequence[str]: ...

    def earliest_datestamp(self) -> datetime.datetime | None:
        """The oldest published_at, None while nothing is published."""

    def sets(self) -> Sequence[tuple[str, str]]:
        """(setSpec, setName) of every fonds and series with something published, specs from set_spec()."""

    def items(
        self, from_: datetime.datetime | None, until: datetime.datetime | None, set_spec: str | None
    ) -> Sequence[Located]:
        """Items with from_ <= published_at <= until in set_spec (or a set below it), in a stable order.

        Only len() and slicing are used, so a lazy sequence (a queryset) serves large archives;
        a sequence with `after(key, size)` (the `size` items after the one whose [published_at
        isoformat, identifier] is `key`) is paged by key instead of by offset when a token resumes.
        """

    def item(self, identifier: str) -> Located | None:
        """The item with this local identifier (PublishedItem.identifier), if published."""


def set_spec(units: Sequence[Unit]) -> str:
    """The setSpec of the last of `units` (fonds first): "89:25" for opis 25 of fond 89.

    Characters setSpec may not hold are written ~hhhh (their code point), so "Р-1" stays distinct.
    """
    return ":".join(
        "".join(c if re.fullmatch(r"[A-Za-z0-9\-_.!*'()]", c) else f"~{ord(c):04x}" for c in unit.identifier)
        for unit in units
    )


def item_sets(path: Sequence[Unit]) -> list[str]:
    """The setSpecs of every fonds and series an item lies in, coarsest first."""
    units = [unit for unit in path if unit.level in SET_LEVELS]
    return [set_spec(units[: i + 1]) for i in range(len(units))]


class TreeSource:
    """An OaiSource over fonds already built from records (a small archive, or tests)."""

    def __init__(self, repository: Repository, fonds: Sequence[Unit], admin_emails: Sequence[str]):
        self._repository = repository
        self._admin_emails = list(admin_emails)
        self._units = [path for top in fonds for path in _units(top, ())]
        located = [(item, path) for top in fonds for item, path in _items(top, ())]
        self._located = sorted(located, key=lambda pair: (pair[0].published_at, pair[0].identifier))
        self._by_identifier = {item.identifier: (item, path) for item, path in self._located}

    def repository(self) -> Repository:
        return self._repository

    def admin_emails(self) -> Sequence[str]:
        return self._admin_emails

    def earliest_datestamp(self) -> datetime.datetime | None:
        return self._located[0][0].published_at if self._located else None

    def sets(self) -> Sequence[tuple[str, str]]:
        return [(set_spec(path), f"{path[-1].reference.citation}: {path[-1].title}") for path in self._units]

    def items(
        self, from_: datetime.datetime | None, until: datetime.datetime | None, set_spec: str | None
    ) -> Sequence[Located]:
        return [
            (item, path)
            for item, path in self._located
            if (from_ is None or item.published_at >= from_)
            and (until is None or item.published_at <= until)
            and (set_spec is None or set_spec in item_sets(path))
        ]

    def item(self, identifier: str) -> Located | None:
        return self._by_identifier.get(identifier)


def _units(unit: Unit, above: tuple[Unit, ...]):
    path = (*above, unit)
    if unit.level in SET_LEVELS:
        yield tuple(u for u in path if u.level in SET_LEVELS)
    for child in unit.children:
        if isinstance(child, Unit):
            yield from _units(child, path)


def _items(unit: Unit, above: tuple[Unit, ...]):
    path = (*above, unit)
    for child in unit.children:
        if isinstance(child, PublishedItem):
            yield child, path
        else:
            yield from _items(child, path)


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Request:
    source: OaiSource
    base_url: str
    domain: str
    now: datetime.datetime
    secret: bytes
    page_size: int


VERBS = {  # verb: (required arguments, optional arguments); a resumptionToken stands alone
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), ()),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set")),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set")),
}
_RESUMABLE = ("ListSets", "ListIdentifiers", "ListRecords")
_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+")
_LOCAL_SAFE = "-._~!$&'()*+,;=:@/"


def respond(
    params: Mapping[str, str | list[str]],
    source: OaiSource,
    *,
    base_url: str,
    now: datetime.datetime,
    secret: bytes,
    page_size: int = 100,
    domain: str | None = None,
) -> bytes:
    """The response to one OAI-PMH request (GET query or POST form, each argument a value or a list).

    `now` (aware) is the responseDate; `domain` names the repository in identifiers
    (oai:{domain}:{item.identifier}) and defaults to base_url's host.
    """
    request = _Request(source, base_url, domain or urlsplit(base_url).hostname or "localhost", now, secret, page_size)
    root = etree.Element(f"{{{NAMESPACE}}}OAI-PMH", nsmap={None: NAMESPACE, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation", f"{NAMESPACE} {SCHEMA_LOCATION}")
    _sub(root, "responseDate", utc(now))
    echo = _sub(root, "request", base_url)
    try:
        verb, arguments = _arguments(params)
        # echoed only once valid: after badVerb or badArgument the protocol wants the base URL alone
        echo.attrib.update({"verb": verb, **arguments})
        root.append(_HANDLERS[verb](request, arguments))
    except OaiError as error:
        _sub(root, "error", str(error), code=error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        element.text = clean(text)
    return element


def _arguments(params: Mapping[str, str | list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, once every rule on their presence and syntax holds."""
    given = {key: [value] if isinstance(value, str) else list(value) for key, value in params.items()}
    given = {key: values for key, values in given.items() if values}
    verbs = given.pop("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    allowed = {*required, *optional, *(("resumptionToken",) if verb in _RESUMABLE else ())}
    if illegal := sorted(clean(key)[:40] for key in given if key not in allowed):
        raise OaiError("badArgument", f"{verb} does not take: {', '.join(illegal)}.")
    if repeated := sorted(key for key, values in given.items() if len(values) > 1):
        raise OaiError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    arguments = {key: values[0] for key, values in given.items()}
    if any(clean(value) != value for value in arguments.values()):
        raise OaiError("badArgument", "An argument holds characters XML cannot carry.")
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return verb, arguments
    if missing := [key for key in required if key not in arguments]:
        raise OaiError("badArgument", f"{verb} requires: {', '.join(missing)}.")
    checks = {"metadataPrefix": _PREFIX, "set": _SET, "identifier": _URI}
    for key, pattern in checks.items():
        if key in arguments and not pattern.fullmatch(arguments[key]):
            raise OaiError("badArgument", f"The {key} argument is not of the form the protocol allows.")
    granularities = {_moment(arguments[key], key)[1] for key in ("from", "until") if key in arguments}
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    return verb, arguments


_FORMS = {
    "day": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "%Y-%m-%d"),
    "second": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"), "%Y-%m-%dT%H:%M:%SZ"),
}


def _moment(value: str, key: str) -> tuple[datetime.datetime, str]:
    """A from/until argument as the first (from) or last (until) microsecond it covers, and its granularity."""
    for granularity, (pattern, form) in _FORMS.items():
        if pattern.fullmatch(value):
            try:
                moment = datetime.datetime.strptime(value, form).replace(tzinfo=datetime.UTC)
            except ValueError:
                break
            if key == "until":
                end_of_day = {"hour": 23, "minute": 59, "second": 59} if granularity == "day" else {}
                moment = moment.replace(microsecond=999999, **end_of_day)
            return moment, granularity
    raise OaiError("badArgument", f"{key} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDThh:mm:ssZ).")


def _identify(request: _Request, arguments: dict[str, str]) -> etree._Element:
    source = request.source
    identify = etree.Element(f"{{{NAMESPACE}}}Identify")
    _sub(identify, "repositoryName", source.repository().name)
    _sub(identify, "baseURL", request.base_url)
    _sub(identify, "protocolVersion", "2.0")
    for email in source.admin_emails():
        _sub(identify, "adminEmail", email)
    _sub(identify, "earliestDatestamp", utc(source.earliest_datestamp() or request.now))
    _sub(identify, "deletedRecord", "no")
    _sub(identify, "granularity", GRANULARITY)
    return identify


def _list_metadata_formats(request: _Request, arguments: dict[str, str]) -> etree._Element:
    if "identifier" in arguments:
        _located(request, arguments["identifier"])
    formats = etree.Element(f"{{{NAMESPACE}}}ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        described = _sub(formats, "metadataFormat")
        _sub(described, "metadataPrefix", prefix)
        _sub(described, "schema", schema)
        _sub(described, "metadataNamespace", namespace)
    return formats


def _list_sets(request: _Request, arguments: dict[str, str]) -> etree._Element:
    sets = request.source.sets()
    if not sets:
        raise OaiError("noSetHierarchy", "This repository has no sets.")
    offset = _token(request, "ListSets", arguments)["offset"] if "resumptionToken" in arguments else 0
    listing = etree.Element(f"{{{NAMESPACE}}}ListSets")
    page, token = _page(request, sets, {"verb": "ListSets"}, offset)
    for spec, name in page:
        described = _sub(listing, "set")
        _sub(described, "setSpec", spec)
        _sub(described, "setName", name)
    listing.extend([token] if token is not None else [])
    return listing


def _get_record(request: _Request, arguments: dict[str, str]) -> etree._Element:
    prefix = _prefix(arguments["metadataPrefix"])
    item, path = _located(request, arguments["identifier"])
    response = etree.Element(f"{{{NAMESPACE}}}GetRecord")
    _record(request, response, prefix, item, path)
    return response


def _list(request: _Request, arguments: dict[str, str], verb: str) -> etree._Element:
    """ListIdentifiers and ListRecords: one page of the list, and the token for the next."""
    if "resumptionToken" in arguments:
        state = _token(request, verb, arguments)
    else:
        first = _moment(arguments["from"], "from")[0] if "from" in arguments else None
        last = _moment(arguments["until"], "until")[0] if "until" in arguments else None
        state = {
            "verb": verb,
            "metadataPrefix": _prefix(arguments["metadataPrefix"]),
            "from": first.isoformat() if first else None,
            "until": last.isoformat() if last else None,
            "set": arguments.get("set"),
            "offset": 0,
        }
        if state["set"] and not request.source.sets():
            raise OaiError("noSetHierarchy", "This repository has no sets.")
    bounds = [datetime.datetime.fromisoformat(state[key]) if state[key] else None for key in ("from", "until")]
    found = request.source.items(*bounds, state["set"])
    if not len(found) and not state["offset"]:
        raise OaiError("noRecordsMatch", "No published item matches these arguments.")
    listing = etree.Element(f"{{{NAMESPACE}}}{verb}")
    page, token = _page(request, found, state, state["offset"], keyed=True)
    for item, path in page:
        if verb == "ListRecords":
            _record(request, listing, state["metadataPrefix"], item, path)
        else:
            _header(request, listing, item, path)
    listing.extend([token] if token is not None else [])
    return listing


def _page(
    request: _Request, found: Sequence, state: dict, offset: int, keyed: bool = False
) -> tuple[Sequence, etree._Element | None]:
    """The page of `found` from `offset`, and the resumptionToken the protocol wants after it (if any).

    A keyed list's token also carries the key of the page's last item (its datestamp and
    identifier), and a source whose list can seek by it (`after`) reads the next page from
    there, so a page costs the same however deep in the list it lies."""
    total = len(found)
    if offset >= total:
        raise OaiError("badResumptionToken", "The resumption token is past the end of the list.")
    end = offset + request.page_size
    after = state.get("after") if keyed else None
    page = found.after(after, request.page_size) if after and hasattr(found, "after") else found[offset:end]
    if not page:
        raise OaiError("badResumptionToken", "The resumption token is past the end of the list.")
    token = etree.Element(f"{{{NAMESPACE}}}resumptionToken", completeListSize=str(total), cursor=str(offset))
    if end < total:
        key = {"after": [page[-1][0].published_at.isoformat(), page[-1][0].identifier]} if keyed else {}
        token.text = _sign(request.secret, {**state, "offset": end, **key})
    return page, token if end < total or offset else None


def _record(request: _Request, parent: etree._Element, prefix: str, item: PublishedItem, path: tuple[Unit, ...]):
    record = _sub(parent, "record")
    _header(request, record, item, path)
    if prefix == "ead":
        metadata = ead3.item_record(request.source.repository(), item, path=path, created=item.published_at)
    else:
        metadata = dublin_core.record(item)
    _sub(record, "metadata").append(metadata)


def _header(request: _Request, parent: etree._Element, item: PublishedItem, path: tuple[Unit, ...]) -> None:
    header = _sub(parent, "header")
    _sub(header, "identifier", f"oai:{request.domain}:{quote(item.identifier, safe=_LOCAL_SAFE)}")
    _sub(header, "datestamp", utc(item.published_at))
    for spec in item_sets(path):
        _sub(header, "setSpec", spec)


def _located(request: _Request, identifier: str) -> tuple[PublishedItem, tuple[Unit, ...]]:
    scheme = f"oai:{request.domain}:"
    found = request.source.item(unquote(identifier[len(scheme) :])) if identifier.startswith(scheme) else None
    if found is None:
        raise OaiError("idDoesNotExist", "No published item has this identifier.")
    return found


def _prefix(prefix: str) -> str:
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"Formats: {', '.join(FORMATS)}.")
    return prefix


def _sign(secret: bytes, state: dict) -> str:
    payload = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def _token(request: _Request, verb: str, arguments: dict[str, str]) -> dict:
    """The list state a resumption token carries, if this repository signed it for this verb."""
    try:
        payload, mac = (
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in arguments["resumptionToken"].split(".")
        )
        genuine = hmac.compare_digest(mac, hmac.new(request.secret, payload, hashlib.sha256).digest())
        state = json.loads(payload) if genuine else None
    except ValueError:  # not base64, not two parts, not JSON
        state = None
    if not isinstance(state, dict) or state.get("verb") != verb:
        raise OaiError("badResumptionToken", "The resumption token is not one this repository issued for this verb.")
    return state


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": lambda request, arguments: _list(request, arguments, "ListIdentifiers"),
    "ListRecords": lambda request, arguments: _list(request, arguments, "ListRecords"),
}
