from django.db.models import QuerySet

from notifications.models import Notification


def notifications_for_user(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def undelivered_count() -> int:
    """Messages whose e-mail failed for good (the whole retry window); administrators resend them."""
    from notifications.models import Notification, NotificationStatus

    return Notification.objects.filter(status=NotificationStatus.FAILED).count()
