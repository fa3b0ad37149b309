"""Neural networks: the paper's expert CNN, RELNET and the baselines."""
