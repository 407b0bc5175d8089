"""The rule thresholds as configuration: defaults in code, RECALL_RULES in instance config,
and versions saved by administrators. Every evaluation and flag records the version it used.

The current rule set is the latest `RuleSetVersion`. The configured rules (defaults overlaid
with RECALL_RULES) become a new version whenever they differ from the last version that came
from configuration, so the most recent change wins, whether made in the file or on the page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import ceil
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import audit
from portal.extensions import db
from portal.recall.models import RuleCode, RuleSetVersion, RuleSource, Severity


class RuleConfigError(ValueError):
    """A rule set that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class ReportingRule:
    """Rule 1: a report missing more than `days_past_due` days, or `missed_in_term` missing."""

    enabled: bool = True
    severity: Severity = Severity.TRIGGER
    days_past_due: int = 30
    missed_in_term: int = 2


@dataclass(frozen=True)
class PromisesRule:
    """Rule 2: from `from_term_share` of the term on, broken ≥ `broken_share_at_least` of the
    promises due, or kept < `kept_share_below` of them (with at least `min_due` due)."""

    enabled: bool = True
    severity: Severity = Severity.TRIGGER
    from_term_share: Decimal = Decimal("0.5")
    broken_share_at_least: Decimal = Decimal("0.5")
    kept_share_below: Decimal = Decimal("0.25")
    min_due: int = 1


@dataclass(frozen=True)
class SatisfactionRule:
    """Rule 3: over the last `reports` published reports, an average rating below
    `average_below` from at least max(`min_ratings`, `min_ratings_voter_share` × voters)."""

    enabled: bool = True
    severity: Severity = Severity.TRIGGER
    average_below: Decimal = Decimal("2.5")
    reports: int = 2
    min_ratings: int = 20
    min_ratings_voter_share: Decimal = Decimal("0.01")

    def min_count(self, registered_voters: int) -> int:
        return max(self.min_ratings, share_of(registered_voters, self.min_ratings_voter_share))


@dataclass(frozen=True)
class PetitionRule:
    """Rule 4: a recall petition signed by `voter_share` of the registered voters. Petitions
    collect signatures for `duration_days`."""

    enabled: bool = True
    severity: Severity = Severity.TRIGGER
    voter_share: Decimal = Decimal("0.10")
    duration_days: int = 90

    def threshold(self, registered_voters: int) -> int:
        """Signatures needed: the share of voters rounded up, and never fewer than one."""
        return max(1, share_of(registered_voters, self.voter_share))


@dataclass(frozen=True)
class BudgetRule:
    """Rule 5 (a warning): own-revenue plan executed below `own_execution_below` in a
    closed fiscal year."""

    enabled: bool = True
    severity: Severity = Severity.WARNING
    own_execution_below: Decimal = Decimal("0.70")


RuleConfig = ReportingRule | PromisesRule | SatisfactionRule | PetitionRule | BudgetRule

# Bounds of each number a rule set may hold: (minimum, maximum), inclusive.
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "days_past_due": (Decimal(0), Decimal(730)),
    "missed_in_term": (Decimal(1), Decimal(20)),
    "from_term_share": (Decimal(0), Decimal(1)),
    "broken_share_at_least": (Decimal("0.01"), Decimal(1)),
    "kept_share_below": (Decimal(0), Decimal(1)),
    "min_due": (Decimal(1), Decimal(100)),
    "average_below": (Decimal(1), Decimal(5)),
    "reports": (Decimal(1), Decimal(8)),
    "min_ratings": (Decimal(1), Decimal(100_000)),
    "min_ratings_voter_share": (Decimal(0), Decimal(1)),
    "voter_share": (Decimal("0.001"), Decimal(1)),
    "duration_days": (Decimal(1), Decimal(365)),
    "own_execution_below": (Decimal(0), Decimal(2)),
    "response_window_days": (Decimal(0), Decimal(60)),
}


