"""Citizen feedback: residents' ratings of published reports, comments, replies, moderation."""
