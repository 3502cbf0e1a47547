"""The German language layer at the bottom of the import graph: folding, sentences, dates,
places, the analyzer and the thesaurus. It imports nothing else of the assistant."""
