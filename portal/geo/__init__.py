"""The administrative map: regions, districts, rural districts and their settlements."""
