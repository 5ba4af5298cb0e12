"""The WSGI entry point gunicorn loads."""

import gc


def test_the_loaded_application_is_frozen_out_of_full_collections():
    from motcua import wsgi

    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 1000  # Django's modules, classes and functions
