"""Forms for updates, evidence, completion and comments. Each carries the version it was based on."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.evidence.filetypes import ACCEPTED_HINT
from app.forms import Form
from app.updates.services import PROPOSABLE


def _version_field() -> HiddenField:
    return HiddenField(default="0")


class UpdateForm(Form):
    proposed_rag = RadioField(
        "Proposed RAG rating",
        widget=GovRadioInput(),
        choices=[SelectChoice(rag.value, rag.label) for rag in PROPOSABLE],
        validate_choice=False,  # the service says what is wrong, beside the field
    )
    commentary = TextAreaField(
        "Commentary on key activity in the period", widget=GovTextArea(),
        description="What was done this period, with numbers where you have them.",
    )
    outstanding_actions = TextAreaField("Outstanding actions required", widget=GovTextArea())
    risks = TextAreaField("Risks, issues and mitigating action", widget=GovTextArea())
    file = FileField("Evidence file (optional)", widget=GovFileInput(), description=f"A {ACCEPTED_HINT}.")
    base_version = _version_field()
    submit = SubmitField("Post update", widget=GovSubmitInput())


class EvidenceForm(Form):
    file = FileField("Evidence file", widget=GovFileInput(), description=f"A {ACCEPTED_HINT}.")
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())


class ClaimCompletionForm(Form):
    note = TextAreaField(
        "Completion note", widget=GovTextArea(),
        description="What was delivered, and where the evidence shows it.",
    )
    evidence = HiddenField()  # carries the 'upload evidence first' message to its place on the page
    base_version = _version_field()
    submit = SubmitField("Claim completion", widget=GovSubmitInput())


SIGN_OFF = "sign_off"
SIGN_OFF_MONITORING = "sign_off_monitoring"
SEND_BACK = "send_back"


class SignOffForm(Form):
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(SIGN_OFF, "Sign off as complete"),
            SelectChoice(SIGN_OFF_MONITORING, "Sign off as complete subject to monitoring"),
            SelectChoice(SEND_BACK, "Send back for more work"),
        ],
        validate_choice=False,
    )
    reason = TextAreaField("Reason for sending it back", widget=GovTextArea(),
                           description="Needed when you send the action back.")
    base_version = _version_field()
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ReasonForm(Form):
    reason = TextAreaField("Reason", widget=GovTextArea())
    base_version = _version_field()
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class CommentForm(Form):
    body = TextAreaField("Comment", widget=GovTextArea())
    submit = SubmitField("Add comment", widget=GovSubmitInput())
