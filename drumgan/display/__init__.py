"""What a notebook shows: figures (:mod:`.plots`), inline players (:mod:`.players`) and text tables (:mod:`.tables`)."""
