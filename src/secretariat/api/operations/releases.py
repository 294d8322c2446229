"""The releases desk's operations over HTTP: public channels and their editors, and the announcement a cable
carries, prepared by its drafter. (Releasing it is POST /releases/{template_id}/publish, in api/api.py.)"""

from typing import Annotated

from ninja import Field, Router, Schema, Status

from secretariat.api.problems import problems
from secretariat.api.schemas import BODY_FILLED, LINE_FILLED, TemplateOut
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import presenters, selectors, services

router = Router(tags=["releases"])

# What the services take (releases.services.add_channel): a channel's code in lower case, its series in capitals.
CHANNEL_CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"
SERIES = r"^[A-Z][A-Z0-9]{0,19}$"
USERNAME = r"^[\w.@+-]{1,150}$"
# An announcement's text: a body, its blanks written {{name}} (lowercase letters, digits, underscores) and no
# other brace. The service refuses a stray {{ or }}; the document asks for no stray brace at all.
TEMPLATE_TEXT = r"^(?:[^{}]|\{\{[a-z][a-z0-9_]*\}\})*$"


class ChannelOut(Schema):
    code: str
    name: str
    series: str
    editors: list[str]


class ChannelIn(Schema):
    code: str = Field(
        pattern=CHANNEL_CODE,
        description="lowercase letters, digits and hyphens, e.g. tass (not press: that is the press desk's address)",
        json_schema_extra={"not": {"enum": sorted(services.RESERVED_CODES)}},
    )
    name: str = Field(pattern=LINE_FILLED, max_length=200)
    series: str = Field(pattern=SERIES, description="the series its releases are numbered in, e.g. TASS")
    editors: list[Annotated[str, Field(pattern=USERNAME)]] = Field(
        [], max_length=50, description="usernames of press officers", json_schema_extra={"uniqueItems": True}
    )


class EditorIn(Schema):
    editor: str = Field(pattern=USERNAME, description="the username of a press officer")


class PrepareIn(Schema):
    channel: str = Field(pattern=CHANNEL_CODE, description="the channel it goes out through, e.g. tass")
    title: str = Field(pattern=LINE_FILLED, max_length=500)
    text: str = Field(
        pattern=BODY_FILLED,
        max_length=100_000,
        description="the announcement, its blanks written {{name}}: filled when it is released",
        json_schema_extra={"allOf": [{"pattern": TEMPLATE_TEXT}]},
    )


@router.post("/channels", response={201: ChannelOut, **problems(409, 422)}, operation_id="add_channel")
def add_channel(request, payload: ChannelIn):
    """Set up a public channel (an administrator), with its editors."""
    channel = services.add_channel(
        request.auth,
        payload.code,
        payload.name,
        series=payload.series,
        editors=[principal_by_username(u) for u in payload.editors],
    )
    return Status(201, presenters.channel_json(channel))


@router.post(
    "/channels/{code}/editors", response={200: ChannelOut, **problems(404, 409, 422)}, operation_id="add_editor"
)
def add_editor(request, code: str, payload: EditorIn):
    """Add an editor (a press officer) to a channel (an administrator)."""
    channel = services.add_editor(request.auth, selectors.channel(code), principal_by_username(payload.editor))
    return presenters.channel_json(channel)


@router.post(
    "/cables/{regno:number}/releases",
    response={201: TemplateOut, **problems(404, 409, 422)},
    operation_id="prepare_release",
)
def prepare_release(request, number: str, payload: PrepareIn):
    """Prepare the announcement a draft cable carries (its drafter); it goes out once the cable's control is done."""
    template = services.prepare_release(
        request.auth, number, channel=selectors.channel(payload.channel), title=payload.title, text=payload.text
    )
    return Status(201, presenters.template_json(template))
