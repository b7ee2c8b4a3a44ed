"""Bring your own documents: read a file or URL, propose claims, add it to the library.

Sits beside qa, above kg: it imports kg only, and kg and qa never import it.
"""
