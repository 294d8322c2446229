import argparse
import datetime as dt
from pathlib import Path

from django.utils.translation import gettext

from secretariat.archive import presenters, selectors, services
from secretariat.archive.management.arguments import unit_path
from secretariat.archive.models import Redaction
from secretariat.archive.scan_pages import DrawnBox
from secretariat.archive.services import Span
from secretariat.kernel.cli import SecretariatCommand, add_actor, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.leases import LeaseHeld
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action


def day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write YYYY-MM-DD") from None


def phrase_redaction(value: str) -> tuple[str, str]:
    """'PHRASE=REASON' → (phrase, reason)."""
    phrase, _, reason = value.rpartition("=")
    if not phrase or not reason:
        raise argparse.ArgumentTypeError(f"write a redaction as PHRASE=REASON, e.g. 'Pressel=PRIVACY', not {value!r}")
    return phrase, reason.strip().upper()


def box_redaction(value: str) -> DrawnBox:
    try:
        return DrawnBox.parse(value)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def span_redaction(value: str) -> Span:
    """'START:END:REASON' → Span."""
    try:
        start, end, reason = value.split(":")
        return Span(int(start), int(end), reason.strip().upper())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"write a span as START:END:REASON, e.g. 120:135:PRIVACY, not {value!r}"
        ) from None


