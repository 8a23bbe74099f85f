"""One module per part of the achievement's life; import from the module itself."""
