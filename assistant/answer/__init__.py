"""What an officer reads: answers and their events, the extractive and LLM answerers,
follow-ups and the routes tried before retrieval."""
