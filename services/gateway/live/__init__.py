"""The live view: the read model fed by events (model, section), its store of shared items,
the sections of every domain (sections), and its routes (the JSON view, beranda, the event
handler and the reconciling timer)."""
