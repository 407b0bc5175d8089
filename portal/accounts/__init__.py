"""People who sign in: citizens, akims, parliamentary staff, moderators, admins."""
