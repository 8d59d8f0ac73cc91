"""The embedder as LangChain sees it, and what importing it costs the chat screen."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest


@pytest.mark.integration
def test_as_langchain_is_a_real_embeddings_sharing_the_model(embedder: Any) -> None:
    from langchain_core.embeddings import Embeddings

    adapter = embedder.as_langchain()
    assert isinstance(adapter, Embeddings)
    text = "The head of delegation sits opposite the guest."
    assert adapter.embed_query(text) == embedder.embed_query(text)
    assert adapter.embed_documents([text, "gifts"]) == embedder.embed_documents([text, "gifts"])


def test_the_chat_app_imports_no_langchain_before_its_first_paint() -> None:
    probe = (
        "import json, sys\n"
        "import assistant.tui.app\n"
        "print(json.dumps([m for m in ('langchain_core', 'torch', 'chromadb', "
        "'sentence_transformers') if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