class Command(SecretariatCommand):
    help = (
        "The archive: repositories and units, transfer of closed case files (BagIt), fixity, declassification "
        "(instructions, the review sweep, reviews with redactions), publication to the reading room. "
        f"Redaction reasons: {', '.join(f'{r.value} ({r.label})' for r in Redaction.Reason)}."
    )

    def add_arguments(self, parser):
        sub = subcommands(parser)

        repo = subcommand(sub, "repository", help="add a repository (an archive)")
        add_actor(repo)
        repo.add_argument("code", help="how citations name it, e.g. TsKhSD")
        repo.add_argument("name", help="e.g. 'Central Archive of Contemporary Documents'")
        repo.add_argument("--country", default="RU", help="ISO 3166-1 code (RU)")
        repo.add_argument("--agency-code", default="", help="ISIL, if the archive has one")

        describe = subcommand(sub, "describe", help="title a fonds, series (opis) or file (delo)")
        add_actor(describe)
        describe.add_argument("unit", type=unit_path, help="repository/fond[/opis[/delo]], e.g. TsKhSD/89/25")
        describe.add_argument("--title", required=True)

        transfer = subcommand(sub, "transfer", help="receive a closed case file into a unit, packed as a BagIt bag")
        add_actor(transfer)
        transfer.add_argument("case", help="the case file's number, e.g. CASE-1")
        transfer.add_argument("--to", dest="unit", type=unit_path, required=True, help="repository/fond/opis[/delo]")
        transfer.add_argument(
            "--first", type=int, default=None, help="number the items from here (default: after the last)"
        )
        transfer.add_argument(
            "--review-after",
            type=int,
            default=services.REVIEW_AFTER_YEARS,
            metavar="YEARS",
            help="years until its first declassification review",
        )

        fixity = subcommand(
            sub, "fixity", help="check the bags' SHA-512 manifests (all, or one case's); exit 1 on a fault"
        )
        add_actor(fixity, required=False)
        fixity.add_argument("case", nargs="?", default=None, help="one case file's number (default: every transfer)")

        instruct = subcommand(sub, "instruct", help="set an item's declassification instruction")
        add_actor(instruct)
        instruct.add_argument("item", help="repository/fond/opis[/delo]/item, e.g. TsKhSD/89/25/44")
        how = instruct.add_mutually_exclusive_group(required=True)
        how.add_argument("--date", type=day, help="review on this date")
        how.add_argument("--event", help="review once this event has happened")
        how.add_argument("--exempt", metavar="REASON", help="exempt for this reason, until --review-on")
        instruct.add_argument("--review-on", type=day, default=None, help="with --exempt: when to look again")

        event = subcommand(sub, "event", help="record that the event an item waits for has happened")
        add_actor(event)
        event.add_argument("item")
        event.add_argument(
            "--on", dest="occurred_on", type=day, required=True, metavar="DATE", help="the day it happened, YYYY-MM-DD"
        )

        subcommand(sub, "sweep", help="open the reviews that have come due (the timed job; run daily)")

        queue = subcommand(sub, "queue", help="the reviews due, oldest first")
        add_actor(queue)

        review = subcommand(sub, "review", help="decide an item's pending review")
        add_actor(review)
        review.add_argument("item")
        review.add_argument(
            "outcome", choices=["keep", "downgrade", "declassify", "redact"], help="what the review decides"
        )
        review.add_argument("--level", default=None, help="with downgrade: the new level (never UNCLASSIFIED)")
        review.add_argument(
            "--redact",
            action="append",
            type=phrase_redaction,
            default=[],
            metavar="PHRASE=REASON",
            help="withhold every occurrence of PHRASE, for REASON (repeatable)",
        )
        review.add_argument(
            "--span",
            action="append",
            type=span_redaction,
            default=[],
            metavar="START:END:REASON",
            help="withhold the characters START to END of the text, for REASON (repeatable)",
        )
        review.add_argument(
            "--box",
            action="append",
            type=box_redaction,
            default=[],
            metavar="PAGE:X0,Y0,X1,Y1=REASON",
            help="withhold a box on a page of the item's scan, in the page image's pixels, for REASON (repeatable)",
        )
        review.add_argument("--note", default="")
        review.add_argument(
            "--next",
            dest="next_review_on",
            type=day,
            default=None,
            metavar="DATE",
            help="with keep/downgrade: the next review, YYYY-MM-DD",
        )

        scan = subcommand(sub, "scan", help="add the paper as scanned to an item (PDF, TIFF, JPEG, PNG); OCR reads it")
        add_actor(scan)
        scan.add_argument("item")
        scan.add_argument("file", type=Path, help="the scan, every page")

        publish = subcommand(sub, "publish", help="put a declassified item in the reading room")
        add_actor(publish)
        publish.add_argument("item")

        show = subcommand(
            sub, "show", help="an item: as the archive holds it (--as an archivist; audited), else as published"
        )
        add_actor(show, required=False)
        show.add_argument("item")

        withdraw = subcommand(sub, "withdraw", help="take an item out of the reading room")
        add_actor(withdraw)
        withdraw.add_argument("item")
        withdraw.add_argument("--reason", required=True)

        items = subcommand(sub, "list", help="the items you may see")
        add_actor(items)

    def handle(self, *args, action, **o):
        if action == "sweep":
            try:
                swept = services.sweep_reviews()
            except LeaseHeld as held:  # another app server sweeps: nothing done, and no error
                return self.emit(held.as_json(), held.message)
            lines = [f"review due: {presenters.review_line(r)}" for r in swept.opened]
            lines += [f"declassified on its date: {presenters.item_line(i)}" for i in swept.declassified]
            return self.emit(
                {
                    "opened": [presenters.review_json(r) for r in swept.opened],
                    "declassified": [presenters.item_json(i) for i in swept.declassified],
                },
                "\n".join(lines) or "nothing has come due",
            )
        if action == "fixity":
            by = principal_by_username(o["actor"]) if o["actor"] else None
            results = services.check_fixity(by, o["case"])
            self.emit(
                [
                    {"case": r.transfer.case.number, "bag": r.transfer.bag, "ok": r.ok, "problems": r.problems}
                    for r in results
                ],
                "\n".join(
                    f"{r.transfer.case.number} ({r.transfer.bag}): "
                    + ("ok" if r.ok else "FAILED: " + "; ".join(r.problems))
                    for r in results
                )
                or "no transfers yet",
            )
            if not all(r.ok for r in results):
                raise SystemExit(1)
            return None
        if action == "show" and o["actor"] is None:
            published = selectors.public_record(selectors.item(None, o["item"]))
            return self.emit(
                {
                    "reference": o["item"],
                    "identifier": published.identifier,
                    "title": published.title,
                    "citation": published.citation,
                    "text": published.plain_text(),
                    "annotations": [{"kind": a.kind, "text": a.text} for a in published.annotations],
                },
                "\n".join(
                    [published.title, published.citation, "", published.plain_text().rstrip()]
                    + [f"[{a.kind}] {a.text}" for a in published.annotations]
                ),
            )
        by = principal_by_username(o["actor"])
        if action == "repository":
            found = services.add_repository(
                by, o["code"], o["name"], country_code=o["country"], agency_code=o["agency_code"]
            )
            return self.emit({"code": found.code, "name": found.name}, f"repository {found.code}: {found.name}")
        if action == "describe":
            code, fond, opis, delo = o["unit"]
            unit = services.describe_unit(by, code, fond, opis, delo, title=o["title"])
            return self.emit(
                {"unit": selectors.unit_reference(unit), "title": unit.title},
                f"{selectors.unit_reference(unit)}: {unit.title}",
            )
        if action == "transfer":
            code, fond, opis, delo = o["unit"]
            if not opis:
                raise InvalidInput("transfer into a series (opis) or a file (delo): repository/fond/opis[/delo]")
            done = services.transfer_case(
                by,
                o["case"],
                repository=code,
                fond=fond,
                opis=opis,
                delo=delo,
                first_item=o["first"],
                review_after_years=o["review_after"],
            )
            items = list(done.items.order_by("id"))
            return self.emit(
                presenters.transfer_json(done, items),
                "\n".join(
                    [
                        f"{done.case.number} transferred into {selectors.unit_reference(done.unit)}; bag {done.bag} ({done.payload_oxum} octets.files), fixity checked on receipt"
                    ]
                    + [presenters.item_line(i) for i in items]
                ),
            )
        if action == "queue":
            due = list(selectors.review_queue(by))
            return self.emit(
                [presenters.review_json(r) for r in due],
                "\n".join(presenters.review_line(r) for r in due) or "no review is due",
            )
        if action == "list":
            found = list(selectors.items(by).order_by("unit_id", "id"))
            return self.emit(
                [presenters.item_json(i) for i in found],
                "\n".join(presenters.item_line(i) for i in found) or "no items",
            )
        if action == "show":
            reading = selectors.read_item(by, o["item"])
            data = presenters.item_json(reading.item) | {
                "text": reading.item.text,
                "annotations": [{"kind": a.kind, "text": a.text} for a in reading.annotations],
                "reviews": [presenters.review_json(r) for r in reading.reviews],
            }
            text = "\n".join(
                [presenters.item_line(reading.item), "", reading.item.text.rstrip()]
                + [f"[{a.get_kind_display()}] {a.text}" for a in reading.annotations]
            )
            return self.emit(data, text)
        if action == "review":
            item = selectors.item(by, o["item"], Action.VIEW)
            spans = list(o["span"])
            for phrase, reason in o["redact"]:
                spans += services.phrase_redactions(item, phrase, reason)
            done = services.decide_review(
                by,
                o["item"],
                o["outcome"],
                level=o["level"],
                redactions=spans,
                boxes=o["box"],
                note=o["note"],
                next_review_on=o["next_review_on"],
            )
            return self.emit(presenters.review_json(done), presenters.review_line(done))
        if action == "instruct":
            kind = "date" if o["date"] else "event" if o["event"] else "exemption"
            item = services.set_instruction(
                by,
                o["item"],
                kind=kind,
                review_on=o["date"] or o["review_on"],
                event=o["event"] or "",
                exemption=o["exempt"] or "",
            )
        elif action == "event":
            item = services.record_event(by, o["item"], o["occurred_on"])
        elif action == "publish":
            item = services.publish(by, o["item"])
        elif action == "scan":
            if not o["file"].is_file():
                raise InvalidInput(gettext("%(path)s is not a file") % {"path": o["file"]})
            item = services.add_item_scan(by, o["item"], name=o["file"].name, data=o["file"].read_bytes())
        else:
            item = services.withdraw(by, o["item"], o["reason"])
        self.emit(presenters.item_json(item), presenters.item_line(item))
