"""The network switches. Called before any heavy library is imported or any model is loaded.

The users' networks are air-gapped: Hugging Face must never try a hub, and Chroma must never
send telemetry. Setting the switches in the environment keeps them in force for child
processes too.
"""

from __future__ import annotations

import os

SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
}


def go_offline() -> None:
    """Force every offline switch (idempotent). Users cannot turn these back on by env."""
    for key, value in SWITCHES.items():
        os.environ[key] = value
