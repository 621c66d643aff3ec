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


def test_a_hash_made_with_older_settings_is_replaced_at_sign_in_and_the_password_still_works(app):
    from argon2 import PasswordHasher

    from app.auth.passwords import needs_rehash
    from app.auth.services import authenticate
    from app.extensions import db
    from tests import factories

    user = factories.user()
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(factories.PASSWORD)
    db.session.commit()
    old_hash = user.password_hash
    assert needs_rehash(old_hash)

    assert authenticate(user.email, factories.PASSWORD) is user
    db.session.commit()

    assert user.password_hash != old_hash
    assert not needs_rehash(user.password_hash)
    assert authenticate(user.email, factories.PASSWORD) is user


def test_a_wrong_password_leaves_an_old_hash_alone(app):
    from argon2 import PasswordHasher

    from app.auth.services import authenticate
    from app.extensions import db
    from tests import factories

    user = factories.user()
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(factories.PASSWORD)
    db.session.commit()
    old_hash = user.password_hash

    assert authenticate(user.email, "not the password at all") is None
    db.session.commit()
    assert user.password_hash == old_hash
