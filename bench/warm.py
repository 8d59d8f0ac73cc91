"""Warm latency of liaison, in one process: the model loaded and the store open, then each
question timed end to end (retrieval, the gate, the extractive answer). Prints JSON.

    python -m bench.warm STORE QUESTIONS_FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assistant.config import Settings
from assistant.service import Assistant


def main(store: str, questions_file: str) -> None:
    questions = [q for q in Path(questions_file).read_text("utf-8").splitlines() if q.strip()]
    assistant = Assistant(Settings(store=store))
    assistant.warm()
    assistant.ask(questions[0])  # the first answer builds what answers keep for later
    search, ask = [], []
    for question in questions:
        start = time.perf_counter()
        assistant.search(question)
        search.append(time.perf_counter() - start)
        start = time.perf_counter()
        assistant.ask(question)
        ask.append(time.perf_counter() - start)
    print(json.dumps({"search": search, "ask": ask}))


if __name__ == "__main__":
    main(*sys.argv[1:])
