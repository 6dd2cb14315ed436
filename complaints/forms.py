"""Page forms. A transition's form is built from the transition table's field specs, so the page asks
for exactly what the service requires."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .machine import Transition


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, transition: Transition, *args, **kwargs):
        self.transition = transition
        kwargs.setdefault("prefix", f"t-{transition.target}")
        super().__init__(*args, **kwargs)
        for spec in transition.fields:
            label = spec.label or spec.name
            if spec.kind == "date":
                field = forms.DateField(
                    label=label, required=spec.required, widget=forms.DateInput(attrs={"type": "date"})
                )
            elif spec.kind == "choice":
                field = forms.ChoiceField(label=label, required=spec.required, choices=spec.choices)
            else:
                field = forms.CharField(
                    label=label, required=spec.required, widget=forms.Textarea(attrs={"rows": 3})
                )
            self.fields[spec.name] = field
        self.order_fields([*(f.name for f in transition.fields), "comment"])


class DraftForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=500, widget=forms.TextInput(attrs={"size": 100}))
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 18, "cols": 100}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AssignForm(forms.Form):
    side = forms.ChoiceField(
        choices=[("province", _("Province")), ("ministry", _("Ministry"))], widget=forms.HiddenInput
    )
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users if users is not None else User.objects.none()
