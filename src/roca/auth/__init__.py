"""Users, roles, permissions and API tokens."""
