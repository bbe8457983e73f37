"""The peer side of bench_peer.py: LlamaIndex's default ingestion, run inside the PEER virtualenv (never the
project's: it must not import aiworks). One fresh process = what a user waits for from a cold shell:

    SimpleDirectoryReader(docs) -> SentenceSplitter (the default transformation) -> VectorStoreIndex with
    HuggingFaceEmbedding on the bundled all-MiniLM-L6-v2 folder -> one retrieval (no LLM: the project's
    extractive answer has none either).

    python peer_llamaindex.py DOCS_DIR MODEL_DIR QUESTION   -> one JSON line of timings on stdout
"""

import json
import os
import sys
import time

t0 = time.perf_counter()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex  # noqa: E402
from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # noqa: E402

docs_dir, model_dir, question = sys.argv[1:4]
t_import = time.perf_counter()
Settings.llm = None  # LlamaIndex's MockLLM: nothing is called over the network
Settings.embed_model = HuggingFaceEmbedding(model_name=model_dir, device="cpu")
t_load = time.perf_counter()
docs = SimpleDirectoryReader(docs_dir).load_data()  # PDFReader: one Document per page
t_read = time.perf_counter()
index = VectorStoreIndex.from_documents(docs)  # default transformations: [SentenceSplitter()], then embed
t_index = time.perf_counter()
hits = index.as_retriever(similarity_top_k=5).retrieve(question)
t_query = time.perf_counter()
print(
    json.dumps(
        {
            "pages": len(docs),
            "nodes": len(index.docstore.docs),
            "hits": len(hits),
            "import_s": t_import - t0,
            "model_load_s": t_load - t_import,
            "read_s": t_read - t_load,
            "split_embed_index_s": t_index - t_read,
            "ingest_s": t_index - t_load,
            "query_s": t_query - t_index,
            "in_process_s": t_query - t0,
            "top_file": hits[0].node.metadata.get("file_name") if hits else None,
        }
    )
)
