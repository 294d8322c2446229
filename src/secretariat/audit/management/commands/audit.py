from django.conf import settings
from django.utils.translation import gettext as _

from secretariat.audit import selectors, services, signing
from secretariat.audit.presenters import verification_text
from secretariat.audit.verification import verify_log
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, subcommand, subcommands
from secretariat.kernel.errors import Refused
from secretariat.kernel.faults import AuditKeyUnavailable
from secretariat.kernel.principals import principal_by_username


class Command(SecretariatCommand):
    help = (
        "The audit log: verify it, sign a checkpoint, list events, prove inclusion or consistency, "
        "accept a rollback after a restore."
    )

    def add_arguments(self, parser):
        sub = subcommands(parser)
        verify = subcommand(
            sub,
            "verify",
            help="recompute the Merkle tree, check every checkpoint and witness; exit 1 naming the first bad event",
        )
        verify.add_argument(
            "--key-fingerprint",
            default="",
            metavar="FP",
            help="fail unless the log is signed by this key (SHA256:…, as `audit key` prints it)",
        )
        verify.add_argument(
            "--all-signatures",
            action="store_true",
            help="also check every event's own signature, over every core (an auditor's full sweep); "
            "by default the events under a signed head that matches are vouched for by its signature",
        )
        verify.add_argument(
            "--workers",
            type=count,
            default=None,
            metavar="N",
            help="processes for --all-signatures (default: one per core; 1: in this process)",
        )
        subcommand(sub, "key", help="the audit key's fingerprint and public key, to pin and to give to witnesses")
        cp = subcommand(
            sub, "checkpoint", help="sign the current tree head; write every head to the file and the witnesses"
        )
        add_actor(cp)
        accept = subcommand(
            sub,
            "accept-rollback",
            help="after a restore of an older backup: record (signed, witnessed) the events and heads it lost (auditors)",
        )
        add_actor(accept)
        accept.add_argument(
            "--backup",
            required=True,
            metavar="NAME_OR_SHA256",
            help="the backup restored: its file name or SHA-256, as `restore` printed them",
        )
        log = subcommand(
            sub, "log", help="list the events you may see (auditors: all but papers above their clearance)"
        )
        add_actor(log)
        log.add_argument("--after", type=count, default=0, help="start after this event number")
        log.add_argument("--limit", type=count, default=50, help="how many events, newest first (50)")
        inc = subcommand(sub, "inclusion", help="inclusion proof of one event (auditors)")
        add_actor(inc)
        inc.add_argument("seq", type=count, help="the event's sequence number")
        inc.add_argument("--size", type=count, default=None, help="tree size (default: now)")
        con = subcommand(sub, "consistency", help="consistency proof between two tree sizes (auditors)")
        add_actor(con)
        con.add_argument("old_size", type=count, help="the size of the older head")
        con.add_argument("new_size", type=count, nargs="?", default=None, help="the size of the newer head (now)")

    def handle(self, *args, action, **o):
        if action == "verify":
            try:
                report = verify_log(o["key_fingerprint"], all_signatures=o["all_signatures"], workers=o["workers"])
            except (OSError, ValueError, AuditKeyUnavailable) as exc:
                raise Refused(_("cannot verify: %(error)s") % {"error": exc}) from None
            text = verification_text(report)
            if report.ok:
                return self.emit(report.as_json(), text)
            if self.as_json:
                self.emit(report.as_json(), "")
            self.stderr.write(text)  # with --json too: the JSON is for machines, this line for people
            raise SystemExit(1)
        if action == "key":
            key = signing.public_key()
            fingerprint = signing.fingerprint(key)
            verifier = signing.verifier_key(settings.SECRETARIAT_AUDIT_ORIGIN, key)
            return self.emit({"fingerprint": fingerprint, "verifier_key": verifier}, f"{fingerprint}\n{verifier}")
        if action == "checkpoint":
            checkpoint = services.sign_checkpoint(principal_by_username(o["actor"]))
            try:
                services.publish_checkpoints()
            except OSError as exc:
                raise Refused(
                    _(
                        "the head of %(tree_size)s events is signed and kept in the database, but %(error)s; "
                        "once that is put right, run `secretariat audit checkpoint` again: it writes every head a store lacks"
                    )
                    % {"tree_size": checkpoint.tree_size, "error": exc}
                ) from None
            return self.emit(
                {"tree_size": checkpoint.tree_size, "root": checkpoint.root_hash, "note": checkpoint.note},
                checkpoint.note,
            )
        if action == "accept-rollback":
            accepted = services.accept_rollback(principal_by_username(o["actor"]), backup=o["backup"])
            data = accepted.event.data
            lost, heads = data["lost"], data["lost_heads"]
            try:
                services.publish_checkpoints()
            except OSError as exc:
                raise Refused(
                    _(
                        "the rollback is recorded as event #%(seq)s and the head of %(tree_size)s events is signed and kept "
                        "in the database, but %(error)s; once that is put right, run `secretariat audit checkpoint`: "
                        "it writes every head a store lacks"
                    )
                    % {"seq": accepted.event.seq, "tree_size": accepted.checkpoint.tree_size, "error": exc}
                ) from None
            return self.emit(
                {
                    "event": accepted.event.seq,
                    "tree_size": accepted.checkpoint.tree_size,
                    "root": accepted.checkpoint.root_hash,
                    **data,
                },
                f"accepted: {lost['events']} event(s) (#{lost['from_seq']} to #{lost['to_seq']}, appended after "
                f"{lost['after']}) lost to the restore of {o['backup']}; {len(heads)} signed head(s) of the lost "
                f"history ({', '.join(str(h['size']) for h in heads)} events) named as lost; recorded as event "
                f"#{accepted.event.seq}, under the signed head of {accepted.checkpoint.tree_size} events",
            )
        if action == "log":
            rows = [
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(),
                    "actor": e.actor_name,
                    "action": e.action,
                    "object": f"{e.object_type}:{e.object_id}" if e.object_type else "",
                    "data": e.data,
                }
                for e in selectors.events(principal_by_username(o["actor"]), o["after"], o["limit"])
            ]
            text = "\n".join(
                f"#{r['seq']:<6} {r['at'][:19]}  {r['actor'] or '-':<12} {r['action']:<28} {r['object']}" for r in rows
            )
            return self.emit(rows, text or "no events")
        proof = (
            selectors.inclusion(principal_by_username(o["actor"]), o["seq"], o["size"])
            if action == "inclusion"
            else selectors.consistency(principal_by_username(o["actor"]), o["old_size"], o["new_size"])
        )
        self.emit(proof, "\n".join(f"{k}: {v}" for k, v in proof.items()))
