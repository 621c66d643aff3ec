from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from app.forms import Form


class ValueForm(Form):
    # Numbers are read by the service, so "64.2%" or "1,200" are accepted and
    # every problem is reported in the same words as an import.
    period = SelectField("Month", widget=GovSelect(), validators=[InputRequired(message="Choose the month")])
    value = StringField(
        "Value",
        widget=GovTextInput(),
        description="As published. Leave blank to work it out from the numerator and denominator.",
    )
    numerator = StringField("Numerator", widget=GovTextInput(), description="For a rate: how many met the standard.")
    denominator = StringField("Denominator", widget=GovTextInput(), description="For a rate: how many there were.")
    commentary = TextAreaField("Commentary", widget=GovTextArea())
    submit = SubmitField("Save value", widget=GovSubmitInput())


class ImportForm(Form):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A CSV file or an Excel workbook (.xlsx) of indicator definitions or values.",
        validators=[FileRequired(message="Choose a file to import")],
    )
    submit = SubmitField("Import", widget=GovSubmitInput())
