"""Sign-in limits counted in Redis are shared by every web process: failures spread over
two processes add up, so moving between them buys an attacker nothing."""

from __future__ import annotations

from tests.conftest import csrf_from, make_app


def _attempt(client, email: str):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={
        "email": email, "password": "a wrong guess", "csrf_token": csrf_from(page.get_data(as_text=True)),
    })


def test_failures_in_two_web_processes_count_against_one_limit(redis_url, tmp_path):
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "SIGN_IN_LIMIT_PER_ACCOUNT": "4 per 15 minutes"}
    first = make_app("sqlite", tmp_path, **settings)
    second = make_app("sqlite", tmp_path, **settings)
    first.extensions["sign_in_throttle"].storage.reset()
    try:
        web_one, web_two = first.test_client(), second.test_client()
        for client in (web_one, web_two, web_one, web_two):
            assert _attempt(client, "target@example.org").status_code == 401
        for client in (web_one, web_two):
            refused = _attempt(client, "target@example.org")
            assert refused.status_code == 429
            assert int(refused.headers["Retry-After"]) > 0
        # Another account is untouched: the limit per address is higher.
        assert _attempt(web_two, "someone-else@example.org").status_code == 401
    finally:
        first.extensions["sign_in_throttle"].storage.reset()
