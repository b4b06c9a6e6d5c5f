"""A post's header: read strictly, its keys, fields, values, dates and pins."""
