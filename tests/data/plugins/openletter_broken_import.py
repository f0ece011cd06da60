"""A test plugin that cannot be imported."""

import openletter_dependency_that_does_not_exist  # noqa: F401
