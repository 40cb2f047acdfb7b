"""Intent classification pieces that do not need the classifier's vendors (pure numpy)."""
