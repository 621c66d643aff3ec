"""The base of every form: each field reads only the kind of value it can hold.

Flask-WTF hands every field the posted files as well as the text, so a file sent under a text
field's name reached the services as a file object; and it reads a JSON body into the form, so
lists, objects and numbers did too. Here a file field sees only files, every other field only
text, and a JSON body fills no form: pages are posted by browsers, as forms.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DateField, FileField

_SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is None or hasattr(formdata, "getlist"):
                return formdata  # what the view passed, as it passed it
            if request.method not in _SUBMIT_METHODS:
                return None
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, upload) for name, upload in request.files.items(multi=True)
                               if name in file_fields])
            if files:
                return CombinedMultiDict((files, request.form))
            return request.form or None


class DayMonthYearField(DateField):
    """A GOV.UK date input: three boxes, read as one date.

    The widget shows the boxes from what was posted, so a post with fewer or more than three is
    kept as three (and, when something was sent, refused as not a date) rather than breaking the page.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            self.raw_data = ["", "", ""]
            return
        boxes = [*valuelist, "", "", ""][:3]
        self.raw_data = boxes
        if len(valuelist) != 3:
            self.data = None
            raise ValueError(self.gettext("Not a valid date value."))
        super().process_formdata(boxes)
