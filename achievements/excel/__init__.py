"""Excel in and out of the achievement's life, one module per part (built on kernel.excel)."""
