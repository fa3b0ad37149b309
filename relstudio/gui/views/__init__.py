"""Time-linked views of one Document: waveform, spectrogram, relevance curve."""
