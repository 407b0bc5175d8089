"""Seed step: the demo accounts of SPEC.md, synthetic residents (who cannot sign in) and, in
the demo, a few residence verification requests waiting in the moderators' queue."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from flask import current_app

from portal.accounts import iin as iin_numbers
from portal.accounts.models import (
    Role,
    User,
    UserRole,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
)
from portal.accounts.passwords import hash_password
from portal.akims.models import Term
from portal.extensions import db
from portal.seed import people
from portal.seed.context import SeedContext, insert_rows, read_lines

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in SPEC.md; demo seed only
DEMO_ACCOUNTS = (
    ("admin@demo.kz", (Role.ADMIN,)),
    ("staff@demo.kz", (Role.STAFF,)),
    ("moderator@demo.kz", (Role.MODERATOR,)),
    ("akim@demo.kz", (Role.AKIM,)),
    ("akim2@demo.kz", (Role.AKIM,)),
    ("citizen@demo.kz", (Role.CITIZEN,)),
    ("visitor@demo.kz", (Role.CITIZEN,)),
)
RESIDENT_EMAIL_DOMAIN = "residents.demo.invalid"  # .invalid: can never receive mail


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("accounts")
    issued: set[str] = set()
    if not ctx.national:
        _demo_accounts(ctx, rng, issued)
    _residents(ctx, rng, issued)
    if not ctx.national:
        _pending_requests(ctx, rng, issued)


def _demo_accounts(ctx: SeedContext, rng: random.Random, issued: set[str]) -> None:
    password_hash = hash_password(DEMO_PASSWORD)
    lead_term = db.session.get(Term, ctx.demo.akim_term_id)
    second_term = db.session.get(Term, ctx.demo.akim2_term_id)
    assert lead_term is not None and second_term is not None  # noqa: S101 - seed invariant
    key = current_app.config["IIN_HMAC_KEY"]
    now = datetime.now(UTC)
    # Opened with the first residents' accounts: each exists before it rates, replies or signs.
    opened = RESIDENTS_FROM
    rows: list[dict[str, object]] = []
    roles: list[dict[str, object]] = []
    for email, account_roles in DEMO_ACCOUNTS:
        user_id = ctx.new_id(User)
        row: dict[str, object] = {
            "id": user_id, "email": email, "password_hash": password_hash,
            "display_name": email.split("@")[0].capitalize(), "is_active_account": True,
            "session_version": 1, "created_at": opened, "akim_id": None, "iin_hmac": None,
            "adult_from": None, "rural_district_id": None, "resident_verified_at": None,
            "verification_method": None, "email_confirmed_at": opened,
        }
        if email == "akim@demo.kz":
            row["akim_id"] = lead_term.akim_id
        elif email == "akim2@demo.kz":
            row["akim_id"] = second_term.akim_id
        elif email in ("citizen@demo.kz", "visitor@demo.kz"):
            iin = _new_iin(rng, issued)
            row.update(iin_hmac=iin_numbers.keyed_hash(iin, key),
                       adult_from=iin_numbers.adult_from(iin, now.date()))
            if email == "citizen@demo.kz":
                row.update(rural_district_id=lead_term.rural_district_id,
                           resident_verified_at=opened + timedelta(days=9),
                           verification_method=VerificationMethod.MODERATOR_REVIEW.value)
                ctx.demo.citizen_user_id = user_id
            else:
                row["rural_district_id"] = second_term.rural_district_id
                ctx.demo.visitor_user_id = user_id
        rows.append(row)
        roles.extend({"user_id": user_id, "role": role.value} for role in account_roles)
        ctx.demo.user_ids[email] = user_id
    insert_rows(User, rows)
    insert_rows(UserRole, roles)
    ctx.progress("demo accounts: " + ", ".join(email for email, _ in DEMO_ACCOUNTS))


def _residents(ctx: SeedContext, rng: random.Random, issued: set[str]) -> None:
    """Verified residents who rate and sign in the seed; about 4 % of voters, at least 25."""
    key = current_app.config["IIN_HMAC_KEY"]
    male = read_lines("given_names_male.txt")
    female = read_lines("given_names_female.txt")
    surnames = read_lines("surnames.txt")
    users: list[dict[str, object]] = []
    roles: list[dict[str, object]] = []
    for rural_district in ctx.rural_districts:
        count = max(25, rural_district.registered_voters * 4 // 100)
        if not ctx.national:
            count = 60
        ids = ctx.residents.setdefault(rural_district.id, [])
        for _ in range(count):
            user_id = ctx.new_id(User)
            iin = _new_iin(rng, issued)
            female_name = iin[6] in "246"
            # Residents' names follow the region as akims' do (portal.seed.people).
            origin = people.origin_of(rng, rural_district.region)
            if origin == "kazakh":
                given = rng.choice(female if female_name else male)
                surname = rng.choice(surnames) + ("а" if female_name else "")
            else:
                surname, given = people.other_given_and_surname(rng, origin, female_name)
            # Accounts opened after the first elections and verified within weeks, so each
            # exists and is verified before it rates or signs (time runs forward).
            created = RESIDENTS_FROM + timedelta(days=rng.randint(0, 120),
                                                 minutes=rng.randint(0, 1_439))
            users.append({
                "id": user_id, "email": f"resident{user_id}@{RESIDENT_EMAIL_DOMAIN}",
                "password_hash": None, "display_name": f"{given} {surname[0]}.",
                "iin_hmac": iin_numbers.keyed_hash(iin, key),
                "adult_from": iin_numbers.adult_from(iin, created.date()),
                "rural_district_id": rural_district.id,
                "resident_verified_at": created + timedelta(days=rng.randint(1, 14)),
                "verification_method": VerificationMethod.RESIDENTS_REGISTER.value,
                "is_active_account": True, "session_version": 1,
                "created_at": created, "email_confirmed_at": created,
            })
            roles.append({"user_id": user_id, "role": Role.CITIZEN.value})
            ids.append(user_id)
    insert_rows(User, users)
    insert_rows(UserRole, roles)
    ctx.progress(f"residents: {len(users)} verified synthetic residents")


RESIDENTS_FROM = datetime(2021, 8, 1, 6, tzinfo=UTC)


# (display name, which demo district, the note to the moderator, days waiting)
PENDING_APPLICANTS = (
    ("Айгүл С.", "lead", "Көктемде осында көшіп келдім; мектептің жанындағы Абай көшесі, "
                         "12-үйде тұрамын. Ауыл әкімі мені біледі.", 6),
    ("Нұрлан Т.", "lead", None, 3),
    ("Динара К.", "second", "Родилась здесь, вернулась после университета. Родители "
                            "живут на улице Желтоксан, 4.", 1),
)


def _pending_requests(ctx: SeedContext, rng: random.Random, issued: set[str]) -> None:
    """People who registered and asked to be verified, so the moderators' queue has work."""
    key = current_app.config["IIN_HMAC_KEY"]
    lead = db.session.get(Term, ctx.demo.akim_term_id)
    second = db.session.get(Term, ctx.demo.akim2_term_id)
    assert lead is not None and second is not None  # noqa: S101 - seed invariant
    now = datetime.combine(ctx.as_of, datetime.min.time(), UTC) + timedelta(hours=12)
    users: list[dict[str, object]] = []
    roles: list[dict[str, object]] = []
    requests: list[dict[str, object]] = []
    for number, (name, place, note, days) in enumerate(PENDING_APPLICANTS, start=1):
        user_id = ctx.new_id(User)
        iin = _new_iin(rng, issued)
        rural_district_id = (lead if place == "lead" else second).rural_district_id
        asked = now - timedelta(days=days, hours=rng.randint(0, 20))
        users.append({
            "id": user_id, "email": f"applicant{number}@{RESIDENT_EMAIL_DOMAIN}",
            "password_hash": None, "display_name": name,
            "iin_hmac": iin_numbers.keyed_hash(iin, key),
            "adult_from": iin_numbers.adult_from(iin, asked.date()),
            "rural_district_id": rural_district_id, "resident_verified_at": None,
            "verification_method": None, "is_active_account": True, "session_version": 1,
            "created_at": asked - timedelta(hours=2), "email_confirmed_at": asked,
        })
        roles.append({"user_id": user_id, "role": Role.CITIZEN.value})
        requests.append({
            "id": ctx.new_id(VerificationRequest), "user_id": user_id,
            "rural_district_id": rural_district_id,
            "method": VerificationMethod.MODERATOR_REVIEW.value,
            "status": VerificationStatus.PENDING.value, "note": note, "created_at": asked,
        })
    insert_rows(User, users)
    insert_rows(UserRole, roles)
    insert_rows(VerificationRequest, requests)
    ctx.progress(f"verification requests: {len(requests)} waiting for a moderator")


def _new_iin(rng: random.Random, issued: set[str]) -> str:
    """A valid, unused, synthetic IIN: a birth date, century/sex digit, serial, check digit."""
    while True:
        year = rng.randint(1950, 2005)
        birth = datetime(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        century = rng.choice("34") if year < 2000 else rng.choice("56")
        first_eleven = f"{birth:%y%m%d}{century}{rng.randint(0, 9999):04d}"
        iin = iin_numbers.with_check_digit(first_eleven)
        if iin is not None and iin not in issued:
            issued.add(iin)
            return iin
