"""Redis, which holds the cache and the sessions' fast copy, is killed while a signed-in person browses: every
page still answers (sessions come from the database, figures are computed afresh), and when Redis is back the
cache is used again. Uses its own Redis on a free port."""

import pytest
from django.core.cache import cache

PAGES = ["/", "/calls/", "/messages/", "/programmes/", "/organisation/members/"]
STAFF_PAGES = ["/staff/", "/staff/dashboard/"]


@pytest.fixture
def redis_cache(settings, private_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return private_redis


def visit(client, pages):
    return {page: client.get(page).status_code for page in pages}


def test_a_signed_in_applicant_browses_on_while_redis_is_down(client, alice, redis_cache):
    client.force_login(alice)
    assert set(visit(client, PAGES).values()) == {200}
    cache.set("probe", "warm")
    assert cache.get("probe") == "warm"  # the cache is really in use
    redis_cache.kill()
    assert visit(client, PAGES) == dict.fromkeys(PAGES, 200)
    assert cache.get("probe") is None  # a miss, not an error
    redis_cache.start()
    cache.set("probe", "back")
    assert cache.get("probe") == "back"
    assert set(visit(client, PAGES).values()) == {200}


def test_staff_work_lists_and_the_dashboard_answer_while_redis_is_down(client, programme_admin, redis_cache):
    client.force_login(programme_admin)
    redis_cache.kill()
    assert visit(client, STAFF_PAGES) == dict.fromkeys(STAFF_PAGES, 200)


def test_logging_in_works_while_redis_is_down(client, alice, redis_cache):
    from tests.factories import PASSWORD

    redis_cache.kill()
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/organisation/members/").status_code == 200  # signed in: no redirect to the login
