"""Trace marks: a short code printed on every page of a copy, naming the copy to the registry.

The mark reads `TRACE P46/X:5:K7QWM3ZPXR4T6ABC`: the document, the copy number, and 80 bits
of an HMAC (keyed with the SECRET_KEY) over those, the holder and the issue time. It is part
of the page content, so stripping the PDF's metadata does not remove it; a changed number,
copy or code no longer verifies, and nobody without the key can make a mark that does.
"""

import base64
import datetime as dt
import hmac
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from secretariat.audit.services import record
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.principals import Role
from secretariat.registry.models import Copy
from secretariat.registry.selectors import copies

SALT = "secretariat.render.trace"
MARK = re.compile(r"TRACE ([A-Z0-9][A-Z0-9./-]*):(\d{1,7}):([A-Z2-7]{16})")


def code(copy: Copy) -> str:
    """16 base32 characters that only the registry's key can compute for this copy."""
    issued = copy.issued_at.astimezone(dt.UTC).isoformat()
    message = "\n".join([copy.document.number, str(copy.number), str(copy.holder_id), issued])
    return base64.b32encode(salted_hmac(SALT, message, algorithm="sha256").digest()[:10]).decode()


def mark(copy: Copy) -> str:
    return f"TRACE {copy.document.number}:{copy.number}:{code(copy)}"


@dataclass(frozen=True)
class Mark:
    number: str
    copy_number: int
    code: str

    def __str__(self) -> str:
        return f"TRACE {self.number}:{self.copy_number}:{self.code}"


def marks_in(text: str) -> list[Mark]:
    """The distinct marks in a text, in the order they first appear."""
    found = [Mark(n, int(k), c) for n, k, c in MARK.findall(text)]
    return list(dict.fromkeys(found))


@transaction.atomic
def trace(principal, text: str) -> list[Copy]:
    """The copies whose marks are in `text` (a PDF's page text), for registry staff.

    Only copies the principal may see in the register are found; an unknown, forged or
    altered mark, and one of a copy the principal may not see, get the same NotFound. Each
    copy found is an audit event (who traced which copy): naming the holder of a leaked page
    is a consequential act. A refused trace records nothing.
    """
    if not (principal.has_role(Role.REGISTRAR) or principal.has_role(Role.AUDITOR)):
        raise Refused(
            _("%(username)s may not trace copies: that is for registrars and auditors")
            % {"username": principal.username}
        )
    found = marks_in(text)
    if not found:
        raise InvalidInput(
            _("no trace mark found: this is not a copy rendered by Secretariat, or its marks were removed")
        )
    traced = []
    for m in found:
        copy = copies(principal, m.number).filter(number=m.copy_number).first()
        if copy is None or not hmac.compare_digest(code(copy), m.code):
            raise NotFound(_("no copy in the register carries the trace mark %(mark)s") % {"mark": m})
        traced.append(copy)
    for copy in traced:
        record(principal, "copy.traced", copy.document, {"copy": copy.number, "holder": copy.holder.username})
    return traced
