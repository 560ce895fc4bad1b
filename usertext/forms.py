"""Forms that take typed text without invisible control characters (see `usertext.text`)."""

from django import forms

from usertext.text import without_controls


class UserTextFormMixin:
    """Removes bidirectional controls and other invisible characters from what the user typed, before any
    field sees it: declared fields, model fields and fields added in __init__ alike. Text areas keep line
    breaks and tabs; single-line fields get a space for them. Passwords and files stay as they are.

    Put it first: `class ProjectForm(UserTextFormMixin, forms.ModelForm)`.
    """

    def full_clean(self):
        if self.is_bound:
            self.data = self._data_without_controls()
        super().full_clean()

    def _data_without_controls(self):
        data = self.data.copy()  # a QueryDict from a request is immutable
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.PasswordInput | forms.FileInput):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):
                data.setlist(key, [_cleaned(value, multiline) for value in data.getlist(key)])
            else:
                data[key] = _cleaned(data[key], multiline)
        return data


def _cleaned(value, multiline: bool):
    return without_controls(value, multiline=multiline) if isinstance(value, str) else value
