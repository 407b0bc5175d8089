"""Rural district (fourth-level) budgets: categories, import, indicators, roll-ups, charts."""
