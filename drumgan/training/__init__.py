"""Training runs: the run folder (:mod:`.folder`), a run and its model (:mod:`.run`), checkpoints,
callbacks and the resumable training loop (:mod:`.loop`). What defines a run is :mod:`drumgan.settings`."""
