"""Where builds are kept: each store implements ``citeqa.index.base.Store`` and knows no other store."""
