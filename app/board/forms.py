from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import DayMonthYearField, Form


class BoardMeetingForm(Form):
    meeting_date = DayMonthYearField(
        "Date of the meeting",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="For example, 27 3 2027",
        validators=[InputRequired(message="Enter the date of the meeting, for example 27 3 2027")],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Improvement board",
        validators=[InputRequired(message="Enter a title for the meeting"), Length(max=200)],
    )
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Add meeting", widget=GovSubmitInput())
