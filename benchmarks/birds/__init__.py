"""Bird-flight benchmark (`flight`)."""
