"""PDF accountability dossiers: one per akim, and bundles of them built in the background."""
