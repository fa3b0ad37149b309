"""Neural networks: the paper's expert CNN, RELNET and the baselines."""

# Named here (torch-free) so a model file's header can be checked without importing torch.
EXPERT_CNN_ARCHITECTURE = "expert_cnn/1"
