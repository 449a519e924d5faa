"""Every URL pattern needs a log-in, except an explicit list of public ones.

The test walks the URL resolver, so a pattern added later without protection fails here.
"""

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# Public on purpose; each entry says why. Keys are the resolver's route strings.
PUBLIC = {
    "healthz": "load balancer and monitoring (docs/interfaces.md §5)",
    "accounts/login/": "the log-in page",
    "accounts/logout/": "POST only; logs out nobody when nobody is logged in",
    "admin/login/": "the admin's log-in page",
    "admin/logout/": "logs out nobody when nobody is logged in",
    "api/v1/[\\s\\S]*$": "the JSON 404 for unknown API paths, no data",
    "public/": "the public page (docs/interfaces.md §8): policy data and office contacts, no person's data",
    "public/complaint/": "the public page's complaint form (POST, CSRF, flood-limited)",
}
CATCH_ALL = "api/v1/[\\s\\S]*$"
# Pages a logged-in user without a role may still open (they show nothing: fail closed).
OPEN_TO_ANY_USER = {"": "the dashboard says that the account has no role yet"}

_SAMPLES = {"int": "1", "path": "1", "str": "1", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?((?:[^()]|\([^()]*\))*)\)")


def _sample_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: _SAMPLES[m.group("converter") or "str"], route)


def _sample_regex(regex: str) -> str:
    def fill(match: re.Match) -> str:
        inner = match.group(1)
        for candidate in ("1", "households", "x"):
            if re.fullmatch(inner, candidate):
                return candidate
        raise AssertionError(f"no sample value for the group {match.group(0)!r}")

    return _REGEX_GROUP.sub(fill, regex.removeprefix("^").removesuffix("$")).replace("\\", "")


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _sample_route(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _sample_regex(str(pattern))
    raise AssertionError(f"unknown pattern type {type(pattern)}")


def _join(route: str, part: str) -> str:
    # As Django joins routes in ResolverMatch.route: a nested regex loses its leading ^.
    return route + (part.removeprefix("^") if route else part)


def _walk(patterns, route: str = "", url: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, _join(route, str(entry.pattern)), url + _sample(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield _join(route, str(entry.pattern)), "/" + url + _sample(entry.pattern)


ALL = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_patterns_we_know():
    routes = {route for route, _url in ALL}
    assert {"households/", "households/<int:pk>/", "api/v1/households/", "admin/"} <= routes


def test_every_public_entry_still_exists():
    """A stale entry would let a future pattern of the same name through unnoticed."""
    routes = {route for route, _url in ALL}
    assert set(PUBLIC) <= routes
    assert set(OPEN_TO_ANY_USER) <= routes


@pytest.mark.parametrize(("route", "url"), ALL, ids=[route for route, _url in ALL])
def test_sample_url_resolves_to_its_own_pattern(route, url):
    assert resolve(url).route == route


def _is_refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code == 302:
        return response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    return False


@pytest.mark.parametrize(
    ("route", "url"), [(r, u) for r, u in ALL if r not in PUBLIC], ids=[r for r, _u in ALL if r not in PUBLIC]
)
def test_anonymous_request_is_refused(client, db, route, url):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only view must refuse the anonymous POST too
        response = client.post(url)
    assert _is_refused(response), f"{url} answered {response.status_code} to an anonymous user"


@pytest.mark.parametrize(("route", "url"), [(r, u) for r, u in ALL if r in PUBLIC], ids=sorted(PUBLIC))
def test_public_pages_answer_anonymous_users(client, db, route, url):
    response = client.get(url)
    assert response.status_code in ((404,) if route == CATCH_ALL else (200, 302, 405)), url


@pytest.mark.parametrize(
    ("route", "url"),
    [(r, u) for r, u in ALL if r not in PUBLIC and r not in OPEN_TO_ANY_USER],
    ids=[r for r, _u in ALL if r not in PUBLIC and r not in OPEN_TO_ANY_USER],
)
def test_user_without_role_gets_nothing(client, stranger, route, url):
    client.force_login(stranger)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code in (302, 400, 403, 404), f"{url} answered {response.status_code} to a user without role"
    if response.status_code == 302:
        # The admin sends users who are not staff to its log-in page; nothing else may redirect.
        assert response["Location"].startswith("/admin/login/"), response["Location"]
