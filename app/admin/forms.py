from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.domain.roles import Role
from app.forms import Form


class NewUserForm(Form):
    name = StringField("Full name", widget=GovTextInput(), validators=[InputRequired(message="Enter the person's name")])
    email = StringField(
        "Email address", widget=GovTextInput(), validators=[InputRequired(message="Enter an email address")]
    )
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired(message="Choose a role")],
    )
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description="At least 10 characters. A long passphrase is best.",
        validators=[InputRequired(message="Enter an initial password")],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())


class ChangeRoleForm(Form):
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired(message="Choose a role")],
    )
    submit = SubmitField("Change role", widget=GovSubmitInput())


class DeactivateUserForm(Form):
    """No fields: the CSRF token alone, so a deactivation cannot be forged from another site."""
