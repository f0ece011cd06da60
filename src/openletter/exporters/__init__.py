"""Built-in exporters: each module is a plugin listed in ``openletter.plugins.DEFAULT_PLUGINS``."""
