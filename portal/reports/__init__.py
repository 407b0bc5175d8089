"""Mandatory reports of akims to residents: schedule, editing, publication and corrections."""
