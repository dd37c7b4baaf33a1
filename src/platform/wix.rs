//! Wix: no import CSV; the discount rules of `discount-rules.json` (campaign::package) carry the
//! campaign dates as `activeTimeInfo` and apply per product.
