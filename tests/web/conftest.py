"""Web tests use the session server of tests/conftest.py."""
