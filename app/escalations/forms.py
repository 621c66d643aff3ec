from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.forms import DayMonthYearField, Form


class AcknowledgeForm(Form):
    submit = SubmitField("Acknowledge", widget=GovSubmitInput())


class RespondForm(Form):
    response = TextAreaField(
        "Your response",
        description="What is being done to bring the action back on track.",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter your response: what is being done about it")],
    )
    submit = SubmitField("Save response", widget=GovSubmitInput())


class ReviseForm(Form):
    revised_due_date = DayMonthYearField(
        "Revised due date",
        description="For example, 27 3 2027",
        widget=GovDateInput(),
        format="%d %m %Y",
        validators=[Optional()],
    )
    reason = TextAreaField(
        "Reason for the revised date",
        description="The original due date is kept and shown beside the new one.",
        widget=GovTextArea(),
    )
    submit = SubmitField("Agree revised date", widget=GovSubmitInput())


class ReferForm(Form):
    note = TextAreaField("Why the board should consider it", widget=GovTextArea())
    submit = SubmitField("Refer to the board", widget=GovSubmitInput())


class ResolveForm(Form):
    note = TextAreaField("How it was resolved", widget=GovTextArea())
    submit = SubmitField("Resolve", widget=GovSubmitInput())


class FilterForm(Form):
    class Meta:
        csrf = False

    level = StringField("Level")
    pillar = StringField("Pillar")
    state = StringField("State")
