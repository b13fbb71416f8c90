"""Features and their inverse: analysis (:mod:`.spectral`), the way back to audio (:mod:`.inverse`),
the model tensors (:mod:`.codec`) and what a round trip loses (:mod:`.roundtrip`)."""
