"""Which programmes a member of staff works on."""

from django.db.models import Exists, Q, QuerySet

from applications.models import Programme


def programmes_for_staff(user) -> QuerySet[Programme]:
    """The programmes of the user's programme teams; every programme for staff who are in no team.

    Only the team rule: callers check first that the user is staff at all (a role permission).
    """
    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    teams = Programme.staff.through.objects.filter(user_id=user.pk)
    return Programme.objects.filter(Q(pk__in=teams.values("programme_id")) | ~Exists(teams))
