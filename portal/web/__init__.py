"""Site-wide pieces: home, search, health, error pages, headers, templating helpers."""
