import re

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form

_CODE = re.compile(r"[0-9]{6,8}")


class TokenForm(Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")  # apps show "123 456"
        if not _CODE.fullmatch(token):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."), code="otp.format")
        return token
