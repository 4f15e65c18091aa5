//! The platform-neutral heart of layoffwatch.
