"""Generating: sampling a run (:mod:`.sampling`), finding the latent of a given clip (:mod:`.projection`),
writing a Hydrogen kit (:mod:`.kit`) and exporting a run's weights (:mod:`.export`)."""
