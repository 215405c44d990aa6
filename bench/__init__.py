"""Start-up and call-speed benchmarks (`make bench`)."""
