//! The campaign package.
