from tests.partners.conftest import broker, partner_user, platform_db  # noqa: F401 - fixtures
