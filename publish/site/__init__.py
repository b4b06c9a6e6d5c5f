"""The site: build without a half-built output, the build's inputs and stamp, the content
cache, deploy."""
