"""The one place that picks a workspace's backends: embedded (SQLite catalog + LanceDB under the workspace
folder) by default, PostgreSQL (catalog + pgvector store in one database) when ``AIWORKS_DATABASE_URL`` is
a ``postgresql://`` URL.

Originals, text, sentence vectors and layout files stay in the workspace folder with either backend; with
PostgreSQL that folder must be on storage every server mounts (AIWORKS_HOME on a shared volume). Why not in
the database: they are write-once blobs addressed by content hash (docs/<id>/<sha>), read whole by the file
and highlight endpoints; in the database they would multiply WAL, backups and replication traffic by the
size of every upload (originals are ~20x the chunk text) and pin them in shared buffers, while a shared
volume (NFS, EFS, a ReadWriteMany PVC) serves them with sendfile. The catalog row that points at a version
folder is only committed after the folder is complete, so a server never sees a half-written one.
"""

from __future__ import annotations

from pathlib import Path

from aiworks.pg import is_postgres_url
from aiworks.rag.catalog import Catalog, DocumentCatalog
from aiworks.rag.stores.base import VectorStore
from aiworks.settings import Settings


def open_backends(settings: Settings, workspace: str, root: Path, dim: int) -> tuple[DocumentCatalog, VectorStore]:
    url = settings.database_url
    if is_postgres_url(url):
        from aiworks.rag.catalog_pg import PgCatalog
        from aiworks.rag.stores.postgres import PgStore

        m, efc = (int(x) for x in settings.pg_hnsw.split(":"))
        store = PgStore(url, workspace, dim, ef_search=settings.pg_ef_search, hnsw=(m, efc))
        return PgCatalog(url, workspace), store
    if url:
        raise ValueError(f"AIWORKS_DATABASE_URL must be a postgresql:// URL, got {url.split(':', 1)[0]}://...")
    from aiworks.rag.stores import open_store

    return Catalog(root / "catalog.sqlite"), open_store(root / "lance", dim)
