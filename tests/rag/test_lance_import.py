"""The store imports lancedb without the REST namespace client (the largest cost of a cold ask), and code
that wants that client still gets it: the deferred package runs its real ``__init__`` on first use."""

import subprocess
import sys

PROBE = """
import sys, tempfile
from aiworks.rag.stores import open_store
store = open_store(tempfile.mkdtemp(), 4)
assert "lance_namespace_urllib3_client.api" not in sys.modules, "REST client built on the ask path"
import lance_namespace_urllib3_client as client
assert client.ApiClient.__name__ == "ApiClient" and "lance_namespace_urllib3_client.api" in sys.modules
print("ok")
"""


def test_lancedb_opens_without_rest_client_and_client_still_loads():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
