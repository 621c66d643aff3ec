import pytest

from app.auth.passwords import password_problem


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("qwertyuiop", "too common"),
        ("letmein12345", "too common"),
        ("correct horse battery staple", None),
        ("a long passphrase", None),
        ("pillar board in march", None),
        ("ALLCAPSNODIGITSBUTLONGENOUGHPHRASE", None),
    ],
)
def test_new_passwords_are_judged_by_length_and_a_deny_list_not_composition(password, problem):
    found = password_problem(password)
    if problem is None:
        assert found is None
    else:
        assert problem in found
