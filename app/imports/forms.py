from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import Form


class UploadForm(Form):
    upload = FileField(
        "Upload a workbook or CSV file",
        widget=GovFileInput(),
        description="An Excel workbook (.xlsx) or a CSV file, in UTF-8 or Windows-1252, separated by commas or tabs.",
    )
    pasted = TextAreaField(
        "Or paste a table",
        widget=GovTextArea(),
        description="Copy the whole table from Word or Excel, including its heading row, and paste it here.",
    )
    plan_title = StringField(
        "Plan title (optional)",
        widget=GovTextInput(),
        description="A plan with this title is updated in place; otherwise a new plan is made. "
        "Left empty, Pillar uses the title above the table, or the file name.",
        validators=[Optional(), Length(max=300, message="The plan title must be 300 characters or fewer")],
    )
    sheet = StringField(
        "Worksheet (optional)",
        widget=GovTextInput(),
        description="The name of the sheet to read. Left empty, Pillar reads the first.",
        validators=[Optional(), Length(max=100, message="The sheet name must be 100 characters or fewer")],
    )
    submit = SubmitField("Read the plan", widget=GovSubmitInput())
