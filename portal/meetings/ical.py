"""iCalendar feeds (RFC 5545) of meetings with residents, for a rural district or a region."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from portal.meetings.models import Meeting, MeetingStatus

# A meeting has a start, not an end; calendars need one.
ASSUMED_LENGTH = timedelta(hours=2)


def feed(meetings: Iterable[Meeting], name: str, url_of: Callable[[Meeting], str],
         host: str) -> bytes:
    """The calendar of `meetings`; `url_of(meeting)` gives each meeting's page. Cancelled
    meetings stay in the feed, marked cancelled, so calendars that had them remove them."""
    from icalendar import Calendar, Event  # imported here: only the feeds need it

    calendar = Calendar()
    calendar.add("prodid", "-//akim accountability portal//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@{host}")
        event.add("dtstamp", meeting.last_modified)
        event.add("sequence", meeting.sequence)
        event.add("dtstart", meeting.starts)
        event.add("dtend", meeting.starts + ASSUMED_LENGTH)
        event.add("summary", f"{meeting.term.akim.name} — {meeting.settlement.name}")
        event.add("location", f"{meeting.place}, {meeting.settlement.name}")
        event.add("url", url_of(meeting))
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED
                  else "CONFIRMED")
        if meeting.cancel_reason:
            event.add("description", meeting.cancel_reason)
        calendar.add_component(event)
    return calendar.to_ical()
