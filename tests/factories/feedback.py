"""Comments (a resident's comment on a published report by default). Ratings are made through
`portal.feedback.ratings.rate_report`, so that their tallies stay right."""

from __future__ import annotations

import factory

from portal.feedback.models import Comment, CommentStatus
from tests.factories.accounts import UserFactory
from tests.factories.base import BaseFactory
from tests.factories.reports import ReportFactory


class CommentFactory(BaseFactory):
    class Meta:
        model = Comment
        exclude = ("report",)

    report = factory.SubFactory(ReportFactory, published=True)
    report_id = factory.LazyAttribute(lambda o: o.report.id)
    term = factory.LazyAttribute(lambda o: o.report.term)
    author = factory.LazyAttribute(
        lambda o: UserFactory.resident_of(o.report.term.rural_district))
    body = factory.Sequence(lambda n: f"The road to the school is still broken ({n}).")
    is_resident = factory.LazyAttribute(
        lambda o: o.author.is_verified_resident_of(o.report.term.rural_district_id))
    status = CommentStatus.VISIBLE
