"""The front ends: the Python API, configuration, the `newsdesk` command and `serve`."""
