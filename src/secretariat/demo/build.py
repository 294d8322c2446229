"""Build the reference case into an empty registry, through the services only.

Every step is a service call with its audit event, at the instant the clock is stood at, so
the log reads as the registry's journal of February 1977.
"""

import secrets
from dataclasses import dataclass, field

from secretariat import clock
from secretariat.accounts import services as accounts
from secretariat.accounts.models import Principal, Role
from secretariat.audit import services as audit
from secretariat.classification import Classification, Level
from secretariat.decisions import services as decisions
from secretariat.demo import reference as ref
from secretariat.registry import services as registry
from secretariat.registry.models import Document


@dataclass
class Login:
    username: str
    password: str
    who: str
    sees: str


@dataclass
class Demo:
    document: Document
    registrar: Principal
    logins: list[Login] = field(default_factory=list)


def _password() -> str:
    return secrets.token_urlsafe(12)


def build() -> Demo:
    """Set up the office, register extract P46/X and issue its nine copies on 18 February 1977."""
    logins: list[Login] = []

    def login(principal: Principal, password: str, who: str, sees: str) -> Principal:
        logins.append(Login(principal.username, password, who, sees))
        return principal

    with clock.frozen(ref.SET_UP_AT):
        password = _password()
        admin = login(
            accounts.bootstrap_admin("admin", clearance=Level.TOP_SECRET, password=password),
            password,
            "administrator of accounts",
            "manages accounts; reads no classified content by role alone",
        )
        registry_unit = accounts.add_unit(admin, *ref.REGISTRY_UNIT)
        accounts.add_unit(admin, *ref.POST, post=True)
        body = decisions.add_body(
            admin, ref.BODY, ref.BODY_PREFIX, return_days=ref.RETURN_DAYS, registry_unit=registry_unit
        )

        def person(username, clearance, roles, first_name="", last_name="", unit=None, who="", sees=""):
            password = _password()
            principal = accounts.add_principal(
                admin,
                username,
                clearance=clearance,
                roles=roles,
                unit=unit,
                first_name=first_name,
                last_name=last_name,
                password=password,
            )
            return login(principal, password, who, sees)

        members = [
            person(
                p.username,
                Level.TOP_SECRET,
                [Role.MEMBER],
                p.first_name,
                p.last_name,
                who=p.office,
                sees="extract P46/X (addressee, copy holder)",
            )
            for p in ref.ADDRESSEES
        ]
        registrar = person(
            "registrar",
            Level.TOP_SECRET,
            [Role.REGISTRAR],
            last_name="Registrar, General Department 1st sector",
            unit=ref.REGISTRY_UNIT[0],
            who="registry clerk",
            sees="the register of every paper (number, classification, holders, dates), no content",
        )
        auditor = person(
            "auditor",
            Level.TOP_SECRET,
            [Role.AUDITOR],
            last_name="Auditor",
            who="auditor",
            sees="the audit log (metadata)",
        )
        person(
            "visitor",
            Level.UNCLASSIFIED,
            [],
            last_name="Visitor",
            who="uncleared visitor",
            sees="public material only",
        )

    with clock.frozen(ref.ISSUED_AT):
        document = registry.register_document(
            registrar,
            number=ref.NUMBER,
            title=ref.title(),
            kind=Document.Kind.EXTRACT,
            classification=Classification(Level.TOP_SECRET),
            text=ref.decision(),
            dated=ref.MEETING_DAY,
            page_count=1,
            signatory=ref.signatory(),
            body=body,
            distribution=members,
        )
        registry.add_attachment(
            registrar,
            ref.NUMBER,
            title=ref.draft_cable_title(),
            classification=Classification(Level.SECRET),
            text=ref.draft_cable(),
            page_count=3,
        )
        registry.issue_copies(registrar, ref.NUMBER)
        audit.sign_checkpoint(auditor)
    document.refresh_from_db()
    return Demo(document=document, registrar=registrar, logins=logins)
