"""The data: finding samples (:mod:`.sources`, :mod:`.labels`), decoding them (:mod:`.audio`), the
synthetic fallback kit (:mod:`.synthetic`) and the cached dataset with its split (:mod:`.dataset`)."""
