from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField

from app.forms import Form


class ChangePasswordForm(Form):
    # Required-ness is the service's call, so every problem is reported together.
    current_password = PasswordField("Current password", widget=GovPasswordInput())
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 10 characters. A long passphrase is best, for example three or four random words.",
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())
