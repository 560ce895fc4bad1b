from organisations import selectors


def acting_organisation(request):
    """Which organisation the signed-in user acts for, and which others they could switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "acting_organisation": selectors.acting_organisation(request),
        "my_organisations": selectors.organisations_for_user(user),
    }
