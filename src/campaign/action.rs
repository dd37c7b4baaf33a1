//! What a review recommends for a campaign line, and what a revision records as a change.
//! Its own module so the campaign file (`package`) and the review logic (`review`) both use it
//! without importing each other.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deepen,
    Hold,
    End,
    Review,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deepen => "deepen",
            Action::Hold => "hold",
            Action::End => "end",
            Action::Review => "review",
        }
    }
    pub const ALL: [Action; 4] = [Action::Deepen, Action::Hold, Action::End, Action::Review];
}
