"""Expert files (safetensors + JSON metadata) and the library that scans them."""
