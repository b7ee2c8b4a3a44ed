"""Questions to cited answers: interpretation, SPARQL, answers."""
