import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def settle_memory() -> None:
    """Move what lives as long as the process (modules, URL patterns, models, the objects loaded so far) out of the
    garbage collector's generations. A page that builds thousands of rows then triggers collections that no longer
    walk all of them: the check page of a proof with 500 receipts lost its slow tail (docs/benchmarks.md)."""
    from django.urls import get_resolver

    get_resolver().check()  # every view, flow and form is imported before the first request, not during it
    gc.collect()
    gc.freeze()


settle_memory()
