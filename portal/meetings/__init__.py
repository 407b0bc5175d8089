"""Meetings of akims with residents: scheduled, held, questions raised and followed up."""
