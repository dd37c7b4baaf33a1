//! Campaign header checks.
