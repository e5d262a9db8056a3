"""The portal's pages: thin doors that read through selectors and change things through services."""
