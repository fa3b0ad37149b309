"""Side panels of the workstation window."""
