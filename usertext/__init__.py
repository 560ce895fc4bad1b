"""Text that people type, kept from changing the product's own sentences.

A leaf package: it imports only Django, so every app may use it (also `notifications`, which imports no domain
app). `text.py` strips the invisible characters, `forms.py` does so for every form a user fills in, and the
`bidi` template library isolates user text where it is shown.
"""
