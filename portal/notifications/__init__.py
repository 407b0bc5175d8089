"""Notifications: the events domains announce (`signals`), follows, preferences and delivery.

Domains import `portal.notifications.signals` only; this module imports nothing else, so that
importing the signals never brings in mail code.
"""
