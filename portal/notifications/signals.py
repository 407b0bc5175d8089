"""The events domains announce, one signal each: import this module, never mail code.

A domain sends the signal from its service, after the change is flushed and inside the same
transaction, with the changed object as the sender and the person who acted:

    from portal.notifications import signals
    signals.report_published.send(report, actor=actor)

The notifications package listens. It records the event in the same transaction, so an event
exists only if the change was committed, and delivers it (mail to followers, feeds) in the job
worker after the commit. A receiver never sends mail or talks to the network inside a request.
`actor` is the `User` who acted, or a label such as "job" or "seed" for changes nobody made
by hand; nobody is told of their own action.
"""

from __future__ import annotations

from blinker import Namespace

events = Namespace()

#: A report's first publication. Sender: the `Report`; `actor`.
report_published = events.signal("report-published")

#: A published report corrected (a new version with a reason). Sender: the `Report`;
#: `version` (the new `ReportVersion`), `actor`.
report_amended = events.signal("report-amended")

#: A meeting with residents scheduled by the akim. Sender: the meeting; `actor`.
meeting_scheduled = events.signal("meeting-scheduled")

#: An announced meeting moved (time, village or place) or cancelled by the akim. Sender: the
#: meeting; `change` ("changed" or "cancelled"), `actor`. Recorded as an event of the same
#: kind as the announcement (`EventKind.MEETING_SCHEDULED`, with `change` in its data): one
#: preference covers a meeting's announcement and what becomes of it.
meeting_changed = events.signal("meeting-changed")

#: The akim claimed a new status for a promise, or a verifier reopened a closed claim.
#: Sender: the `Promise`; `update` (the `PromiseUpdate`), `actor`.
promise_status_changed = events.signal("promise-status-changed")

#: An independent verdict on a promise by a moderator or parliamentary staff.
#: Sender: the `Promise`; `update` (the `PromiseUpdate`), `actor`.
verdict_recorded = events.signal("verdict-recorded")

#: Recall-trigger flags raised by an evaluation, announced together (one evaluation may raise
#: many). Sender: the `RecallEvaluation`; `flag_ids` (list of `Flag` ids), `actor`.
flags_raised = events.signal("flags-raised")

#: The akim responded to a flag on their term. Sender: the `Flag`; `actor`.
flag_responded = events.signal("flag-responded")

#: A moderator of the portal upheld or dismissed a flag. Sender: the `Flag`; `actor`.
flag_decided = events.signal("flag-decided")

#: The akim replied officially to a resident's comment. Sender: the reply (`Comment`, whose
#: `parent` is the comment answered); `actor`.
official_reply_posted = events.signal("official-reply-posted")

#: A recall petition reached its signature threshold. Sender: the `Petition`; `actor` (the
#: resident whose signature reached it).
petition_threshold_reached = events.signal("petition-threshold-reached")

ALL = (report_published, report_amended, meeting_scheduled, meeting_changed,
       promise_status_changed,
       verdict_recorded, flags_raised, flag_responded, flag_decided, official_reply_posted,
       petition_threshold_reached)
