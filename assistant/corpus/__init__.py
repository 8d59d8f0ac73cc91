"""What a document is: handling markings, the partner registry, the Markdown reader and chunking."""
