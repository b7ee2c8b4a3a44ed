"""`kgqa bench`: build, ask and query a synthetic corpus of a given size, against rdflib and raw
pyoxigraph on the same data, and load the web server with wrk."""
