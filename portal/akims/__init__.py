"""Akims (people) and their terms of office in rural districts."""
