"""The library: the folder of articles (the source of truth), its metadata catalog, and the
commands that change it and the index together (`rag add`, `rag remove`, `rag list`)."""
