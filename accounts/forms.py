"""The delegation page's grant form: input checks only — the rules live in the delegation service."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sites.shortcuts import get_current_site
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import outbox
from tthc.models import Agency

from . import gate
from .models import Role, User
from .services import grantable_roles

#: Above this many agencies the agency field is a code box with suggestions instead of a list.
SELECT_LIMIT = 300


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    new_account = forms.BooleanField(label=_("Create a new account"), required=False)
    password = forms.CharField(
        label=_("Password (new account)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        strip=False,
    )
    full_name = forms.CharField(label=_("Full name (new account)"), max_length=255, required=False)
    email = forms.EmailField(label=_("E-mail (new account)"), required=False)
    # Off unless asked: most officers never need the admin site.
    is_staff = forms.BooleanField(
        label=_("May use the administration site (new account)"), required=False, initial=False
    )
    agency = forms.CharField(label=_("Agency code"), max_length=40)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    include_subunits = forms.BooleanField(label=_("Including sub-units"), required=False, initial=True)
    valid_until = forms.DateField(
        label=_("Valid until (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, granter, **kwargs):
        super().__init__(*args, **kwargs)
        self.granter = granter
        # Offer only the roles the granter can grant; any other posted role still reaches the
        # service, which refuses it and records the attempt.
        allowed = set(grantable_roles(granter))
        self.fields["role"].widget.choices = [(v, label) for v, label in Role.choices if v in allowed]
        agencies = gate.admin_agencies(granter).only("code", "name", "short_name").order_by("path")
        options = list(agencies[: SELECT_LIMIT + 1])
        if len(options) <= SELECT_LIMIT:
            self.fields["agency"].widget = forms.Select(
                choices=[(a.code, f"{a.code} — {a.name}") for a in options]
            )
        else:
            self.fields["agency"].help_text = _("The code of an agency you administer, e.g. 01 or 00004.")

    def clean_agency(self):
        code = self.cleaned_data["agency"].strip()
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("No agency has the code %(code)s."), params={"code": code})
        return agency

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        # Valid through the whole day, in Vietnam time.
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))

    def clean(self):
        data = super().clean()
        username = (data.get("username") or "").strip()
        if data.get("new_account"):
            if not data.get("password"):
                self.add_error("password", _("A new account needs a password."))
            data["user"] = None
        elif username:
            user = User.objects.visible_to(self.granter).filter(username__iexact=username).first()
            if user is None:
                self.add_error(
                    "username",
                    _("No account %(username)s in your subtree; tick “Create a new account” to create it.")
                    % {"username": username},
                )
            data["user"] = user
        data["username"] = username
        return data


class AssignmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Username or agency code"), required=False)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("active", _("Active")), ("all", _("All, including revoked and expired"))],
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """The password reset page's form: validates the address and queues the mail task with it, for a
    known and an unknown address alike, so that the page takes the same time for both. The worker
    looks the accounts up and sends the links (``services.password_reset``)."""

    def save(
        self,
        domain_override=None,
        subject_template_name=None,
        email_template_name=None,
        use_https=False,
        token_generator=None,
        from_email=None,
        request=None,
        html_email_template_name=None,
        extra_email_context=None,
    ):
        from .tasks import send_password_reset

        options = {
            "domain": domain_override or get_current_site(request).domain,
            "use_https": use_https,
            "language": translation.get_language(),
            "from_email": from_email,
            "html_email_template_name": html_email_template_name,
            "extra_email_context": extra_email_context,
        }
        if subject_template_name:
            options["subject_template_name"] = subject_template_name
        if email_template_name:
            options["email_template_name"] = email_template_name
        outbox.send_now(send_password_reset, args=[self.cleaned_data["email"]], kwargs=options)
