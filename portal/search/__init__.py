"""The search index of promises and published reports (issue 22), kept current on every write."""