@dataclass(frozen=True)
class RuleSet:
    reporting: ReportingRule = field(default_factory=ReportingRule)
    promises: PromisesRule = field(default_factory=PromisesRule)
    satisfaction: SatisfactionRule = field(default_factory=SatisfactionRule)
    petition: PetitionRule = field(default_factory=PetitionRule)
    budget: BudgetRule = field(default_factory=BudgetRule)
    response_window_days: int = 10  # days a new flag stays private unless the akim responds

    def rule(self, code: RuleCode) -> RuleConfig:
        value: RuleConfig = getattr(self, code.value)
        return value

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: decimals as strings (exact), severities by value."""
        result: dict[str, Any] = {}
        for code in RuleCode:
            result[code.value] = {name: _plain(value)
                                  for name, value in asdict(self.rule(code)).items()}
        result["response_window_days"] = self.response_window_days
        return result

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, base: RuleSet | None = None) -> RuleSet:
        """A rule set from (possibly partial) JSON over `base`; unknown or bad values refused."""
        result = base or cls()
        data = dict(data or {})
        window = data.pop("response_window_days", None)
        if window is not None:
            result = replace(result, response_window_days=int(_number(
                "response_window_days", window, integer=True)))
        for key, values in data.items():
            try:
                code = RuleCode(key)
            except ValueError:
                raise RuleConfigError(f"unknown rule {key!r}") from None
            if not isinstance(values, dict):
                raise RuleConfigError(f"{key}: expected a mapping of settings")
            current = result.rule(code)
            changes = {name: _coerce(key, current, name, value) for name, value in values.items()}
            updated: Any = replace(current, **changes)
            result = replace(result, **{code.value: updated})
        return result

    def fingerprint(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)


def share_of(total: int, share: Decimal) -> int:
    """`share` × `total`, rounded up, exactly (no float)."""
    return ceil(Fraction(total) * Fraction(share))


def _plain(value: Any) -> Any:
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value


def plain_decimal(value: Decimal) -> str:
    """The shortest exact spelling, never an exponent: 0.10 → "0.1", 30 → "30"."""
    text = format(value.normalize(), "f")
    return text


def _coerce(rule: str, current: RuleConfig, name: str, value: Any) -> Any:
    known = {item.name: item for item in fields(current)}
    if name not in known:
        raise RuleConfigError(f"{rule}: unknown setting {name!r}")
    default = getattr(current, name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise RuleConfigError(f"{rule}.{name}: expected true or false")
        return value
    if isinstance(default, Severity):
        try:
            return Severity(value)
        except ValueError:
            raise RuleConfigError(f"{rule}.{name}: expected warning or trigger") from None
    if isinstance(default, int):
        return int(_number(name, value, integer=True, where=rule))
    return _number(name, value, where=rule)


def _number(name: str, value: Any, integer: bool = False, where: str = "") -> Decimal:
    label = f"{where}.{name}" if where else name
    if isinstance(value, bool | float):
        # Floats are refused: 0.1 is not exactly a tenth. Write "0.1" (a string) instead.
        raise RuleConfigError(f"{label}: write the number as an integer or a decimal string")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleConfigError(f"{label}: not a number: {value!r}") from None
    if not number.is_finite() or (integer and number != number.to_integral_value()):
        raise RuleConfigError(f"{label}: expected a whole number")
    low, high = BOUNDS.get(name, (Decimal(0), Decimal(10**6)))
    if not low <= number <= high:
        raise RuleConfigError(f"{label}: must be between {low} and {high}")
    return number


# --------------------------------------------------------------------------- versions

def configured_rules() -> RuleSet:
    """The defaults overlaid with RECALL_RULES from the instance configuration."""
    return RuleSet.from_json(current_app.config.get("RECALL_RULES"))


@dataclass(frozen=True)
class CurrentRules:
    number: int | None  # None: no version saved yet (the configured rules will become one)
    rules: RuleSet
    version: RuleSetVersion | None


def current_rules() -> CurrentRules:
    """What the next evaluation will use, without writing anything (for pages): the latest
    version, unless the configuration changed since the last version taken from it. Two
    queries at most."""
    configured = configured_rules()
    latest = db.session.scalar(
        select(RuleSetVersion).order_by(RuleSetVersion.number.desc()).limit(1))
    if latest is None:
        return CurrentRules(None, configured, None)
    last_configured = latest if latest.source == RuleSource.CONFIGURATION else db.session.scalar(
        select(RuleSetVersion).where(RuleSetVersion.source == RuleSource.CONFIGURATION)
        .order_by(RuleSetVersion.number.desc()).limit(1))
    if (last_configured is not None
            and _stored(last_configured).fingerprint() != configured.fingerprint()):
        return CurrentRules(None, configured, None)  # the file changed: it is the latest word
    return CurrentRules(latest.number, _stored(latest), latest)


def _stored(version: RuleSetVersion) -> RuleSet:
    return RuleSet.from_json(version.thresholds)


def ensure_current_version(actor: Any) -> tuple[int, RuleSet]:
    """The current version, saving the configured rules as a new version when needed."""
    current = current_rules()
    if current.number is not None:
        return current.number, current.rules
    version = save_version(current.rules, actor, RuleSource.CONFIGURATION, CONFIGURATION_NOTE)
    return version.number, current.rules


# Stored in English (the audit trail keeps it as written); pages show `version_note`.
CONFIGURATION_NOTE = "From the defaults and the instance configuration (RECALL_RULES)."


def version_note(version: RuleSetVersion) -> str:
    """A version's note for a page: the portal's own note in the reader's language."""
    if version.source == RuleSource.CONFIGURATION and version.note == CONFIGURATION_NOTE:
        return str(_("From the defaults and the instance configuration (RECALL_RULES)."))
    return version.note


def save_version(rules: RuleSet, actor: Any, source: RuleSource, note: str) -> RuleSetVersion:
    """A new version with the next number. Flushes and audits; the caller commits."""
    number = (db.session.scalar(select(func.max(RuleSetVersion.number))) or 0) + 1
    version = RuleSetVersion(number=number, source=source, thresholds=rules.to_json(),
                             note=note.strip()[:500],
                             created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "recall.rules.version", version, None,
                 {"number": number, "source": source.value, "note": version.note,
                  "thresholds": version.thresholds})
    return version


def rules_of_version(number: int) -> RuleSet | None:
    """The thresholds a flag was raised under (one query)."""
    version = db.session.scalar(select(RuleSetVersion).where(RuleSetVersion.number == number))
    return _stored(version) if version is not None else None
