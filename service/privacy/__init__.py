"""Customer privacy: erasure on request (:mod:`service.privacy.erasure`) and the hashed subject
references (:mod:`service.privacy.subjects`) that let erasure find records naming a customer
without storing who it is in clear."""
