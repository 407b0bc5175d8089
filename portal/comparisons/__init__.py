"""Comparing akims: league tables of an area and several akims side by side (issue 22).

Every value shown comes from `portal.figures.readers.figures_for_terms`; this package only
orders, groups and marks the values that rest on too few cases
(`portal.figures.definitions.COMPARISON_MINIMUMS`).
"""
