"""The forwarding tests use the asset tests' poles."""

from tests.assets.conftest import pole  # noqa: F401 - a fixture
