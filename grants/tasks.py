"""Rendering the letters after the decision, and the sweep that brings back a lost rendering message."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError


# Retried like the decision letter: a database away for a while does not lose the letter; the sweep takes over after.
@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=2, retry_backoff_max=30, retry_jitter=False, max_retries=12
)
def render_grant_letter(*, letter_id: int) -> bool:
    """Render and store one letter; a letter already rendered (a redelivered message, the sweep) is left alone."""
    from grants.letters import grant_letter_render
    from grants.models import GrantLetter

    letter = GrantLetter.objects.filter(pk=letter_id, rendered_at__isnull=True).first()
    if letter is None:
        return False
    rendered = grant_letter_render(letter=letter)
    if rendered:
        from grants.letters import grant_letter_tell

        grant_letter_tell(letter=letter)
    return rendered


def unrendered_letters_sweep(*, grace: timedelta = timedelta(seconds=30)) -> int:
    """Enqueue again the letters still unrendered after `grace` (at most 500 a run)."""
    from grants.letters import unrendered_grant_letters

    count = 0
    for letter_id in unrendered_grant_letters(grace=grace).values_list("pk", flat=True)[:500]:
        render_grant_letter.delay(letter_id=letter_id)
        count += 1
    return count


@shared_task
def sweep_unrendered_grant_letters() -> int:
    return unrendered_letters_sweep()
