"""The open-data bulk download: every published table as CSV in one ZIP, built in the background."""
