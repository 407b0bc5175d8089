"""Users with traits for each role; `verified` makes a citizen a verified resident.
Verification requests, pending by default."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factory
from flask import current_app

from portal.accounts.iin import adult_from, keyed_hash
from portal.accounts.models import (
    Role,
    User,
    UserRole,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
)
from portal.accounts.passwords import hash_password
from tests.factories.base import BaseFactory, valid_iin

PASSWORD = "correct horse battery"  # noqa: S105


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("roles", "iin")

    email = factory.Sequence(lambda n: f"user{n}@example.kz")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    display_name = factory.Sequence(lambda n: f"User {n}")
    is_active_account = True
    locale = "en"  # mail to test users comes in English, as the pages do
    session_version = 1
    email_confirmed_at = factory.LazyFunction(lambda: datetime(2025, 1, 5, tzinfo=UTC))
    roles: tuple[Role, ...] = (Role.CITIZEN,)
    iin = factory.LazyFunction(valid_iin)
    iin_hmac = factory.LazyAttribute(
        lambda o: keyed_hash(o.iin, current_app.config["IIN_HMAC_KEY"])
    )
    adult_from = factory.LazyAttribute(
        lambda o: adult_from(o.iin, date(2025, 1, 5)) if o.iin_hmac else None)
    role_rows = factory.LazyAttribute(lambda o: [UserRole(role=role) for role in o.roles])

    class Params:
        verified = factory.Trait(
            resident_verified_at=factory.LazyFunction(lambda: datetime(2025, 1, 10, tzinfo=UTC)),
            verification_method=VerificationMethod.MODERATOR_REVIEW,
        )
        unconfirmed = factory.Trait(email_confirmed_at=None)
        deactivated = factory.Trait(is_active_account=False)
        staff = factory.Trait(roles=(Role.STAFF,), iin_hmac=None, adult_from=None)
        moderator = factory.Trait(roles=(Role.MODERATOR,), iin_hmac=None, adult_from=None)
        admin = factory.Trait(roles=(Role.ADMIN,), iin_hmac=None, adult_from=None)

    @classmethod
    def akim_for(cls, term: object, **kwargs: object) -> User:
        """An akim account linked to the person serving `term`."""
        return cls(roles=(Role.AKIM,), akim=term.akim, iin_hmac=None, adult_from=None,  # type: ignore[attr-defined]
                   **kwargs)

    @classmethod
    def resident_of(cls, rural_district: object, verified: bool = True, **kwargs: object) -> User:
        return cls(rural_district=rural_district, verified=verified, **kwargs)


class VerificationRequestFactory(BaseFactory):
    """A request waiting for a moderator, from an unverified resident of some district."""

    class Meta:
        model = VerificationRequest
        exclude = ("rural_district",)

    rural_district = factory.SubFactory("tests.factories.geo.RuralDistrictFactory")
    user = factory.SubFactory(UserFactory, rural_district=factory.SelfAttribute(
        "..rural_district"))
    rural_district_id = factory.LazyAttribute(lambda o: o.rural_district.id)
    method = VerificationMethod.MODERATOR_REVIEW
    status = VerificationStatus.PENDING
    note = "I live on the main street, next to the school."
    created_at = factory.LazyFunction(lambda: datetime(2025, 3, 1, tzinfo=UTC))
