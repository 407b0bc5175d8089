"""Recall-trigger flags: configurable rules over each term's record, due process, petitions."""
