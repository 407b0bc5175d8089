"""Administration pages: accounts, roles, the akim link, the residents' register."""
