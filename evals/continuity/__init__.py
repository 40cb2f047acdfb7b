"""The ``continuity`` eval: cross-channel customer histories answered through /v1/assist."""
