"""How channels, prepared announcements and releases look on the command line and in JSON.

A release is public: what anyone may list carries no trace of the classified cable it came
from; the editor who sends it out sees that too.
"""

from secretariat.kernel.formats import iso, stamp
from secretariat.releases.models import Channel, Release, ReleaseTemplate


def channel_json(channel: Channel) -> dict:
    return {
        "code": channel.code,
        "name": channel.name,
        "series": channel.series,
        "editors": sorted(e.username for e in channel.editors.all()),
    }


def channel_line(channel: Channel) -> str:
    data = channel_json(channel)
    return f"{data['code']:<16} {data['series']:<8} {data['name']:<30} editors: {', '.join(data['editors']) or '-'}"


def template_json(template: ReleaseTemplate) -> dict:
    released = getattr(template, "release", None)
    return {
        "id": template.pk,
        "cable": template.cable.number,
        "channel": template.channel.code,
        "classification": str(template.classification),
        "title": template.title,
        "text": template.text,
        "fields": template.fields,
        "prepared_at": iso(template.prepared_at),
        "prepared_by": template.prepared_by.username,
        "released": released.document.number if released is not None else None,
    }


def template_line(template: ReleaseTemplate) -> str:
    data = template_json(template)
    state = f"released as No {data['released']}" if data["released"] else "pending"
    return (
        f"release {data['id']:>4}  {data['channel']:<10} in No {data['cable']:<14} {data['classification']:<20} "
        f"blanks: {', '.join(data['fields']) or '-':<16} {state:<24} {data['title']}"
    )


def release_json(release: Release, *, internal: bool = False) -> dict:
    """What went out; `internal` adds the cable it came from and the reviewer (for the editor)."""
    data = {
        "number": release.document.number,
        "channel": release.channel.code,
        "title": release.document.title,
        "text": release.document.current_version().text,
        "values": release.values,
        "released_at": iso(release.released_at),
    }
    if internal:
        data |= {
            "template": release.template_id,
            "cable": release.template.cable.number,
            "reviewer": release.reviewer.username,
        }
    return data


def release_line(release: Release) -> str:
    return (
        f"No {release.document.number:<12} {release.channel.name:<16} {stamp(release.released_at)}  "
        f"{release.document.title}"
    )
