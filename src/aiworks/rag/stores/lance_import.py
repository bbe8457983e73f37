"""Import ``lancedb`` without building the Lance REST namespace client it never uses here.

``lancedb`` imports ``lance_namespace``, which re-exports request/response *models* from
``lance_namespace_urllib3_client.models``. Importing that submodule first runs the package's ``__init__``,
which also builds the whole REST API client (pydantic-validated methods for every endpoint): measured with
``python -X importtime`` on the 2-core box, ~60 % of ``import lancedb`` and the largest single cost of a cold
``aiworks ask``. An embedded store only needs the models. So the package is registered without running its
``__init__``; its submodules import as usual, and the first other attribute looked up on it runs the real
``__init__`` in place, so any code that does want the REST client still gets it.
"""

from __future__ import annotations

import importlib.util
import sys

_PACKAGE = "lance_namespace_urllib3_client"


def _defer_rest_client() -> None:
    if _PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        del module.__dict__["__getattr__"]
        loader.exec_module(module)  # the real package __init__, once
        return getattr(module, attr)

    module.__dict__["__getattr__"] = __getattr__  # PEP 562 module hook
    sys.modules[_PACKAGE] = module


def import_lancedb():
    _defer_rest_client()
    import lancedb

    return lancedb
