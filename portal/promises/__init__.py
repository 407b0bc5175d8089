"""Campaign promises: the registered programme, its progress, verdicts and residents' checks."""
