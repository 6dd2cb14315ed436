"""``{% unread_notifications %}``: the unread count for the navigation badge (one indexed count);
``|chase_stage``: a chasing stage's name."""

from django import template

from core.exports import choice_label

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from ..services.notifications import unread_count

    return unread_count(user)


@register.filter
def chase_stage(value) -> str:
    """``reminder`` → "Nhắc trước hạn" (``ChaseStage``'s label; an unknown value as it is)."""
    from ..models import ChaseStage

    return choice_label(ChaseStage)(value)
