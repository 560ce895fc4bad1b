"""The grant room raises the same errors as the application room, so every page shows them the same way."""

from applications.errors import ApplicationError, NotAllowed, require_perm

__all__ = ["ApplicationError", "NotAllowed", "require_perm"]
