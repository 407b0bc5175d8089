"""Backups: the database and the stored files, with a manifest of hashes, restorable into an
empty database and an empty store (`flask backup create DIR`, `flask backup restore DIR`)."""
